// p4.agent-code and p4.concurrency through the CLI (`ferry run … --json`), a small sweep: the
// evidence carries both backends' numbers for every N, the N = 10 verdict, the index-build run,
// and the user's data (memory.db, agent_memory) is exactly as before; the sandboxes are gone.
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { admin, buildFixture, type Fixture } from './agent-store-support'

let fx: Fixture
const sha = (f: string): string => createHash('sha256').update(readFileSync(f)).digest('hex')

beforeAll(async () => {
  fx = await buildFixture('assteps', { events: 300 })
}, 170_000)

afterAll(async () => {
  await fx?.cleanup()
})

interface Run {
  backend: string
  n: number
  ops: number
  failed: number
  throughput: number
  all: { count: number; p50: number; p95: number; p99: number; max: number }
  perOp: Record<string, { count: number; p50: number; p95: number; p99: number }>
  lockWaits: { over100: number; maxMs: number; method: string }
  retries: number
  slowOps: number
}

function run(step: string, env: Record<string, string> = {}) {
  const r = fx.ferry(['run', step, '-w', fx.ws, '--target', fx.url, '--json'], env)
  const out = JSON.parse(r.stdout) as { steps: { status: string; evidence: Record<string, unknown> | null; error: unknown }[] }
  return { code: r.code, stderr: r.stderr, step: out.steps[0]! }
}

