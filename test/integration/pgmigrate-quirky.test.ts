// The values and names SQLite allows and PostgreSQL does not take as they are (RELIABILITY rule 5):
// each one migrates exactly, is renamed and reported, or goes to the reject log with its key and
// reason while the rest of its table loads. Nothing is altered silently.
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MigrateResult } from '../../electron/core/pgmigrate/migrate'
import { pgName } from '../../electron/core/pgmigrate/names'
import { tempDir } from '../support/paths'
import { dropSchema, migrate, qi, query, schemaName, sha256File } from './pgmigrate-support'

const LONG_TABLE = 'agent_memory_consolidation_snapshot_history_entries_for_long_running_sessions_x'
const LONG_COLUMN =
  'the_identifier_of_the_conversation_turn_that_produced_this_memory_snapshot_entry'
const tmp = tempDir('ferry-pgq-')
const file = join(tmp.dir, 'quirky.db')
const schema = schemaName('quirky')
let r: MigrateResult
let before: string

function createDb(): void {
  const db = new Database(file)
  db.pragma('foreign_keys = OFF')
  db.exec(`
    CREATE TABLE "order" ("group" INTEGER PRIMARY KEY AUTOINCREMENT, "Select" TEXT NOT NULL DEFAULT 'it''s', created TEXT DEFAULT CURRENT_TIMESTAMP,
                          due DATETIME DEFAULT (datetime('now')), weird TEXT DEFAULT (hex(randomblob(4))));
    CREATE TABLE "MixedCase" ("Id" INTEGER PRIMARY KEY, "Note" TEXT, "Data" BLOB, "Big" INTEGER, "Mixed" INTEGER, "Flag" BOOLEAN, "Doc" TEXT);
    CREATE TABLE "${LONG_TABLE}" ("${LONG_COLUMN}" TEXT, v REAL);
    CREATE TABLE huge (id INTEGER PRIMARY KEY, n INTEGER);
    CREATE TABLE pairs (a TEXT, b INTEGER, v TEXT, PRIMARY KEY (a, b)) WITHOUT ROWID;
    CREATE INDEX "MixedCase Flag idx" ON "MixedCase" ("Flag" DESC, "Id");
  `)
  const order = db.prepare(
    'INSERT INTO "order" ("group", "Select", created, due) VALUES (?, ?, ?, ?)',
  )
  for (let i = 1; i <= 10; i++)
    order.run(i, `row ${i}`, `2024-01-0${(i % 9) + 1} 10:00:00`, `2024-02-0${(i % 9) + 1} 08:30:00`)
  db.exec('DELETE FROM "order" WHERE "group" > 8') // sqlite_sequence stays at 10
  const mixed = db.prepare('INSERT INTO "MixedCase" VALUES (?, ?, ?, ?, ?, ?, ?)')
  mixed.run(1, 'plain', Buffer.alloc(0), 9223372036854775807n, 5, 1, '{"a": 1}')
  mixed.run(2, 'a\u0000b', null, -9223372036854775808n, 6, 0, '[1, 2]')
  mixed.run(3, 'ok', Buffer.from([0x00, 0xff]), 0, '12abc', 1, '{"z": [true, null]}')
  db.prepare('INSERT INTO "MixedCase" VALUES (4, CAST(x\'61ff62\' AS TEXT), NULL, 1, 7, 0, ?)').run(
    '{"b": 2}',
  )
  mixed.run(5, 'json nul', null, 2, 8, 1, '{"a": "\\u0000"}')
  mixed.run(6, 'naïve 😀 tab\there', Buffer.from('hello'), 3, 9, 0, '{"k": "v"}')
  db.prepare(`INSERT INTO "${LONG_TABLE}" VALUES (?, ?)`).run('turn-1', 0.1)
  db.prepare('INSERT INTO huge VALUES (?, ?)').run(1, 42)
  db.prepare('INSERT INTO huge VALUES (?, ?)').run(2, 2 ** 63) // stored as REAL: the value SQLite keeps for 2^63
  const pairs = db.prepare('INSERT INTO pairs VALUES (?, ?, ?)')
  for (let i = 0; i < 2500; i++) pairs.run(`k${i % 7}`, i, `v${i}`)
  db.close()
}

