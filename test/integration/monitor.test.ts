// The monitoring sampler against the real PostgreSQL 15, in a database of its own: rates from
// pg_stat_database deltas, a real lock wait (seen, attributed to its blocker, and alerted on past
// 100 ms), table sizes, pg_stat_statements or the message how to enable it, and a target that
// stops answering (a failed sample, counted against availability).
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MonitorSampler } from '../../electron/core/monitor/sampler'
import { monitorStep } from '../../electron/core/monitor/step'

const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const DB = `ferry_monitor_${Math.random().toString(36).slice(2, 10)}`
const url = (() => {
  const u = new URL(PG_URL)
  u.pathname = `/${DB}`
  return u.toString()
})()

async function client(to: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: to })
  await c.connect()
  return c
}

let admin: pg.Client
let a: pg.Client
let b: pg.Client

beforeAll(async () => {
  admin = await client(PG_URL)
  await admin.query(`CREATE DATABASE "${DB}"`)
  a = await client(url)
  b = await client(url)
  await a.query('CREATE TABLE "agent_events" ("id" bigserial PRIMARY KEY, "body" text NOT NULL)')
})

afterAll(async () => {
  await a?.end().catch(() => undefined)
  await b?.end().catch(() => undefined)
  await admin.query(`DROP DATABASE IF EXISTS "${DB}" WITH (FORCE)`)
  await admin.end()
})

describe('MonitorSampler on PostgreSQL 15', () => {
  const sampler = new MonitorSampler({ target: async () => ({ url }), detailEvery: 1 })
  afterAll(() => sampler.stop())

  it('samples connections, rates from counter deltas, sizes and Ferry’s own memory', async () => {
    await sampler.tick()
    await a.query(`INSERT INTO "agent_events" ("body") SELECT 'e' || g FROM generate_series(1, 5000) g`)
    // Backends report their statistics in batches: make this one report now (PostgreSQL 15+).
    await a.query('SELECT pg_stat_force_next_flush()')
    await a.query('SELECT 1')
    await new Promise((r) => setTimeout(r, 50))
    await sampler.tick()
    const v = sampler.view()
    expect(v.idle).toBeNull()
    expect(v.samples).toHaveLength(2)
    const [first, second] = v.samples
    expect(first!.tps).toBeNull()
    expect(second!.ok).toBe(true)
    expect(second!.rowsWrittenPerSec).toBeGreaterThan(0)
    expect(second!.tps).toBeGreaterThan(0)
    expect(second!.connections.idle).toBeGreaterThanOrEqual(2)
    expect(second!.maxConnections).toBeGreaterThan(0)
    expect(second!.cacheHitRatio).toBeGreaterThan(0)
    expect(second!.ferryRssBytes).toBeGreaterThan(0)
    expect(v.detail!.tables.find((t) => t.table === 'agent_events')!.bytes).toBeGreaterThan(0)
    expect(v.availability).toBe(1)
  })

  it('reports pg_stat_statements, or how to enable it', async () => {
    const ext = await a.query("SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'")
    const st = sampler.view().detail!.statements
    if (ext.rowCount) expect(st.available).toBe(true)
    else if (!st.available) expect(st.howToEnable).toMatch(/shared_preload_libraries.*CREATE EXTENSION pg_stat_statements/)
  })

  it('sees a lock wait, names its blocker, and alerts once it passes 100 ms', async () => {
    await a.query('BEGIN')
    await a.query('LOCK TABLE "agent_events" IN ACCESS EXCLUSIVE MODE')
    const pidA = (await a.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid
    const blocked = b.query('SELECT count(*) FROM "agent_events"')
    await new Promise((r) => setTimeout(r, 400))
    await sampler.tick()
    const v = sampler.view()
    const last = v.samples.at(-1)!
    expect(last.lockWaits).toBeGreaterThanOrEqual(1)
    expect(last.longestLockWaitMs).toBeGreaterThan(100)
    expect(v.detail!.locks.some((l) => l.blockedBy.includes(pidA) && l.relation === 'agent_events')).toBe(true)
    expect(v.alerts.map((x) => x.key)).toContain('locks')
    await a.query('COMMIT')
    await blocked
    await sampler.tick()
    expect(sampler.view().samples.at(-1)!.lockWaits).toBe(0)
    expect(sampler.view().alerts.map((x) => x.key)).not.toContain('locks')
  })

  it('keeps a failed sample when the target stops answering, and alerts on availability', async () => {
    const down = new MonitorSampler({ target: async () => ({ url: 'postgres://postgres@127.0.0.1:1/none' }) })
    await down.tick()
    const v = down.view()
    expect(v.samples).toHaveLength(1)
    expect(v.samples[0]!.ok).toBe(false)
    expect(v.availability).toBe(0)
    expect(v.alerts.map((x) => x.key)).toEqual(['availability'])
    await down.stop()
  })

  it('is idle, with the reason, when no target is connected', async () => {
    const idle = new MonitorSampler({ target: async () => ({ idle: 'No PostgreSQL target is connected' }) })
    await idle.tick()
    expect(idle.view()).toMatchObject({ idle: 'No PostgreSQL target is connected', samples: [], alerts: [] })
  })

  it('p4.monitor records a few samples, the alerts and the tables as evidence', async () => {
    const progress: string[] = []
    const ctx = {
      signal: new AbortController().signal,
      log: () => {},
      progress: (_d: number, _t: number | null, _u: string, m?: string) => void progress.push(m ?? ''),
    }
    const ev = await monitorStep(url, ctx, 2, 100)
    expect(ev).toMatchObject({ availability: 1, samples: 2 })
    expect(ev.alerts).toBe((ev.alertList as unknown[]).length)
    expect(ev.target).not.toContain('@127.0.0.1:5432/postgres')
    expect((ev.tables as { table: string }[]).map((t) => t.table)).toContain('agent_events')
    expect(progress[0]).toMatch(/^sampling postgres:/)
  })
})
