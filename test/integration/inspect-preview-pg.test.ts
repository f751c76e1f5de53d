// The grid's previews of large PostgreSQL values, cut by the server itself (PG.preview): the same
// cells as reading the whole value (pgCell), on a real server.
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pgCell } from '../../electron/core/inspect/cells'
import { PG } from '../../electron/core/inspect/pg-source'

const URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const SCHEMA = `ferry_preview_${process.pid}`
const client = new pg.Client({
  connectionString: URL,
  types: { getTypeParser: () => (v: string) => v },
})

beforeAll(async () => {
  await client.connect()
  await client.query(`CREATE SCHEMA ${SCHEMA}`)
})
afterAll(async () => {
  await client.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`)
  await client.end()
})

/** One value of `type`: its cell through PG.preview, and through pgCell read whole. */
async function both(
  type: string,
  value: unknown,
): Promise<{ cut: unknown; whole: unknown; meta: unknown }> {
  await client.query(`DROP TABLE IF EXISTS ${SCHEMA}.t; CREATE TABLE ${SCHEMA}.t (c ${type})`)
  await client.query(`INSERT INTO ${SCHEMA}.t VALUES ($1)`, [value])
  // The column's type as the inspector knows it (format_type), as PG.preview is given it.
  const p = PG.preview!.sql('"c"', type)
  const r = await client.query({
    text: `SELECT ${p ? `${p.value}, ${p.meta}` : 'c, NULL'}, c FROM ${SCHEMA}.t`,
    rowMode: 'array',
  })
  const [v, meta, full] = r.rows[0] as [string | null, string | null, string | null]
  const oid = r.fields[2]!.dataTypeID
  return {
    cut: meta === null ? pgCell(v, r.fields[0]!.dataTypeID) : PG.preview!.cell(v, meta),
    whole: pgCell(full, oid),
    meta,
  }
}

describe('previews of large values cut by PostgreSQL', () => {
  it('gives the cell the whole value gives, for long text, JSON and bytea', async () => {
    const json = JSON.stringify({ k: Array.from({ length: 500 }, (_, i) => `value ${i}`) })
    const cases: [string, unknown][] = [
      ['text', 'x'.repeat(5000)],
      ['character varying', 'é'.repeat(3000)],
      ['jsonb', json],
      ['json', '  ' + json],
      ['bytea', Buffer.alloc(10_000, 7)],
    ]
    for (const [type, value] of cases) {
      const r = await both(type, value)
      expect(r.meta, type).not.toBeNull()
      expect(r.cut, type).toEqual(r.whole)
    }
  })

  it('leaves small values and other types to be read whole, typed as before', async () => {
    for (const [type, value] of [
      ['text', 'short'],
      ['text', 'y'.repeat(4000)],
      ['bytea', Buffer.alloc(100, 1)],
      ['numeric', '1'.repeat(5000)],
      ['bigint', '9223372036854775807'],
      ['boolean', true],
    ] as [string, unknown][]) {
      const r = await both(type, value)
      expect(r.meta, type).toBeNull()
      expect(r.cut, type).toEqual(r.whole)
    }
  })

  it('does not mark long JSON kept as text as JSON (PostgreSQL 15 cannot check it cheaply)', async () => {
    const r = await both('text', JSON.stringify(Array.from({ length: 2000 }, (_, i) => i)))
    expect(r.cut).toMatchObject({ t: 'long', json: false })
  })
})
