// Delta sync through the backend's contract (real SQLite memory.db, a PostgreSQL database of its
// own): after p3.migrate's load, `migration.lag` reports what an agent wrote since, per table,
// and running p3.migrate again copies only that (a delta, not a resume of the bulk load), then
// validates every row equal; the lag is zero after.
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBackend, type Backend } from '../../electron/core/backend'
import type { MigrationLag } from '../../shared/contract/migration'
import { tempDir } from '../support/paths'
import { agentWrites, makeAgentDb } from './delta-support'
import { PG_URL } from './pgmigrate-support'

const DB = `ferry_delta_${Math.random().toString(36).slice(2, 10)}`
const t = tempDir('ferry-delta-step-')
const ws = join(t.dir, 'ws')
const memoryDb = join(ws, '.claude', 'memory.db')

function urlFor(db: string): string {
  const u = new URL(PG_URL)
  u.pathname = `/${db}`
  return u.toString()
}

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_URL })
  await c.connect()
  try {
    await c.query(sql)
  } finally {
    await c.end()
  }
}

describe('delta sync in the app: migration.lag and p3.migrate run again', () => {
  let backend: Backend
  const call = async <T>(method: string, input: unknown = {}): Promise<T> => {
    const r = await backend.dispatch(method, input)
    if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`)
    return r.value as T
  }
  const runMigrate = async (): Promise<Record<string, unknown>> => {
    await call('step.run', { stepId: 'p3.migrate' })
    const final = await backend.runner()!.wait()
    expect(final?.status, JSON.stringify(final?.error)).toBe('done')
    return final!.evidence as Record<string, unknown>
  }
  const lagOf = async (): Promise<Map<string, MigrationLag['tables'][number]>> => {
    const lag = await call<MigrationLag>('migration.lag')
    expect(lag.available).toBe(true)
    return new Map(lag.tables.map((x) => [x.table, x]))
  }

  beforeAll(async () => {
    await admin(`CREATE DATABASE ${DB}`)
    mkdirSync(join(ws, '.claude'), { recursive: true })
    makeAgentDb(memoryDb)
    backend = await createBackend({
      appDataDir: join(t.dir, 'app'),
      version: 'test',
      workspace: ws,
      rememberWorkspace: false,
    })
    await call('target.configure', { kind: 'url', url: urlFor(DB) })
  }, 60_000)

  afterAll(async () => {
    await backend?.close()
    await admin(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`)
    t.cleanup()
  })

  it('shows no lag before a load, then the rows an agent wrote; a re-run copies only those', async () => {
    const before = await call<MigrationLag>('migration.lag')
    expect(before.available).toBe(false)
    expect(before.note).toMatch(/holds no Ferry migration/)

    const bulk = await runMigrate()
    expect(bulk.mode).toBeUndefined()
    expect([...(await lagOf()).values()].map((x) => x.lag)).toEqual([0, 0, 0, 0])

    agentWrites(memoryDb, 1)
    const lag = await lagOf()
    expect(lag.get('events')).toMatchObject({ newRows: 100, lag: 100, status: 'compared' })
    expect(lag.get('agents')).toMatchObject({ changedRows: 5, lag: 5, timeColumn: 'last_activity' })
    expect(lag.get('tasks')).toMatchObject({ changedRows: 3, lag: 3, timeColumn: 'updated_at' })

    const e = await runMigrate()
    expect(e).toMatchObject({ mode: 'delta', copied: 108, resumed: true, validation: { equal: true } })
    for (const tb of e.tables as { table: string; equal: boolean }[]) expect(tb.equal, tb.table).toBe(true)
    expect([...(await lagOf()).values()].map((x) => x.lag)).toEqual([0, 0, 0, 0])
  }, 60_000)

  it('keeps the target while a step works on it: another target is refused with BUSY, the same one is fine', async () => {
    agentWrites(memoryDb, 2)
    const mark = join(t.dir, 'fault-mark')
    Object.assign(process.env, {
      FERRY_FAULT_POINT: 'pgmigrate:delta-before-commit',
      FERRY_FAULT_ACTION: 'hang',
      FERRY_FAULT_MARK: mark,
    })
    try {
      await call('step.run', { stepId: 'p3.migrate' })
      for (let i = 0; i < 600 && !existsSync(mark); i++) await new Promise((r) => setTimeout(r, 50))
      expect(existsSync(mark)).toBe(true) // the step is inside its delta transaction
      const other = await backend.dispatch('target.configure', { kind: 'embedded' })
      expect(other.ok).toBe(false)
      if (!other.ok) {
        expect(other.error.code).toBe('BUSY')
        expect(other.error.message).toContain('p3.migrate')
      }
      expect((await backend.dispatch('target.configure', { kind: 'url', url: urlFor(DB) })).ok).toBe(true)
      expect((await call<{ display: string }>('target.status')).display).toContain(DB)
    } finally {
      delete process.env.FERRY_FAULT_POINT
      delete process.env.FERRY_FAULT_ACTION
      delete process.env.FERRY_FAULT_MARK
      await call('step.cancel', { stepId: 'p3.migrate' })
      await backend.runner()!.wait()
    }
    // Once it has ended, the target may change; the interrupted delta is finished by a re-run.
    const e = await runMigrate()
    expect(e).toMatchObject({ mode: 'delta', validation: { equal: true } })
  }, 60_000)
})