const col = (table: string, column: string) =>
  r.columns.find((c) => c.table === table && c.column === column)!

describe('migrate-sqlite on the quirks SQLite allows', () => {
  beforeAll(async () => {
    createDb()
    before = sha256File(file)
    // Doc chosen jsonb: by its values it would stay text (row 5's \u0000 blocks jsonb, see
    // pgmigrate-json-blockers); chosen, the row jsonb refuses goes to the reject log.
    r = await migrate(file, schema, { batchRows: 1000, types: { 'MixedCase.Doc': 'jsonb' } })
  })
  afterAll(async () => {
    await dropSchema(schema)
    tmp.cleanup()
  })

  it('sends a NUL byte, invalid UTF-8 and \\u0000 in JSON to the reject log with key and reason, and loads the rest', async () => {
    const rejects = await query<{
      key: string
      column_name: string
      reason: string
      raw_hex: string
    }>(
      `SELECT key, column_name, reason, raw_hex FROM ${qi(schema, 'ferry_rejects')} WHERE table_name = 'MixedCase' ORDER BY key`,
    )
    expect(rejects.map((x) => [x.key, x.column_name])).toEqual([
      ['2', 'Note'],
      ['4', 'Note'],
      ['5', 'Doc'],
    ])
    expect(rejects[0]!.reason).toMatch(/NUL byte/)
    expect(rejects[0]!.raw_hex).toBe('610062')
    expect(rejects[1]!.reason).toMatch(/invalid UTF-8/)
    expect(rejects[1]!.raw_hex).toBe('61ff62')
    expect(rejects[2]!.reason).toMatch(/\\u0000/)
    const ids = await query<{ id: string }>(
      `SELECT "Id"::text AS id FROM ${qi(schema, 'MixedCase')} ORDER BY 1`,
    )
    expect(ids.map((x) => x.id)).toEqual(['1', '3', '6'])
    expect(r.tables.find((t) => t.table === 'MixedCase')).toMatchObject({
      loadedRows: 3,
      rejectedRows: 3,
    })
  })

  it('keeps 9223372036854775807 exact, an empty BLOB apart from NULL, and text with tabs and emoji', async () => {
    expect(col('MixedCase', 'Big').type).toBe('bigint')
    const rows = await query<{
      id: string
      big: string
      len: number | null
      hex: string | null
      note: string
    }>(
      `SELECT "Id"::text AS id, "Big"::text AS big, octet_length("Data") AS len, encode("Data", 'hex') AS hex, "Note" AS note FROM ${qi(schema, 'MixedCase')} ORDER BY "Id"`,
    )
    expect(rows[0]).toMatchObject({ id: '1', big: '9223372036854775807', len: 0, hex: '' })
    expect(rows[1]).toMatchObject({ id: '3', big: '0', hex: '00ff' })
    expect(rows[2]).toMatchObject({ id: '6', len: 5, note: 'naïve 😀 tab\there' })
    const nullBlob = await query(`SELECT 1 FROM ${qi(schema, 'MixedCase')} WHERE "Data" IS NULL`)
    expect(nullBlob).toHaveLength(0) // the NULL blobs were on rejected rows 2, 4 and 5
    expect(col('MixedCase', 'Data').type).toBe('bytea')
  })

  it('types columns from their values and reports each refused candidate with sample keys', async () => {
    expect(col('MixedCase', 'Mixed')).toMatchObject({
      type: 'text',
      rejectedCandidates: [{ type: 'bigint', count: 1, sampleKeys: ['3'] }],
    })
    expect(col('MixedCase', 'Flag').type).toBe('boolean')
    expect(col('MixedCase', 'Doc').type).toBe('jsonb')
    expect(col('huge', 'n')).toMatchObject({
      type: 'numeric',
      rejectedCandidates: [{ type: 'bigint', count: 1, sampleKeys: ['2'] }],
    })
    const [h] = await query<{ n: string }>(
      `SELECT n::text AS n FROM ${qi(schema, 'huge')} WHERE id = 2`,
    )
    expect(h!.n).toBe('9223372036854775808')
    expect(col('order', 'created').type).toBe('timestamptz')
    const [flag] = await query<{ f: boolean }>(
      `SELECT "Flag" AS f FROM ${qi(schema, 'MixedCase')} WHERE "Id" = 1`,
    )
    expect(flag!.f).toBe(true)
  })

  it('keeps reserved words and mixed case exactly, and shortens an 80-byte name deterministically', async () => {
    const short = pgName(LONG_TABLE)
    expect(Buffer.byteLength(short)).toBeLessThanOrEqual(63)
    expect(short).toMatch(/^agent_memory_consolidation_snapshot_history_entries_fo_[0-9a-f]{8}$/)
    expect(r.names).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'table', source: LONG_TABLE, target: short }),
        expect.objectContaining({
          kind: 'column',
          source: LONG_COLUMN,
          target: pgName(LONG_COLUMN),
        }),
      ]),
    )
    const [long] = await query<{ t: string }>(
      `SELECT ${qi(short, pgName(LONG_COLUMN)).replace(`"${short}".`, '')} AS t FROM ${qi(schema, short)}`,
    )
    expect(long!.t).toBe('turn-1')
    const [o] = await query<{ s: string }>(
      `SELECT "Select" AS s FROM ${qi(schema, 'order')} WHERE "group" = 1`,
    )
    expect(o!.s).toBe('row 1')
    const idx = await query<{ def: string }>(
      'SELECT indexdef AS def FROM pg_indexes WHERE schemaname = $1 AND indexname = $2',
      [schema, 'MixedCase Flag idx'],
    )
    expect(idx[0]?.def).toContain('("Flag" DESC, "Id")')
  })

  it("continues AUTOINCREMENT after SQLite's counter, translates time defaults and reports the rest", async () => {
    const [next] = await query<{ id: string }>(
      `INSERT INTO ${qi(schema, 'order')} DEFAULT VALUES RETURNING "group"::text AS id`,
    )
    expect(next!.id).toBe('11') // max is 8, sqlite_sequence says 10
    await query(`DELETE FROM ${qi(schema, 'order')} WHERE "group" = 11`)
    const defs = await query<{ c: string; d: string | null }>(
      'SELECT column_name AS c, column_default AS d FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2',
      [schema, 'order'],
    )
    const d = Object.fromEntries(defs.map((x) => [x.c, x.d]))
    expect(d.Select).toBe("'it''s'::text")
    expect(d.created).toBe('CURRENT_TIMESTAMP')
    expect(d.due).toBe('CURRENT_TIMESTAMP')
    expect(d.weird).toBeNull()
    expect(r.notCarried).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'default', table: 'order', name: 'weird' }),
      ]),
    )
    expect(r.sequences.find((s) => s.table === 'order')).toMatchObject({
      maxId: '8',
      sqliteSequence: '10',
      setTo: '10',
    })
  })

  it('loads a WITHOUT ROWID table in primary-key batches, and validates every table equal', async () => {
    expect(r.tables.find((t) => t.table === 'pairs')).toMatchObject({
      loadedRows: 2500,
      batches: 3,
    })
    const [dups] = await query<{ n: string }>(
      `SELECT count(*) - count(DISTINCT (a, b)) AS n FROM ${qi(schema, 'pairs')}`,
    )
    expect(Number(dups!.n)).toBe(0)
    expect(r.validation?.equal).toBe(true)
    const mixed = r.validation!.tables.find((t) => t.table === 'MixedCase')!
    expect(mixed).toMatchObject({ sourceRows: 6, rejectedRows: 3, expectedRows: 3, targetRows: 3 })
  })

  it('never changes the source file', () => {
    expect(sha256File(file)).toBe(before)
    const db = new Database(file, { readonly: true })
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
    db.close()
  })

  it('refuses a target schema whose name PostgreSQL reserves ("pg_…"), creating nothing', async () => {
    const reserved = `pg_${schema}`
    await expect(migrate(file, reserved)).rejects.toMatchObject({
      code: 'SCHEMA_NAME_RESERVED',
      message: expect.stringContaining(`"${reserved}" is reserved`),
    })
    expect(await query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [reserved])).toEqual([])
  })
})
