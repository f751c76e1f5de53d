// Source protection (issue 8): whatever happens to the source — damage, a crashed writer's hot
// journal, rows only in the -wal, a lock held by another writer, an agent writing throughout —
// Ferry never changes a byte of it, says clearly what is wrong, and writes nothing to the target
// before it knows the source reads whole.
import {
  copyFileSync,
  mkdirSync,
  openSync,
  closeSync,
  writeSync,
  existsSync,
  statSync,
} from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDemoWorkspace } from '../../electron/core/workspace/demo/index'
import { REPO, tempDir } from '../support/paths'
import { errorProblems, ferryRunner } from '../support/faults/cli'
import {
  changedBytes,
  integrityCheck,
  sqliteFingerprint,
  workspaceFingerprint,
} from '../support/faults/fingerprint'
import { migrateArgs, userFingerprint } from '../support/faults/migrate-case'
import { dropSchema, pgQuery } from '../support/faults/pg'
import { holdWriteLock, startAgent } from '../support/faults/processes'
import { score } from '../support/faults/scorecard'
import { randomBytes } from 'node:crypto'
import { spawnSync } from 'node:child_process'

const tmp = tempDir('ferry-faults-src-')
const ferry = ferryRunner(join(tmp.dir, 'config'))
const schemas: string[] = []
const newSchema = (p: string): string => {
  const s = `${p}_${randomBytes(4).toString('hex')}`
  schemas.push(s)
  return s
}
const schemaExists = async (s: string): Promise<boolean> =>
  (await pgQuery('SELECT 1 FROM pg_namespace WHERE nspname = $1', [s])).length > 0

/** A scratch folder holding one database file and whatever side files the case adds. */
function scratch(name: string): string {
  const dir = join(tmp.dir, name)
  mkdirSync(dir, { recursive: true })
  return dir
}

const ws = join(tmp.dir, 'ws')
const stateDb = join(ws, '.claude', 'state.db')

