// A real public database (../shared/datasets/chinook.sqlite: mixed-case names, composite keys,
// NUMERIC and DATETIME declared types) migrates with every row, key and foreign key, and validates.
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MigrateResult } from '../../electron/core/pgmigrate/migrate'
import { CHINOOK } from '../support/paths'
import { PG_URL, dropSchema, migrate, qi, query, schemaName, sha256File } from './pgmigrate-support'

const schema = schemaName('chinook')
let result: MigrateResult
let sourceHash: string
const src = new Database(CHINOOK, { readonly: true })
const tables = src
  .prepare(
    "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
  )
  .pluck()
  .all() as string[]

describe('migrate-sqlite on Chinook', () => {
  beforeAll(async () => {
    sourceHash = sha256File(CHINOOK)
    result = await migrate(CHINOOK, schema)
  })
  afterAll(async () => {
    src.close()
    await dropSchema(schema)
  })

  it('loads every row of every table, and the counts match SQLite', async () => {
    expect(result.tables.map((t) => t.table).sort()).toEqual([...tables].sort())
    for (const t of tables) {
      const n = Number(src.prepare(`SELECT count(*) FROM "${t}"`).pluck().get())
      const [row] = await query<{ n: string }>(`SELECT count(*)::text AS n FROM ${qi(schema, t)}`)
      expect(Number(row!.n), t).toBe(n)
      expect(result.tables.find((x) => x.table === t)).toMatchObject({
        loadedRows: n,
        rejectedRows: 0,
      })
    }
    expect(result.rejects.total).toBe(0)
  })

  it('validates equal: row count and checksum per table', () => {
    expect(result.validation?.equal).toBe(true)
    for (const t of result.validation!.tables) {
      expect(t.targetRows, t.table).toBe(t.sourceRows)
      expect(t.targetChecksum, t.table).toBe(t.sourceChecksum)
    }
  })

  it('creates every primary key (the composite one too) and every foreign key, all validated', async () => {
    const pks = await query<{ t: string; cols: string[] }>(
      `SELECT c.conrelid::regclass::text AS t, array_agg(a.attname ORDER BY k.ord)::text[] AS cols
         FROM pg_constraint c CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY k(attnum, ord)
         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
        WHERE c.contype = 'p' AND c.connamespace = $1::regnamespace GROUP BY c.oid`,
      [schema],
    )
    const own = pks.filter((p) => !/\.ferry_/.test(p.t))
    expect(own).toHaveLength(tables.length)
    expect(pks.find((p) => p.t.endsWith('"PlaylistTrack"'))?.cols).toEqual([
      'PlaylistId',
      'TrackId',
    ])
    const sqliteFks = tables.reduce(
      (n, t) =>
        n +
        (src
          .prepare('SELECT count(DISTINCT id) FROM pragma_foreign_key_list(?)')
          .pluck()
          .get(t) as number),
      0,
    )
    const fks = await query<{ validated: boolean }>(
      "SELECT convalidated AS validated FROM pg_constraint WHERE contype = 'f' AND connamespace = $1::regnamespace",
      [schema],
    )
    expect(fks).toHaveLength(sqliteFks)
    expect(fks.every((f) => f.validated)).toBe(true)
  })

  it('keeps NUMERIC prices exact as numeric(10,2) and DATETIME text as timestamptz', async () => {
    const col = (t: string, c: string) =>
      result.columns.find((x) => x.table === t && x.column === c)!
    expect(col('Track', 'UnitPrice').type).toBe('numeric(10,2)')
    expect(col('Invoice', 'Total').type).toBe('numeric(10,2)')
    expect(col('Invoice', 'InvoiceDate').type).toBe('timestamptz')
    const prices = await query<{ p: string; n: string }>(
      `SELECT "UnitPrice"::text AS p, count(*)::text AS n FROM ${qi(schema, 'Track')} GROUP BY 1 ORDER BY 1`,
    )
    const srcPrices = src
      .prepare(
        "SELECT printf('%.2f', UnitPrice) AS p, count(*) AS n FROM Track GROUP BY 1 ORDER BY 1",
      )
      .all() as { p: string; n: number }[]
    expect(prices.map((r) => [r.p, Number(r.n)])).toEqual(srcPrices.map((r) => [r.p, r.n]))
    const [total] = await query<{ s: string }>(
      `SELECT sum("Total")::text AS s FROM ${qi(schema, 'Invoice')}`,
    )
    expect(total!.s).toBe('2328.60')
    const [inv] = await query<{ d: string; total: string; city: string }>(
      `SELECT to_char("InvoiceDate" AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') AS d, "Total"::text AS total, "BillingCity" AS city FROM ${qi(schema, 'Invoice')} WHERE "InvoiceId" = 1`,
    )
    const s = src
      .prepare(
        "SELECT InvoiceDate AS d, printf('%.2f', Total) AS total, BillingCity AS city FROM Invoice WHERE InvoiceId = 1",
      )
      .get() as { d: string; total: string; city: string }
    expect(inv).toEqual(s)
    const [name] = await query<{ n: string }>(
      `SELECT "Name" AS n FROM ${qi(schema, 'Artist')} WHERE "ArtistId" = 1`,
    )
    expect(name!.n).toBe(src.prepare('SELECT Name FROM Artist WHERE ArtistId = 1').pluck().get())
  })

  it('continues identity columns after the max id', async () => {
    const [row] = await query<{ id: string }>(
      `INSERT INTO ${qi(schema, 'Genre')} ("Name") VALUES ('Ferry test') RETURNING "GenreId"::text AS id`,
    )
    expect(Number(row!.id)).toBe(
      Number(src.prepare('SELECT max(GenreId) FROM Genre').pluck().get()) + 1,
    )
    await query(`DELETE FROM ${qi(schema, 'Genre')} WHERE "GenreId" = $1`, [row!.id])
  })

  it('finds changed, missing and extra rows by bisecting the key range (and equal once restored)', async () => {
    const IL = qi(schema, 'InvoiceLine')
    const [gone] = await query<Record<string, string>>(
      `SELECT * FROM ${IL} WHERE "InvoiceLineId" = 1000`,
    )
    await query(`UPDATE ${qi(schema, 'Track')} SET "UnitPrice" = 1.00 WHERE "TrackId" = 7`)
    await query(`DELETE FROM ${IL} WHERE "InvoiceLineId" = 1000`)
    await query(`INSERT INTO ${IL} VALUES (99999, 1, 1, 0.99, 1)`)
    const { validateSqliteRun } = await import('../../electron/core/pgmigrate/validate-run')
    const run = () =>
      validateSqliteRun({
        file: CHINOOK,
        url: PG_URL,
        schema,
        workers: 2,
        signal: new AbortController().signal,
      })
    const changed = await run()
    expect(changed.validation.equal).toBe(false)
    expect(changed.validation.differentTables.sort()).toEqual(['InvoiceLine', 'Track'])
    const t = changed.validation.tables.find((x) => x.table === 'Track')!
    expect(t.targetRows).toBe(t.sourceRows)
    expect(t.targetChecksum).not.toBe(t.sourceChecksum)
    expect(t.differences).toEqual([{ key: '7', kind: 'different' }])
    expect(changed.validation.tables.find((x) => x.table === 'InvoiceLine')!.differences).toEqual([
      { key: '1000', kind: 'missing-in-target' },
      { key: '99999', kind: 'extra-in-target' },
    ])
    // The check after a (resumed) load sees it too: its source side comes from the ledger.
    const resumed = await migrate(CHINOOK, schema)
    expect(resumed.validation?.differentTables.sort()).toEqual(['InvoiceLine', 'Track'])
    await query(`UPDATE ${qi(schema, 'Track')} SET "UnitPrice" = 0.99 WHERE "TrackId" = 7`)
    await query(`DELETE FROM ${IL} WHERE "InvoiceLineId" = 99999`)
    await query(`INSERT INTO ${IL} VALUES ($1, $2, $3, $4, $5)`, [
      gone!.InvoiceLineId,
      gone!.InvoiceId,
      gone!.TrackId,
      gone!.UnitPrice,
      gone!.Quantity,
    ])
    expect((await run()).validation.equal).toBe(true)
  })

  it('resumes as a no-op when run again, and never changes the source file', async () => {
    const again = await migrate(CHINOOK, schema)
    expect(again.resumed).toBe(true)
    expect(again.tables.every((t) => t.resumedBatches === t.batches)).toBe(true)
    expect(again.validation?.equal).toBe(true)
    expect(sha256File(CHINOOK)).toBe(sourceHash)
  })
})
