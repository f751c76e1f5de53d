// A column declared BLOB keeps its bytes exactly, whatever storage class SQLite gave each value.
// Ferry's own importer stores a raw log line as TEXT when it is valid UTF-8 and as a BLOB when it
// is not; such a column used to become jsonb (rewriting whitespace and key order, so the row's
// content_sha256 no longer matched) or text with the blob rows sent to the reject log. Now it is
// bytea: text values as their UTF-8 bytes, invalid UTF-8 text as the bytes SQLite holds; a
// column declared BLOB holding only text becomes text, exactly as stored.
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { validateSqliteRun } from '../../electron/core/pgmigrate/validate-run'
import { PG_URL, dropSchema, migrate, qi, query, schemaName, sha256File } from './pgmigrate-support'
import { tempDir } from '../support/paths'

const t = tempDir('ferry-blobtext-')
const schema = schemaName('blobtext')
const schema2 = schemaName('blobhex')
afterAll(async () => {
  await dropSchema(schema)
  await dropSchema(schema2)
  t.cleanup()
})

const sha = (b: Buffer): Buffer => createHash('sha256').update(b).digest()

describe('a column declared BLOB holding text', () => {
  it('becomes bytea (or text when it holds only text), every value exact: no jsonb, no reject', async () => {
    const file = join(t.dir, 'lines.db')
    const db = new Database(file)
    db.exec(`CREATE TABLE lines (id INTEGER PRIMARY KEY, raw BLOB NOT NULL, sha BLOB NOT NULL,
      note TEXT);
      CREATE TABLE clean (id INTEGER PRIMARY KEY, raw BLOB);`)
    const texts = [
      '{"b": 1,   "a": [1.50, 1E+2]}', // jsonb would reorder keys, respace, print 100
      '{"ts":"2026-01-01T00:00:00Z","msg":"caf\u00e9 \u2603"}',
      'not json at all\ttab',
    ]
    const ins = db.prepare('INSERT INTO lines VALUES (?, ?, ?, ?)')
    texts.forEach((s, i) => ins.run(i + 1, s, sha(Buffer.from(s, 'utf8')), 'text'))
    // Only JSON text in a column declared BLOB: text, exactly as stored (jsonb would rewrite it).
    const cleanIns = db.prepare('INSERT INTO clean VALUES (?, ?)')
    texts.slice(0, 2).forEach((s, i) => cleanIns.run(i + 1, s))
    // A Latin-1 line stored as a blob (as the importer does), and one stored as TEXT with the
    // same invalid bytes (as other writers do: better-sqlite3 reads it with U+FFFD).
    const latin1 = Buffer.from('{"msg":"caf\xe9"}', 'latin1')
    ins.run(4, latin1, sha(latin1), 'blob')
    db.prepare("INSERT INTO lines VALUES (5, CAST(? AS TEXT), ?, 'invalid text')").run(
      latin1,
      sha(latin1),
    )
    db.close()
    expect(
      new Database(file, { readonly: true })
        .prepare('SELECT group_concat(typeof(raw)) FROM lines')
        .pluck()
        .get(),
    ).toBe('text,text,text,blob,text')
    const before = sha256File(file)

    const r = await migrate(file, schema, { workers: 1 })
    const lines = r.tables.find((x) => x.table === 'lines')!
    expect(lines).toMatchObject({ loadedRows: 5, rejectedRows: 0 })
    expect(r.validation?.tables.every((x) => x.equal)).toBe(true)
    const [type] = await query<{ data_type: string }>(
      `SELECT data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'lines' AND column_name = 'raw'`,
      [schema],
    )
    expect(type!.data_type).toBe('bytea')
    // Byte-exact: each row's own SHA-256 still matches, computed by PostgreSQL.
    const rows = await query<{ id: string; ok: boolean; hex: string }>(
      `SELECT id::text, sha256(raw) = sha AS ok, encode(raw, 'hex') AS hex FROM ${qi(schema, 'lines')} ORDER BY id`,
    )
    expect(rows.map((x) => x.ok)).toEqual([true, true, true, true, true])
    expect(rows[0]!.hex).toBe(Buffer.from(texts[0]!, 'utf8').toString('hex'))
    expect(rows[4]!.hex).toBe(latin1.toString('hex'))
    const clean = await query<{ data_type: string; raw: string }>(
      `SELECT c.data_type, t.raw FROM ${qi(schema, 'clean')} t, information_schema.columns c
        WHERE c.table_schema = $1 AND c.table_name = 'clean' AND c.column_name = 'raw' ORDER BY t.id`,
      [schema],
    )
    expect(clean).toEqual(texts.slice(0, 2).map((raw) => ({ data_type: 'text', raw })))
    expect(sha256File(file)).toBe(before)
  })

  // Blobs bound for bytea are read as SQLite's hex() of them (row-codec.ts); the value's own place
  // holds NULL then. Every path that needs the value itself must see the blob, not that NULL.
  it('reads blobs through SQLite hex(): exact bytes, reject rows and bisection still see the blob', async () => {
    const file = join(t.dir, 'blobs.db')
    const db = new Database(file)
    db.exec(`CREATE TABLE b (id INTEGER PRIMARY KEY, data BLOB, note TEXT);
      CREATE TABLE k (key BLOB PRIMARY KEY, v TEXT) WITHOUT ROWID;`)
    const big = Buffer.alloc(17 * 1024 * 1024, 0xab) // over SQL_HEX_MAX: read as a Buffer
    const ins = db.prepare('INSERT INTO b VALUES (?, ?, ?)')
    ins.run(1, Buffer.from([0x00, 0xff, 0x10]), 'small')
    ins.run(2, Buffer.alloc(0), 'empty blob')
    ins.run(3, null, 'null')
    ins.run(4, big, 'big')
    ins.run(5, Buffer.from([0xca, 0xfe]), 'nul\0here')
    ins.run(6, 'caf\u00e9', 'text in a blob column')
    const kIns = db.prepare('INSERT INTO k VALUES (?, ?)')
    for (let i = 0; i < 50; i++) kIns.run(Buffer.from([i, 0, 255 - i]), `v${i}`)
    db.close()
    const before = sha256File(file)

    const r = await migrate(file, schema2, { workers: 1 })
    expect(r.tables.find((x) => x.table === 'b')).toMatchObject({ loadedRows: 5, rejectedRows: 1 })
    expect(r.validation?.tables.every((x) => x.equal)).toBe(true)
    const rows = await query<{ id: string; hex: string | null; n: number | null }>(
      `SELECT id::text, CASE WHEN length(data) < 100 THEN encode(data, 'hex') END AS hex, length(data) AS n FROM ${qi(schema2, 'b')} ORDER BY id`,
    )
    expect(rows).toEqual([
      { id: '1', hex: '00ff10', n: 3 },
      { id: '2', hex: '', n: 0 },
      { id: '3', hex: null, n: null },
      { id: '4', hex: null, n: big.length },
      { id: '6', hex: Buffer.from('caf\u00e9').toString('hex'), n: 5 },
    ])
    const [same] = await query<{ ok: boolean }>(
      `SELECT data = decode(repeat('ab', ${big.length}), 'hex') AS ok FROM ${qi(schema2, 'b')} WHERE id = 4`,
    )
    expect(same!.ok).toBe(true)
    // The rejected row (NUL in note) keeps its blob in the reject log's row, not the NULL.
    const [rej] = await query<{ key: string; column_name: string; row_json: string }>(
      `SELECT key, column_name, row_json FROM ${qi(schema2, 'ferry_rejects')}`,
    )
    expect(rej).toMatchObject({ key: '5', column_name: 'note' })
    expect(JSON.parse(rej!.row_json)).toMatchObject({
      id: { integer: '5' },
      data: { blobHex: 'cafe' },
    })

    // A changed target row of the blob-keyed table is found and named by its key's bytes.
    await query(`UPDATE ${qi(schema2, 'k')} SET v = 'changed' WHERE key = '\\x0700f8'::bytea`)
    const v = await validateSqliteRun({
      file,
      url: PG_URL,
      schema: schema2,
      workers: 1,
      signal: new AbortController().signal,
    })
    const k = v.validation.tables.find((x) => x.table === 'k')!
    expect(k.equal).toBe(false)
    expect(k.differences?.map((d) => d.key)).toEqual(["key='0700f8'"])
    expect(v.validation.tables.find((x) => x.table === 'b')!.equal).toBe(true)
    expect(sha256File(file)).toBe(before)
  })
})
