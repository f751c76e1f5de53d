// The threaded load (issue 5: "COPY from worker threads with large tables split into key ranges"):
// large tables are cut into key ranges that several threads load side by side, each range with its
// own block of ledger batches. Every row must land exactly once — rowid tables and WITHOUT ROWID
// tables with composite keys of mixed types alike —, a kill -9 mid-load must resume to the same
// result, and an error raised in a thread must reach the user exactly as the in-process loader
// would have reported it.
import Database from 'better-sqlite3'
import { fork } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PART_STRIDE } from '../../electron/core/pgmigrate/ledger'
import { profileLargeTables } from '../../electron/core/pgmigrate/profile-threads'
import { translateSchema } from '../../electron/core/pgmigrate/translate'
import { openSqliteReadOnly } from '../../electron/core/sqlite/open'
import { createQuirkyDb } from '../support/quirky-db'
import { CHINOOK, REPO, tempDir } from '../support/paths'
import { ferryCli } from '../support/ferry-cli'
import { PG_URL, dropSchema, migrate, qi, query, schemaName } from './pgmigrate-support'

const tmp = tempDir('ferry-threads-')
const ferry = ferryCli(join(tmp.dir, 'config'))
const schemas: string[] = []
const cleanups: (() => void)[] = []
const newSchema = (p: string): string => {
  const s = schemaName(p)
  schemas.push(s)
  return s
}

/** A WITHOUT ROWID table keyed by (text, integer) plus a rowid table with gaps in its rowids. */
function quirkyKeysDb(file: string): void {
  const db = new Database(file)
  db.exec(`
    CREATE TABLE pairs (k TEXT NOT NULL, n INTEGER NOT NULL, v TEXT, PRIMARY KEY (k, n)) WITHOUT ROWID;
    CREATE TABLE sparse (id INTEGER PRIMARY KEY, note TEXT, payload TEXT);
  `)
  const pair = db.prepare('INSERT INTO pairs VALUES (?, ?, ?)')
  const sparse = db.prepare('INSERT INTO sparse VALUES (?, ?, ?)')
  db.transaction(() => {
    for (let i = 0; i < 3000; i++) pair.run(`k${i % 37}`, i, `value ${i}\twith a tab`)
    // Rowids far apart: a split between min and max leaves some ranges nearly empty.
    for (let i = 0; i < 2500; i++)
      sparse.run(
        i < 2000 ? i + 1 : 1_000_000 + i * 997,
        `note ${i}`,
        JSON.stringify({ i, tags: ['a', 'b'] }),
      )
  })()
  db.close()
}

/** `ferry migrate-sqlite` on two load threads, tables over 500 rows split, batches of 200. */
const threadedCli = (file: string, schema: string): string[] => [
  'migrate-sqlite',
  file,
  '--target',
  PG_URL,
  '--schema',
  schema,
  '--threads',
  'on',
  '--workers',
  '2',
  '--split-rows',
  '500',
  '--batch-rows',
  '200',
  '--json',
]

/** Rows per table in SQLite and in the target schema, and the ledger's sum per table. */
async function accounting(file: string, schema: string, tables: string[]): Promise<void> {
  const src = new Database(file, { readonly: true })
  try {
    for (const t of tables) {
      const n = Number(src.prepare(`SELECT count(*) FROM "${t}"`).pluck().get())
      const [pgRows] = await query<{ n: string }>(
        `SELECT count(*)::text AS n FROM ${qi(schema, t)}`,
      )
      const [ledger] = await query<{ n: string }>(
        `SELECT coalesce(sum(rows), 0)::text AS n FROM ${qi(schema, 'ferry_ledger')} WHERE table_name = $1`,
        [t],
      )
      expect(Number(pgRows!.n), t).toBe(n)
      expect(Number(ledger!.n), t).toBe(n)
    }
  } finally {
    src.close()
  }
}

