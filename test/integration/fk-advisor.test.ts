// p1.fk-indexes as a user runs it: `ferry run` / `ferry undo` on real SQLite files, checked with
// sqlite3 itself; a second process writing every 20 ms while the indexes are built; Chinook and a
// quirky database for the data-driven part.
import { spawn, spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrationChecksum } from '../../electron/core/migrations/checksum'
import { adviseFkIndexes } from '../../electron/core/sqlite/fk-advisor'
import { runFkIndexesStep } from '../../electron/core/sqlite/fk-advisor-step'
import { undoFkIndexesStep } from '../../electron/core/sqlite/fk-advisor-undo'
import { workspacePaths } from '../../electron/core/workspace/resolve'
import { CHINOOK, FERRY_BIN, REPO, SHARED, tempDir } from '../support/paths'
import { createQuirkyDb } from '../support/quirky-db'

const t = tempDir('ferry-fk-')
const ws = join(t.dir, 'ws')
const stateDb = join(ws, '.claude', 'state.db')
const env = {
  ...process.env,
  XDG_CONFIG_HOME: join(t.dir, 'config'),
  FERRY_FAULT_POINT: '',
  FERRY_FAULT_ACTION: '',
}

function ferry(args: string[], extraEnv: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [FERRY_BIN, ...args], {
    env: { ...env, ...extraEnv },
    encoding: 'utf8',
    timeout: 170_000,
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

/** The plan's §1.1 list, read from MIGRATION-PLAN.md itself. */
function planIndexes(): { index: string; table: string; column: string }[] {
  const text = readFileSync(join(SHARED, 'MIGRATION-PLAN.md'), 'utf8')
  return [...text.matchAll(/CREATE INDEX IF NOT EXISTS (\w+) ON (\w+)\((\w+)\);/g)].map((m) => ({
    index: m[1]!,
    table: m[2]!,
    column: m[3]!,
  }))
}

function schema(db: string): string[] {
  const d = new Database(db, { readonly: true })
  const rows = d
    .prepare('SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name')
    .all() as Record<string, unknown>[]
  d.close()
  return rows.map((r) => JSON.stringify(r))
}

/** Index names as the sqlite3 shell's `.indexes` prints them (better-sqlite3 where the shell is missing). */
function shellIndexes(db: string): string[] {
  const shell = spawnSync('sqlite3', ['-readonly', db, '.indexes'], { encoding: 'utf8' })
  if (shell.status === 0) return shell.stdout.split(/\s+/).filter(Boolean).sort()
  const d = new Database(db, { readonly: true })
  const names = d
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'index'")
    .pluck()
    .all() as string[]
  d.close()
  return names.sort()
}

const ctx = {
  progress: () => undefined,
  log: () => undefined,
  signal: new AbortController().signal,
}

describe('p1.fk-indexes on the demo workspace', () => {
  let pristine: string[]
  beforeAll(() => {
    const r = ferry(['demo-workspace', ws, '--events', '20000', '--json'])
    expect(r.code, r.stderr).toBe(0)
    pristine = schema(stateDb)
  })
  afterAll(() => t.cleanup())

  it('creates exactly the plan\u2019s 15 indexes, each with a SCAN before and an index search after', () => {
    const r = ferry(['run', 'p1.fk-indexes', '-w', ws, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const step = JSON.parse(r.stdout).steps[0]
    expect(step.status).toBe('done')
    const ev = step.evidence
    expect(ev.created).toBe(15)
    expect(typeof ev.backupId).toBe('string')
    const expected = planIndexes()
    expect(expected).toHaveLength(15)
    const got = ev.indexes.map((i: { index: string; table: string; column: string }) => ({
      index: i.index,
      table: i.table,
      column: i.column,
    }))
    const key = (x: { index: string }) => x.index
    expect([...got].sort((a, b) => key(a).localeCompare(key(b)))).toEqual(
      [...expected].sort((a, b) => key(a).localeCompare(key(b))),
    )
    for (const i of ev.indexes) {
      expect(i.planBefore, i.index).toContain('SCAN')
      expect(i.planAfter, i.index).toMatch(new RegExp(`USING (COVERING )?INDEX ${i.index}\\b`))
      expect(i.medianMsBefore).toBeGreaterThan(0)
      expect(i.medianMsAfter).toBeGreaterThan(0)
      expect(i.reason).toBe('declared REFERENCES')
      expect(i.sql).toBe(`CREATE INDEX "${i.index}" ON "${i.table}" ("${i.column}")`)
    }
    // sqlite3 agrees: every plan index is there, and nothing else was added but the ledger.
    const before = new Set(pristine.map((s) => JSON.parse(s).name as string))
    const added = shellIndexes(stateDb).filter((n) => !before.has(n))
    expect(added.sort()).toEqual(expected.map((e) => e.index).sort())
    // The migration is a file whose SHA-256 the ledger recorded, applied by this step.
    const file = join(ws, ev.migration.file)
    expect(ev.migration.file).toBe('.ferry/migrations/state/0001_fk_indexes.sql')
    const d = new Database(stateDb, { readonly: true })
    const row = d.prepare('SELECT * FROM schema_migrations').all()
    d.close()
    expect(row).toEqual([
      expect.objectContaining({
        version: 1,
        name: 'fk_indexes',
        checksum: migrationChecksum(readFileSync(file, 'utf8')),
        success: 1,
        applied_by: 'p1.fk-indexes',
      }),
    ])
    expect(ev.ledger).toEqual({ table: 'schema_migrations', action: 'created', columnsAdded: [] })
  })

  it('is idempotent: a second run creates nothing and reports the applied migration', () => {
    const r = ferry(['run', 'p1.fk-indexes', '-w', ws, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const ev = JSON.parse(r.stdout).steps[0].evidence
    expect(ev).toMatchObject({ created: 0, alreadyApplied: true })
    expect(ev.indexes).toHaveLength(15)
  })

  it('undo removes exactly those indexes and the ledger it created: sqlite_schema is as before', () => {
    const r = ferry(['undo', 'p1.fk-indexes', '-w', ws, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const out = JSON.parse(r.stdout)
    expect(out.step.evidence.undo.dropped).toHaveLength(15)
    expect(out.step.evidence.undo.ledgerDropped).toBe(true)
    expect(schema(stateDb)).toEqual(pristine)
    expect(existsSync(join(ws, '.ferry/migrations/state/0001_fk_indexes.sql'))).toBe(false)
    const d = new Database(stateDb, { readonly: true })
    expect(d.pragma('integrity_check', { simple: true })).toBe('ok')
    d.close()
  })

  it('a worker killed between the DDL and its ledger row leaves no index behind, and a re-run completes', () => {
    const killed = ferry(['run', 'p1.fk-indexes', '-w', ws, '--json'], {
      FERRY_FAULT_POINT: 'migrations:after-ddl',
      FERRY_FAULT_ACTION: 'kill',
    })
    expect(killed.code).toBe(1)
    expect(JSON.parse(killed.stdout).steps[0].error.code).toBe('WORKER_DIED')
    const names = new Set(shellIndexes(stateDb))
    for (const p of planIndexes()) expect(names.has(p.index), p.index).toBe(false)
    const again = ferry(['run', 'p1.fk-indexes', '-w', ws, '--json'])
    expect(again.code, again.stderr).toBe(0)
    expect(JSON.parse(again.stdout).steps[0].evidence.created).toBe(15)
    expect(ferry(['undo', 'p1.fk-indexes', '-w', ws]).code).toBe(0)
    expect(schema(stateDb)).toEqual(pristine)
  })

  it('does not break an agent writing every 20 ms while the indexes are built', async () => {
    const stop = join(t.dir, 'stop-writer')
    // An agent: autocommit INSERTs every 20 ms with busy_timeout, as a real agent would set it.
    const script = `
      const Database = require('better-sqlite3'); const fs = require('node:fs')
      const db = new Database(process.argv[1]); db.pragma('busy_timeout = 5000'); db.pragma('foreign_keys = OFF')
      const ins = db.prepare("INSERT INTO events (agent_id, event_type, level, message, created_at) VALUES ('writer-agent', 'test.write', 'info', ?, ?)")
      let ok = 0; const errors = []
      const tick = () => {
        try { ins.run('w' + ok, new Date().toISOString()); ok++ } catch (e) { errors.push(String(e.code) + ': ' + e.message) }
        if (ok === 5) process.stdout.write('ready\\n')
        if (fs.existsSync(process.argv[2])) { process.stdout.write(JSON.stringify({ ok, errors }) + '\\n'); db.close(); return }
        setTimeout(tick, 20)
      }
      tick()`
    const writer = spawn(process.execPath, ['-e', script, stateDb, stop], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    writer.stdout.on('data', (b: Buffer) => (out += b.toString()))
    const exited = new Promise<number | null>((res) => writer.on('exit', res))
    await new Promise<void>((res, rej) => {
      const check = setInterval(() => {
        if (out.includes('ready')) {
          clearInterval(check)
          res()
        }
      }, 20)
      writer.on('exit', () => rej(new Error(`writer exited early: ${out}`)))
    })
    const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((res) => {
      const p = spawn(process.execPath, [FERRY_BIN, 'run', 'p1.fk-indexes', '-w', ws, '--json'], {
        env,
      })
      let so = ''
      let se = ''
      p.stdout.on('data', (b: Buffer) => (so += b.toString()))
      p.stderr.on('data', (b: Buffer) => (se += b.toString()))
      p.on('exit', (code) => res({ code, stdout: so, stderr: se }))
    })
    writeFileSync(stop, '')
    expect(await exited).toBe(0)
    const stats = JSON.parse(out.slice(out.indexOf('{'))) as { ok: number; errors: string[] }
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout).steps[0].evidence.created).toBe(15)
    expect(stats.errors).toEqual([])
    const d = new Database(stateDb, { readonly: true })
    const written = d
      .prepare("SELECT count(*) FROM events WHERE agent_id = 'writer-agent'")
      .pluck()
      .get()
    const indexes = d
      .prepare(
        "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name IN (" +
          planIndexes()
            .map(() => '?')
            .join(',') +
          ')',
      )
      .pluck()
      .get(...planIndexes().map((p) => p.index))
    d.close()
    expect(written).toBe(stats.ok)
    expect(stats.ok).toBeGreaterThan(5)
    expect(indexes).toBe(15)
  })
})

describe('the advisor on databases nobody wrote for it', () => {
  const dir = tempDir('ferry-fk-data-')
  afterAll(() => dir.cleanup())

  it('proposes Chinook\u2019s declared REFERENCES columns once its own FK indexes are gone, and nothing while they exist', () => {
    const root = join(dir.dir, 'chinook')
    mkdirSync(join(root, '.claude'), { recursive: true })
    const db = join(root, '.claude', 'state.db')
    copyFileSync(CHINOOK, db)
    const d = new Database(db)
    expect(adviseFkIndexes(d).proposals).toEqual([])
    const ifk = d
      .prepare(
        "SELECT name, tbl_name FROM sqlite_schema WHERE type = 'index' AND name LIKE 'IFK\\_%' ESCAPE '\\'",
      )
      .all() as { name: string; tbl_name: string }[]
    const fkCols = ifk
      .map(
        (i) =>
          `${i.tbl_name}.${(d.prepare('SELECT name FROM pragma_index_info(?)').pluck().all(i.name) as string[]).join(',')}`,
      )
      .sort()
    expect(fkCols).toHaveLength(10)
    for (const i of ifk) d.exec(`DROP INDEX "${i.name}"`)
    const advice = adviseFkIndexes(d)
    d.close()
    expect(advice.proposals.map((p) => `${p.table}.${p.column}`).sort()).toEqual(fkCols)
    expect(new Set(advice.proposals.map((p) => p.reason))).toEqual(new Set(['declared REFERENCES']))
    // PlaylistTrack.PlaylistId leads the composite primary key: covered, not proposed.
    expect(advice.covered).toContainEqual({
      table: 'PlaylistTrack',
      column: 'PlaylistId',
      reason: 'declared REFERENCES',
      coveredBy: 'the primary key',
    })
  })

  it('creates and undoes them on the Chinook copy with before/after plans', async () => {
    const paths = workspacePaths(join(dir.dir, 'chinook'))
    const before = schema(paths.stateDb)
    const ev = await runFkIndexesStep(paths, ctx)
    expect(ev.created).toBe(10)
    for (const i of ev.indexes) {
      expect(i.planBefore).toContain('SCAN')
      expect(i.planAfter).toMatch(/USING (COVERING )?INDEX/)
    }
    expect(ev.indexes.find((i) => i.table === 'InvoiceLine' && i.column === 'TrackId')?.sql).toBe(
      'CREATE INDEX "idx_InvoiceLine_TrackId" ON "InvoiceLine" ("TrackId")',
    )
    const undo = await undoFkIndexesStep(paths, ctx)
    expect(undo.dropped).toHaveLength(10)
    expect(schema(paths.stateDb)).toEqual(before)
  })

  it('quotes odd identifiers and ignores an expression index that does not lead with the column', async () => {
    const root = join(dir.dir, 'quirky')
    mkdirSync(join(root, '.claude'), { recursive: true })
    createQuirkyDb(join(root, '.claude', 'state.db'))
    const ev = await runFkIndexesStep(workspacePaths(root), ctx)
    expect(ev.indexes.map((i) => [i.table, i.column, i.index])).toEqual([
      ['child', 'parent_id', 'idx_child_parent_id'],
    ])
    expect(ev.indexes[0]!.planAfter).toContain('idx_child_parent_id')
  })
})