describe('source protection', () => {
  beforeAll(async () => {
    await createDemoWorkspace(ws, { events: 3000, seed: 5 })
  })
  afterAll(async () => {
    for (const s of schemas) await dropSchema(s)
    tmp.cleanup()
  })

  it('golden run: backup and migrate-sqlite leave every byte of the workspace as it was', async () => {
    const before = workspaceFingerprint(ws)
    const dbBefore = sqliteFingerprint(stateDb)
    const b = ferry.run(['backup', '-w', ws, '--json'])
    expect(b.code, b.stderr).toBe(0)
    expect(b.json.backup.sqlite.every((d: { integrity: string }) => d.integrity === 'ok')).toBe(
      true,
    )
    const schema = newSchema('golden_src')
    const m = ferry.run(migrateArgs(stateDb, schema))
    expect(m.code, m.stderr).toBe(0)
    expect(m.json.validation.equal).toBe(true)
    const after = workspaceFingerprint(ws)
    score.source(changedBytes(ws, before, after), 'golden run')
    expect(after).toEqual(before)
    expect(sqliteFingerprint(stateDb)).toEqual(dbBefore)
    expect(integrityCheck(stateDb)).toBe('ok')
    // Every table arrived with all its rows.
    const pgfp = await userFingerprint(schema)
    for (const [t, fp] of Object.entries(dbBefore))
      expect(pgfp[t]?.split(':')[0], t).toBe(fp.split(':')[0])
  })

  it('stops before writing anything when state.db is damaged, naming the file, and changes nothing', async () => {
    const dir = scratch('corrupt')
    const file = join(dir, 'state.db')
    copyFileSync(stateDb, file)
    // Overwrite five pages in the middle with noise; the header and schema page stay intact.
    const pages = statSync(file).size / 4096
    const fd = openSync(file, 'r+')
    writeSync(fd, randomBytes(5 * 4096), 0, 5 * 4096, Math.floor(pages / 2) * 4096)
    closeSync(fd)
    const before = workspaceFingerprint(dir, [])
    const schema = newSchema('corrupt')
    const r = ferry.run(migrateArgs(file, schema))
    expect(errorProblems(r)).toEqual([])
    expect(r.json.error.code).toBe('SOURCE_CORRUPT')
    expect(r.json.error.message).toContain(file)
    expect(await schemaExists(schema)).toBe(false)
    expect(workspaceFingerprint(dir, [])).toEqual(before)
    score.badInput(
      'damaged source',
      'state.db with 5 noisy pages',
      'refused SOURCE_CORRUPT, target untouched',
    )
    score.fault('damaged source database', true, 'corrupt state.db')
  })

  it('refuses a database with a hot journal without rolling it back or reading uncommitted rows', async () => {
    const dir = scratch('hot')
    const file = join(dir, 'state.db')
    // A writer spills an uncommitted UPDATE to the file (tiny cache) and dies: a hot journal.
    const script = `
      const Database = require(${JSON.stringify(join(REPO, 'node_modules', 'better-sqlite3'))})
      const db = new Database(process.argv[1]); db.pragma('journal_mode = DELETE')
      db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)')
      const ins = db.prepare('INSERT INTO t(v) VALUES (?)')
      db.transaction(() => { for (let i = 0; i < 4000; i++) ins.run('committed ' + 'x'.repeat(200)) })()
      db.pragma('cache_size = 10'); db.exec('BEGIN'); db.exec("UPDATE t SET v = 'UNCOMMITTED'")
      process.kill(process.pid, 'SIGKILL')`
    spawnSync(process.execPath, ['-e', script, file])
    expect(existsSync(`${file}-journal`)).toBe(true)
    const before = workspaceFingerprint(dir, [])
    const schema = newSchema('hot')
    const r = ferry.run(migrateArgs(file, schema))
    expect(errorProblems(r)).toEqual([])
    expect(r.json.error.code).toBe('SQLITE_HOT_JOURNAL')
    expect(r.json.error.hint).toMatch(/rolls the unfinished transaction back/)
    expect(await schemaExists(schema)).toBe(false)
    expect(workspaceFingerprint(dir, [])).toEqual(before)
    score.badInput(
      'damaged source',
      'hot journal of a killed writer',
      'refused SQLITE_HOT_JOURNAL, both files untouched',
    )
    score.fault('writer killed mid-transaction (hot journal)', true, 'hot journal')
  })

  it('includes rows committed only to the -wal, and never touches the -wal or -shm', async () => {
    const dir = scratch('wal')
    const file = join(dir, 'state.db')
    const writer = new Database(file)
    try {
      writer.pragma('journal_mode = WAL')
      writer.pragma('wal_autocheckpoint = 0')
      writer.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)')
      const ins = writer.prepare('INSERT INTO notes (body) VALUES (?)')
      writer.transaction(() => {
        for (let i = 0; i < 1500; i++) ins.run(`only in the wal ${i}`)
      })()
      const before = workspaceFingerprint(dir, [])
      expect(Object.keys(before).sort()).toEqual(['state.db', 'state.db-shm', 'state.db-wal'])
      const schema = newSchema('walonly')
      const r = ferry.run(migrateArgs(file, schema))
      expect(r.code, r.stderr).toBe(0)
      const [n] = await pgQuery<{ n: string }>(`SELECT count(*)::text AS n FROM "${schema}".notes`)
      expect(n!.n).toBe('1500')
      score.rows(1500 - Number(n!.n), 0, 'wal-only rows')
      const after = workspaceFingerprint(dir, [])
      score.source(changedBytes(dir, before, after), 'wal-only rows')
      expect(after).toEqual(before)
    } finally {
      writer.close()
    }
  })

  it('waits for a writer holding the lock, then fails clearly, then succeeds on the re-run', async () => {
    const dir = scratch('locked')
    const file = join(dir, 'state.db')
    copyFileSync(stateDb, file)
    const before = sqliteFingerprint(file)
    const schema = newSchema('locked')
    // Held well past Ferry's 5 s busy timeout: the run must give up with a clear error.
    const holder = await holdWriteLock(file, 20_000, 'exclusive')
    let r
    try {
      r = ferry.run(migrateArgs(file, schema))
    } finally {
      await holder.release()
    }
    expect(errorProblems(r)).toEqual([])
    expect(r.json.error.code).toBe('SQLITE_LOCKED')
    expect(r.json.error.message).toContain(file)
    expect(await schemaExists(schema)).toBe(false)
    const again = ferry.run(migrateArgs(file, schema))
    expect(again.code, again.stderr).toBe(0)
    expect(again.json.validation.equal).toBe(true)
    expect(sqliteFingerprint(file)).toEqual(before)
    score.fault('source locked by another writer', true, 'locked db')
  })

  it('takes a valid backup while an agent writes every 20 ms, and reports the agent\u2019s p99 write latency', async () => {
    const big = join(tmp.dir, 'big')
    await createDemoWorkspace(big, { events: 40_000, seed: 9 })
    const db = join(big, '.claude', 'state.db')
    const agent = await startAgent(db, join(tmp.dir, 'agent.json'))
    const b = ferry.measured(['backup', '-w', big, '--json'])
    const report = await agent.stop()
    expect(b.code, b.stderr).toBe(0)
    const ev = b.json.backup
    expect(ev.sqlite.map((d: { integrity: string }) => d.integrity)).toEqual(['ok'])
    expect(report.errors).toBe(0)
    expect(report.writes).toBeGreaterThan(0)
    const v = ferry.run(['backups', '-w', big, '--json'])
    expect(v.code, v.stdout.slice(0, 500)).toBe(0)
    const rows = Object.values(sqliteFingerprint(db)).reduce(
      (n, fp) => n + Number(fp.split(':')[0]),
      0,
    )
    score.load({
      test: 'backup while an agent writes every 20 ms',
      rows,
      files: ev.files,
      gb: Math.round((ev.bytes / 1024 ** 3) * 1000) / 1000,
      rowsPerSec: Math.round(rows / Math.max(0.001, ev.backupMs / 1000)),
      peakRssMb: b.peakRssMb,
      agentP99Ms: report.p99Ms,
    })
    score.fault(
      'agent writing during backup',
      true,
      `agent ${report.writes} writes, p99 ${report.p99Ms} ms`,
    )
  })
})