describe('p4.agent-code and p4.concurrency (CLI)', () => {
  it('p4.agent-code self-tests the library on a copy and lists every agent with its flag', () => {
    const r = run('p4.agent-code')
    expect(r.code, r.stderr).toBe(0)
    expect(r.step.status).toBe('done')
    const e = r.step.evidence as { selfTest: { operations: string[] }; agents: number; byBackend: Record<string, number>; library: string }
    expect(e.library).toBe('ferry/agent-store')
    expect(e.selfTest.operations).toContain('saveSnapshot/loadSnapshot')
    expect(e.agents).toBeGreaterThan(0)
    expect(e.byBackend).toEqual({ sqlite: e.agents })
  })

  it('p4.concurrency reports the sweep for both backends, the N = 10 verdict and the CREATE INDEX CONCURRENTLY run', async () => {
    const memDb = join(fx.ws, '.claude', 'memory.db')
    const before = sha(memDb)
    const countPg = () => admin(fx.url, async (c) => (await c.query(`SELECT (SELECT count(*) FROM "agent_memory"."events")::int AS e, (SELECT count(*) FROM "agent_memory"."agents")::int AS a`)).rows[0])
    const pgBefore = await countPg()

    const r = run('p4.concurrency', { FERRY_P4_AGENTS: '1,2,10', FERRY_P4_OPS: '12' })
    expect(r.code, r.stderr).toBe(0)
    expect(r.step.status).toBe('done')
    const e = r.step.evidence as {
      agents: number[]
      opsPerAgent: number
      sqlite: { runs: Run[]; verdict: { pass: boolean | null; n: number | null; reason: string } }
      postgres: { runs: Run[]; verdict: { pass: boolean | null; n: number | null; reason: string } }
      duringIndex: { buildMs: number; error: string | null; run: Run; verdict: { pass: boolean } }
    }
    expect(e.agents).toEqual([1, 2, 10])
    for (const backend of ['sqlite', 'postgres'] as const) {
      const runs = e[backend].runs
      expect(runs.map((x) => x.n)).toEqual([1, 2, 10])
      for (const x of runs) {
        expect(x.backend).toBe(backend)
        expect(x.ops).toBe(x.n * 12)
        expect(x.failed).toBe(0)
        expect(x.throughput).toBeGreaterThan(0)
        expect(x.all.count).toBe(x.ops)
        expect(x.all.p50).toBeLessThanOrEqual(x.all.p95)
        expect(x.all.p95).toBeLessThanOrEqual(x.all.p99)
        expect(Object.keys(x.perOp).length).toBeGreaterThan(3)
        expect(x.lockWaits.over100).toBeGreaterThanOrEqual(0)
      }
      const v = e[backend].verdict
      expect(v.n).toBe(10)
      expect(typeof v.pass).toBe('boolean')
      expect(v.reason).toContain('N = 10')
    }
    expect(e.duringIndex.error).toBeNull()
    expect(e.duringIndex.buildMs).toBeGreaterThan(0)
    expect(e.duringIndex.run.n).toBe(10)
    expect(e.duringIndex.run.ops).toBeGreaterThan(0)
    expect(e.duringIndex.run.failed).toBe(0)

    // The user's data is untouched; the sandboxes are gone.
    expect(sha(memDb)).toBe(before)
    expect(await countPg()).toEqual(pgBefore)
    const schemas = await admin(fx.url, async (c) => (await c.query(`SELECT 1 FROM information_schema.schemata WHERE schema_name = 'ferry_p4_concurrency'`)).rowCount)
    expect(schemas).toBe(0)
    expect(existsSync(join(fx.ws, '.ferry', 'p4-concurrency', 'memory-copy.db'))).toBe(false)
  })

  it('p4.agent-code and p4.concurrency on a memory.db of another shape name every missing table and column, changing nothing', () => {
    const ws = join(fx.ws, '..', 'other-shape')
    mkdirSync(join(ws, '.claude'), { recursive: true })
    const file = join(ws, '.claude', 'memory.db')
    const db = new Database(file)
    db.exec('CREATE TABLE agents (agent_id TEXT PRIMARY KEY, status TEXT); CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)')
    db.close()
    const before = sha(file)
    const r = fx.ferry(['run', 'p4.agent-code', '-w', ws, '--target', fx.url, '--json'])
    expect(r.code).not.toBe(0)
    const step = (JSON.parse(r.stdout) as { steps: { status: string; error: { code: string; message: string; hint: string } }[] }).steps[0]!
    expect(step.status).toBe('failed')
    expect(step.error.code).toBe('AGENT_STORE_SCHEMA')
    expect(step.error.message).toContain('.claude/memory.db does not have the agent tables')
    expect(step.error.message).toContain('"agents" lacks agent_type, created_at, last_activity')
    for (const t of ['events', 'agent_messages', 'tasks', 'context_sessions', 'memory_snapshots', 'configurations'])
      expect(step.error.message).toContain(`no table "${t}"`)
    // p4.concurrency's simulated agents use the same store: the same answer, before any run.
    const c = fx.ferry(['run', 'p4.concurrency', '-w', ws, '--target', fx.url, '--json'])
    const cs = (JSON.parse(c.stdout) as { steps: { status: string; error: { code: string; message: string } }[] }).steps[0]!
    expect(cs.status).toBe('failed')
    expect(cs.error.code).toBe('AGENT_STORE_SCHEMA')
    expect(cs.error.message).toContain('"agents" lacks agent_type, created_at, last_activity')
    expect(existsSync(join(ws, '.ferry', 'p4-concurrency', 'memory-copy.db'))).toBe(false)
    expect(sha(file)).toBe(before)
  })

  it('p4.agent-code on a files-only workspace says it has none of the tables and what to do', () => {
    const ws = join(fx.ws, '..', 'files-only')
    mkdirSync(join(ws, '.claude'), { recursive: true })
    const file = join(ws, '.claude', 'memory.db')
    const db = new Database(file)
    db.exec('CREATE TABLE file_events (id INTEGER PRIMARY KEY, message TEXT)')
    db.close()
    const r = fx.ferry(['run', 'p4.agent-code', '-w', ws, '--target', fx.url, '--json'])
    expect(r.code).not.toBe(0)
    const step = (JSON.parse(r.stdout) as { steps: { error: { code: string; message: string; hint: string } }[] }).steps[0]!
    expect(step.error.code).toBe('AGENT_STORE_SCHEMA')
    expect(step.error.message).toMatch(/^\.claude\/memory\.db has none of the tables the agent store reads and writes \(agents, .*configurations\): its data came from files only/)
    expect(step.error.hint).toMatch(/give the workspace a \.claude\/state\.db with those tables/)
  })
})
