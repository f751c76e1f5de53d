// p3.pooling on a real server: the pool's sizing and settings, queueing beyond its size, and an
// idle client killed with pg_terminate_backend handled without a crash — through the step run by
// the backend, and through the contract method target.poolStats. A database of its own keeps
// pg_terminate_backend away from any other connection.
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PoolConfig, PoolStats } from '../../shared/contract/pool'
import type { StepState } from '../../shared/contract/types'
import { createBackend, type Backend } from '../../electron/core/backend'
import { poolSize, verifyPool } from '../../electron/core/pgmigrate/pooling-step'
import { DEFAULT_POOL } from '../../electron/core/postgres/pool'
import { tempDir } from '../support/paths'
import { PG_URL } from './pgmigrate-support'

const DB = `ferry_pool_${Math.random().toString(36).slice(2, 10)}`
const t = tempDir('ferry-pool-')
const ws = join(t.dir, 'ws')

function urlFor(db: string): string {
  const u = new URL(PG_URL)
  u.pathname = `/${db}`
  return u.toString()
}

async function admin<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    return await fn(c)
  } finally {
    await c.end()
  }
}

describe('p3.pooling: one pool per target, verified on the server', () => {
  let backend: Backend
  const call = async <T>(method: string, input: unknown = {}): Promise<T> => {
    const r = await backend.dispatch(method, input)
    if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`)
    return r.value as T
  }

  beforeAll(async () => {
    await admin(PG_URL, (c) => c.query(`CREATE DATABASE ${DB}`))
    mkdirSync(join(ws, '.claude'), { recursive: true })
    backend = await createBackend({ appDataDir: join(t.dir, 'app'), version: 'test', workspace: ws, rememberWorkspace: false })
    await call('target.configure', { kind: 'url', url: urlFor(DB) })
  }, 60_000)

  afterAll(async () => {
    await backend?.close()
    await admin(PG_URL, (c) => c.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`))
    t.cleanup()
  })

  it('sizes the pool from the free slots, between 2 and 10', () => {
    expect(poolSize(3)).toBe(2)
    expect(poolSize(20)).toBe(5)
    expect(poolSize(500)).toBe(10)
  })

  it('queues beyond its size and survives idle backends terminated by the server', async () => {
    const v = await verifyPool(urlFor(DB), { ...DEFAULT_POOL, max: 2, statementTimeoutMillis: 5000 })
    expect(v.checks.map((c) => [c.name, c.ok])).toEqual([
      ['session-settings', true],
      ['queueing', true],
      ['idle-failure', true],
    ])
    expect(v.checks[0]!.detail).toBe('statement_timeout 5s, application_name ferry')
    expect(v.peak.total).toBe(2)
    expect(v.peak.waiting).toBeGreaterThan(0)
    expect(v.idleFailure.terminated).toBe(2)
    expect(v.idleFailure.handled).toBe(2)
    expect(v.final.total).toBe(1) // the fresh client of the query after the failure
  })

  it('runs as a step, writes the verified configuration, and target.poolStats reports the live pool', async () => {
    await call('target.connect')
    expect((await call<PoolStats>('target.poolStats')).state).toBe('open')
    await call('step.run', { stepId: 'p3.pooling' })
    const final = (await backend.runner()!.wait()) as StepState
    expect(final.error).toBeNull()
    const e = final.evidence as unknown as { ok: boolean; config: PoolConfig; sizing: { free: number }; configFile: string }
    expect(e.ok).toBe(true)
    expect(e.config.applicationName).toBe('ferry')
    expect(e.config.max).toBe(poolSize(e.sizing.free))
    expect(existsSync(join(ws, e.configFile))).toBe(true)
    expect(JSON.parse(readFileSync(join(ws, e.configFile), 'utf8'))).toEqual(e.config)

    // The backend's pool for this target, now with the verified configuration.
    const s = await call<PoolStats>('target.poolStats')
    expect(s).toMatchObject({ state: 'open', idleErrors: 0, waiting: 0, config: e.config })
    expect(s.total).toBeGreaterThanOrEqual(1)
    expect(s.idle).toBe(s.total)
    expect(s.pingMs).toBeGreaterThanOrEqual(0)
    // Kill its idle client from outside: the backend keeps running, counts it, and reconnects.
    const killed = await admin(urlFor(DB), (c) =>
      c.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'ferry' AND pid <> pg_backend_pid()", [DB]),
    )
    expect(killed.rowCount).toBeGreaterThanOrEqual(1)
    let after = await call<PoolStats>('target.poolStats').catch(() => null)
    for (let i = 0; i < 50 && (!after || after.idleErrors === 0); i++) {
      await new Promise((r) => setTimeout(r, 50))
      after = await call<PoolStats>('target.poolStats').catch(() => null)
    }
    expect(after?.idleErrors).toBeGreaterThanOrEqual(1)
    expect(after?.lastError).toMatch(/terminat/i)
    expect(after?.total).toBeGreaterThanOrEqual(1)
  }, 60_000)
})
