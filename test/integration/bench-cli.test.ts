// `ferry bench -w WS --json` as a user runs it on a small demo workspace: first with nothing
// migrated (files and the state.db baseline measured, the rest "not measured" with the reason),
// then after p2.validate and p3.migrate into a scratch PostgreSQL database (memory.db and
// PostgreSQL measured, each query returning as many rows as on memory.db). Real files, real
// PostgreSQL; no timing is asserted, only that numbers exist where they were measured.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BenchView } from '../../shared/contract/bench'
import { WORKLOAD } from '../../electron/core/workload/queries'
import { ferryCli } from '../support/ferry-cli'
import { tempDir } from '../support/paths'

const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const DB = `ferry_bench_${Math.random().toString(36).slice(2, 10)}`
const t = tempDir('ferry-bench-')
const ws = join(t.dir, 'ws')
const ferry = ferryCli(join(t.dir, 'config'))
const target = (() => {
  const u = new URL(PG_URL)
  u.pathname = `/${DB}`
  return u.toString()
})()

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_URL })
  await c.connect()
  try {
    await c.query(sql)
  } finally {
    await c.end()
  }
}

function bench(extra: string[] = []): BenchView & { ok: boolean } {
  const r = ferry(['bench', '-w', ws, '--json', ...extra])
  expect(r.code, r.stderr).toBe(0)
  return JSON.parse(r.stdout) as BenchView & { ok: boolean }
}

const backend = (v: BenchView, id: string) => v.report!.backends.find((b) => b.id === id)!

beforeAll(async () => {
  expect(ferry(['demo-workspace', ws, '--events', '1200']).code).toBe(0)
  await admin(`CREATE DATABASE "${DB}"`)
})

afterAll(async () => {
  await admin(`DROP DATABASE IF EXISTS "${DB}" WITH (FORCE)`)
  t.cleanup()
})

describe('ferry bench', () => {
  it('measures files and the state.db baseline, and says why the other backends are not measured', () => {
    const v = bench()
    expect(v.ok).toBe(true)
    const r = v.report!
    expect(r.backends.map((b) => b.id)).toEqual(['files', 'state-before', 'state-after', 'memory', 'postgres'])
    expect(backend(v, 'state-before').measured).toBe(true)
    for (const q of backend(v, 'state-before').queries) expect(q.p95, q.query).not.toBeNull()
    const files = backend(v, 'files')
    expect(files.measured).toBe(true)
    const onFiles = files.queries.filter((q) => q.skipped === null).map((q) => q.query)
    expect(onFiles).toEqual(expect.arrayContaining(['agent_recent_events', 'recent_events', 'agent_configuration']))
    for (const q of files.queries.filter((x) => x.skipped)) expect(q.skipped).toMatch(/^no file equivalent: .* only in state\.db/)
    expect(backend(v, 'state-after').reason).toMatch(/Phase 1 has not changed/)
    expect(backend(v, 'memory').reason).toMatch(/no \.claude\/memory\.db yet/)
    expect(backend(v, 'postgres').reason).toMatch(/p3\.migrate has not run/)
    expect(v.concurrency).toEqual({ measured: false, reason: expect.stringMatching(/p4\.concurrency/) })
    // Persisted: the journal's workload_runs and bench_reports, and the exported report files.
    const j = new Database(join(ws, '.ferry', 'journal.db'), { readonly: true })
    try {
      const runs = j.prepare("SELECT DISTINCT backend FROM workload_runs WHERE label = 'p4-benchmark'").pluck().all()
      expect(runs).toEqual(['files'])
      expect(j.prepare('SELECT count(*) FROM bench_reports').pluck().get()).toBe(1)
    } finally {
      j.close()
    }
    const md = readFileSync(join(ws, r.files.markdown), 'utf8')
    expect(md).toContain('not measured: Phase 1 has not changed')
    expect(existsSync(join(ws, r.files.json))).toBe(true)
    expect(r.machine.cpus).toBeGreaterThan(0)
  })

  it('measures memory.db and PostgreSQL after p2.validate and p3.migrate, with the same row counts', () => {
    for (const step of ['p2.validate', 'p3.migrate']) {
      const r = ferry(['run', step, '-w', ws, '--target', target, '--yes', '--json'])
      expect(r.code, r.stderr).toBe(0)
    }
    const v = bench(['--target', target])
    const mem = backend(v, 'memory')
    const pgb = backend(v, 'postgres')
    expect(mem.measured).toBe(true)
    expect(pgb.measured).toBe(true)
    expect(pgb.database).toContain('agent_memory')
    expect(pgb.queries.map((q) => q.query)).toEqual(WORKLOAD.map((q) => q.name))
    for (const q of pgb.queries) {
      expect(q.skipped, q.query).toBeNull()
      expect(q.p95, q.query).toBeGreaterThan(0)
      expect(q.rows, q.query).toBe(mem.queries.find((m) => m.query === q.query)!.rows)
    }
    expect(v.report!.machine.postgres).toMatch(/^\d+/)
    const size = v.report!.sizes.find((s) => s.backend === 'postgres')!
    expect(size.bytes).toBeGreaterThan(0)
    expect(v.migration.measured).toBe(true)
  })
})