describe('threaded load of split tables', () => {
  beforeAll(() => quirkyKeysDb(join(tmp.dir, 'keys.db')))
  afterAll(async () => {
    for (const s of schemas) await dropSchema(s)
    for (const c of cleanups) c()
    tmp.cleanup()
  })

  it('loads Chinook on threads with its larger tables split: every row once, validation equal', async () => {
    const schema = newSchema('thr_chinook')
    const r = await migrate(CHINOOK, schema, {
      threads: 'on',
      workers: 3,
      splitRows: 1000,
      batchRows: 700,
    })
    expect(r.validation?.equal).toBe(true)
    const parts = await query<{ t: string; parts: string }>(
      `SELECT table_name AS t, count(DISTINCT batch / ${PART_STRIDE})::text AS parts FROM ${qi(schema, 'ferry_ledger')} GROUP BY 1`,
    )
    const byTable = Object.fromEntries(parts.map((p) => [p.t, Number(p.parts)]))
    // PlaylistTrack has 8,715 rows: split in 3 (the worker count caps the parts); Album's 347 are not split.
    expect(byTable.PlaylistTrack).toBe(3)
    expect(byTable.Track).toBe(3)
    expect(byTable.Album).toBe(1)
    const src = new Database(CHINOOK, { readonly: true })
    const tables = src
      .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .pluck()
      .all() as string[]
    src.close()
    await accounting(CHINOOK, schema, tables)
    const track = r.tables.find((t) => t.table === 'Track')!
    expect(track.loadedRows).toBe(3503)
    expect(track.batches).toBeGreaterThanOrEqual(3)
  })

  it('splits a WITHOUT ROWID table on its composite key and a table with sparse rowids, losing and doubling nothing', async () => {
    const file = join(tmp.dir, 'keys.db')
    const schema = newSchema('thr_keys')
    const r = await migrate(file, schema, {
      threads: 'on',
      workers: 4,
      splitRows: 500,
      batchRows: 300,
    })
    expect(r.validation?.equal).toBe(true)
    await accounting(file, schema, ['pairs', 'sparse'])
    const [dups] = await query<{ n: string }>(
      `SELECT count(*)::text AS n FROM (SELECT k, n FROM ${qi(schema, 'pairs')} GROUP BY 1, 2 HAVING count(*) > 1) d`,
    )
    expect(dups!.n).toBe('0')
    const [row] = await query<{ v: string }>(
      `SELECT v FROM ${qi(schema, 'pairs')} WHERE k = 'k5' AND n = 5`,
    )
    expect(row!.v).toBe('value 5\twith a tab')
    const [plan] = await query<{ plan: string }>(`SELECT plan FROM ${qi(schema, 'ferry_run')}`)
    const stored = JSON.parse(plan!.plan) as { tables: { source: string; parts?: string[] }[] }
    // The split points are stored with the plan, so a resumed run loads the very same ranges.
    expect(stored.tables.find((t) => t.source === 'pairs')!.parts).toHaveLength(3)
    expect(stored.tables.find((t) => t.source === 'sparse')!.parts).toHaveLength(3)
  })

  it('resumes a threaded load killed -9 mid-batch to the same rows and checksums', () => {
    const file = join(tmp.dir, 'keys.db')
    const schema = newSchema('thr_kill')
    const args = threadedCli(file, schema)
    // The 4th batch a thread is about to commit: the process dies with the other thread mid-COPY.
    const killed = ferry(args, {
      FERRY_FAULT_POINT: 'pgmigrate:before-batch-commit#4',
      FERRY_FAULT_ACTION: 'kill',
    })
    expect(killed.code).toBe(1)
    expect(JSON.parse(killed.stdout).error.code).toBe('WORKER_DIED')
    const resumed = ferry(args)
    expect(resumed.code, resumed.stderr.slice(-1500)).toBe(0)
    const r = JSON.parse(resumed.stdout)
    expect(r.resumed).toBe(true)
    expect(r.validation.equal).toBe(true)
    expect(
      r.tables.reduce((n: number, t: { resumedBatches: number }) => n + t.resumedBatches, 0),
    ).toBeGreaterThan(0)
  })

  it('reports an error raised in a thread with its code and hint, as the in-process loader does', async () => {
    const file = join(tmp.dir, 'changing.db')
    quirkyKeysDb(file)
    const schema = newSchema('thr_changed')
    const args = threadedCli(file, schema)
    const killed = ferry(args, {
      FERRY_FAULT_POINT: 'pgmigrate:after-batch-commit#3',
      FERRY_FAULT_ACTION: 'kill',
    })
    expect(killed.code).toBe(1)
    // A committed row changes in SQLite between the runs: the resume re-hashes the last batch.
    const [last] = await query<{ t: string; key_from: string }>(
      `SELECT table_name AS t, key_from FROM ${qi(schema, 'ferry_ledger')} ORDER BY committed_at DESC LIMIT 1`,
    )
    const db = new Database(file)
    if (last!.t === 'sparse')
      db.prepare('UPDATE sparse SET note = ? WHERE id = ?').run('changed', Number(last!.key_from))
    else {
      const [k, n] = JSON.parse(last!.key_from) as [{ t: string }, { i: string }]
      db.prepare('UPDATE pairs SET v = ? WHERE k = ? AND n = ?').run('changed', k.t, Number(n.i))
    }
    db.close()
    const resumed = ferry(args)
    expect(resumed.code).not.toBe(0)
    const err = JSON.parse(resumed.stdout).error
    expect(err.code).toBe('SOURCE_CHANGED')
    expect(err.message).toContain(`Table "${last!.t}" changed since batch`)
    expect(err.hint).toMatch(/--delta/)
  })

  it('runs the load threads from the packaged bundle (dist-electron/load-worker.cjs beside worker.cjs)', async () => {
    // Inside the repository: the bundle loads better-sqlite3 and pg-native from node_modules.
    mkdirSync(join(REPO, 'test-results'), { recursive: true })
    const appRoot = mkdtempSync(join(REPO, 'test-results', 'threads-bundle-'))
    cleanups.push(() => rmSync(appRoot, { recursive: true, force: true }))
    const outdir = join(appRoot, 'dist-electron')
    const { buildElectron } = (await import(
      pathToFileURL(join(REPO, 'scripts', 'build-electron.mjs')).href
    )) as { buildElectron: (o: { outdir: string }) => Promise<string[]> }
    expect(await buildElectron({ outdir })).toContainEqual(
      expect.stringMatching(/load-worker\.cjs$/),
    )
    const schema = newSchema('thr_bundle')
    // The job worker the desktop app forks, run by plain Node with the bundled code only.
    const child = fork(join(outdir, 'worker.cjs'), [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
      env: { ...process.env, FERRY_FAULT_POINT: '' },
    })
    const result = await new Promise<{ type: string; value?: unknown; error?: unknown }>(
      (res, rej) => {
        child.on('message', (m: { type: string }) => {
          if (m.type === 'result' || m.type === 'error') res(m)
        })
        child.once('exit', (code) => rej(new Error(`the bundled worker exited with ${code}`)))
        child.send({
          type: 'start',
          job: 'pgmigrate:migrate',
          params: {
            file: CHINOOK,
            targetUrl: PG_URL,
            schema,
            workers: 2,
            threads: 'on',
            splitRows: 2000,
          },
        })
      },
    )
    child.kill()
    expect(result.error).toBeUndefined()
    const r = result.value as {
      validation: { equal: boolean }
      tables: { table: string; loadedRows: number }[]
    }
    expect(r.validation.equal).toBe(true)
    expect(r.tables.find((t) => t.table === 'PlaylistTrack')!.loadedRows).toBe(8715)
    const [parts] = await query<{ n: string }>(
      `SELECT count(DISTINCT batch / ${PART_STRIDE})::text AS n FROM ${qi(schema, 'ferry_ledger')} WHERE table_name = 'PlaylistTrack'`,
    )
    expect(parts!.n).toBe('2')
  })

  it('profiles tables in rowid slices on threads to exactly the plan one scan gives', async () => {
    const quirky = join(tmp.dir, 'quirky.db')
    createQuirkyDb(quirky)
    // Mixed storage classes, JSON and not, timestamps and not, NUMERIC bounds, 0/1 columns.
    const db = new Database(quirky)
    db.exec(
      `CREATE TABLE mixed (id INTEGER PRIMARY KEY, j TEXT, ts TEXT, n NUMERIC(6,2), b INTEGER, any_)`,
    )
    const ins = db.prepare('INSERT INTO mixed (j, ts, n, b, any_) VALUES (?, ?, ?, ?, ?)')
    db.transaction(() => {
      for (let i = 0; i < 3000; i++)
        ins.run(
          i === 2999 ? '{"cut": ' : JSON.stringify({ i }),
          i % 1000 === 7 ? 'yesterday' : new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
          i === 1500 ? 12345.678 : i / 4,
          i % 2,
          i % 3 === 0 ? i : i % 3 === 1 ? `t${i}` : Buffer.from([i % 256]),
        )
    })()
    db.close()
    for (const file of [quirky, CHINOOK]) {
      const ro = openSqliteReadOnly(file)
      try {
        const profiles = await profileLargeTables(file, ro, { threads: 3, minRows: 1 })
        expect(profiles.size, file).toBeGreaterThan(0)
        const threaded = translateSchema(ro, { schema: 's', profiles })
        const single = translateSchema(ro, { schema: 's' })
        expect(threaded).toEqual(single)
      } finally {
        ro.close()
      }
    }
  })
})
