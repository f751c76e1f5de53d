// A value too large to convert in one piece — a blob over ~256 MiB is more hex than a JavaScript
// string can hold — goes to the reject log with its size and the reason; the rest of the table
// loads and validates, where it used to leave the migration hanging. And whatever else is thrown
// while a COPY is open (here SQLite failing mid-read) ends that COPY, so the error surfaces and
// the connection stays usable, instead of a ROLLBACK queued behind a COPY that never ends.
import { spawnSync } from 'node:child_process'
import { mkdirSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { loadTable } from '../../electron/core/pgmigrate/loader'
import { readRun } from '../../electron/core/pgmigrate/run-state'
import type { SqliteDb } from '../../electron/core/sqlite/open'
import { ferryCli } from '../support/ferry-cli'
import { tempDir } from '../support/paths'
import { dropSchema, migrate, PG_URL, qi, query, schemaName, sha256File } from './pgmigrate-support'

const t = tempDir('ferry-huge-')
const schema = schemaName('huge')
const failSchema = schemaName('midread')
afterAll(async () => {
  await dropSchema(schema)
  await dropSchema(failSchema)
  t.cleanup()
})

describe('a value too large to convert', () => {
  it('is quarantined with its size, the other rows loaded and validated, the source unchanged', async () => {
    const file = join(t.dir, 'huge.db')
    const db = new Database(file)
    // 272 MiB: its hex (544 Mi characters) is over V8's longest string (2^29 - 24).
    db.exec(`CREATE TABLE blobs (id INTEGER PRIMARY KEY, label TEXT, b BLOB);
      INSERT INTO blobs VALUES (1, 'small', x'00ff'), (2, 'huge', zeroblob(272 * 1024 * 1024)),
        (3, 'empty', x''), (4, 'null', NULL);`)
    db.close()
    const before = sha256File(file)
    const r = await migrate(file, schema, { workers: 1 })
    const blobs = r.tables.find((x) => x.table === 'blobs')!
    expect(blobs).toMatchObject({ loadedRows: 3, rejectedRows: 1 })
    expect(r.validation?.tables.every((x) => x.equal)).toBe(true)
    const [reject] = await query<{
      key: string
      column_name: string
      reason: string
      raw_hex: string | null
      row_json: string
    }>(`SELECT key, column_name, reason, raw_hex, row_json FROM ${qi(schema, 'ferry_rejects')}`)
    expect(reject).toMatchObject({ key: '2', column_name: 'b', raw_hex: null })
    expect(reject!.reason).toMatch(
      /^value of 285,212,672 bytes is too large to convert in one piece/,
    )
    expect(JSON.parse(reject!.row_json)).toEqual({
      id: { integer: '2' },
      label: 'huge',
      b: { omittedBytes: 285212672, storage: 'blob' },
    })
    const rows = await query<{ id: string; hex: string | null }>(
      `SELECT id::text, encode(b, 'hex') AS hex FROM ${qi(schema, 'blobs')} ORDER BY id`,
    )
    expect(rows).toEqual([
      { id: '1', hex: '00ff' },
      { id: '3', hex: '' },
      { id: '4', hex: null },
    ])
    expect(sha256File(file)).toBe(before)
  }, 180_000)

  it('a read failing mid-COPY ends the COPY: the error surfaces, nothing of the batch stays, the connection works', async () => {
    const file = join(t.dir, 'small.db')
    const db = new Database(file)
    db.exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);
      WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 10)
      INSERT INTO t SELECT i, 'row ' || i FROM s;`)
    db.close()
    await migrate(file, failSchema, { workers: 1 })
    await query(`TRUNCATE ${qi(failSchema, 't')}; DELETE FROM ${qi(failSchema, 'ferry_ledger')}`)
    const client = new pg.Pool({ connectionString: PG_URL, max: 1 })
    const c = await client.connect()
    try {
      const plan = (await readRun(c, failSchema))!.plan.tables.find((x) => x.source === 't')!
      // A source whose read fails after three rows, as SQLite does on a damaged page.
      const statement = {
        raw: () => statement,
        safeIntegers: () => statement,
        pluck: () => statement,
        *iterate() {
          for (let i = 1n; i <= 3n; i++) yield [i, i, `row ${i}`]
          throw Object.assign(new Error('database disk image is malformed'), {
            code: 'SQLITE_CORRUPT',
          })
        },
      }
      const fake = { prepare: () => statement, pragma: () => 'UTF-8' } as unknown as SqliteDb
      const started = Date.now()
      await expect(
        loadTable(fake, c, plan, {
          schema: failSchema,
          batchRows: 1000,
          batchBytes: 1 << 20,
          signal: new AbortController().signal,
          onProgress: () => undefined,
        }),
      ).rejects.toThrow(/malformed/)
      expect(Date.now() - started).toBeLessThan(20_000)
      expect((await c.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }])
      expect((await c.query(`SELECT count(*)::int AS n FROM ${qi(failSchema, 't')}`)).rows).toEqual(
        [{ n: 0 }],
      )
    } finally {
      c.release()
      await client.end()
    }
  }, 60_000)

  // SQLite stores values up to 1 GB; a connection of Ferry's (better-sqlite3) reads strings up to
  // V8's longest. Such a file has to be written by another SQLite client: Python's.
  const python = spawnSync('python3', ['--version']).status === 0
  it.skipIf(!python)(
    'a text past what a connection reads is named with its table, column and row, before anything is written',
    async () => {
      // As a workspace's state.db, so that a step of the checklist meets it too.
      const ws = join(t.dir, 'ws')
      const file = join(ws, '.claude', 'state.db')
      mkdirSync(dirname(file), { recursive: true })
      const made = spawnSync('python3', [
        '-c',
        `import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, label TEXT, body TEXT)")
c.execute("INSERT INTO notes VALUES (1, 'small', 'hello'), (2, 'huge', hex(zeroblob(300000000))), (3, 'after', 'bye')")
c.commit()`,
        file,
      ])
      expect(made.status, made.stderr?.toString()).toBe(0)
      const before = sha256File(file)
      const where = 'table "notes", column "body", rowid 2: 600,000,000 bytes'
      const big = `${schema}_text`
      try {
        await expect(migrate(file, big, { workers: 1 })).rejects.toMatchObject({
          code: 'VALUE_TOO_LARGE',
          message: `The database holds a value larger than Ferry can read in one piece (536,870,888 bytes): ${where}`,
          hint: expect.stringContaining('in a copy of the database'),
        })
        expect(await query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [big])).toEqual([])
        // A step run by the job worker: SQLite's bare "string or blob too big" is explained too.
        const r = ferryCli(join(t.dir, 'config'))([
          'run',
          'pre.document-schema',
          '-w',
          ws,
          '--json',
        ])
        const step = (
          JSON.parse(r.stdout) as { steps: { error: { code: string; message: string } }[] }
        ).steps[0]!
        expect(step.error).toMatchObject({
          code: 'VALUE_TOO_LARGE',
          message: `.claude/state.db holds a value larger than Ferry can read in one piece (536,870,888 bytes): ${where}`,
        })
        expect(sha256File(file)).toBe(before)
      } finally {
        await dropSchema(big)
        rmSync(ws, { recursive: true, force: true })
      }
    },
    120_000,
  )
})
