// The agent store retries transient errors only — checked with real errors from real databases:
// SQLITE_BUSY from a second connection holding the write lock, 57P01 from pg_terminate_backend,
// ECONNREFUSED from a closed port (retried); "no such table", division by zero, a foreign key
// violation (not retried). A table or column the store needs and the database lacks is named.
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import {
  emptyStats,
  isTransient,
  openPgStore,
  openSqliteStore,
  withRetry,
} from '../../electron/core/agent-store/index'
import { DEMO_SCHEMA_SQL } from '../../electron/core/workspace/demo/schema'
import { tempDir } from '../support/paths'
import { PG_URL } from './agent-store-support'

const t = tempDir('ferry-asretry-')
afterAll(() => t.cleanup())

function demoDb(name: string, sql = DEMO_SCHEMA_SQL): string {
  const file = join(t.dir, name)
  const db = new Database(file)
  db.exec(sql)
  db.prepare(`INSERT INTO "agents" ("agent_id", "agent_type") VALUES ('a1', 'pm')`).run()
  db.close()
  return file
}

describe('isTransient', () => {
  it('classifies the transient codes and nothing else', () => {
    for (const code of [
      '40001',
      '40P01',
      '57P01',
      '57P02',
      '57P03',
      '08000',
      '08003',
      '08006',
      'ECONNRESET',
      'ECONNREFUSED',
      'SQLITE_BUSY',
      'SQLITE_BUSY_SNAPSHOT',
      'SQLITE_LOCKED',
    ]) {
      expect(isTransient({ code }), code).toBe(true)
    }
    for (const code of [
      '23505',
      '23503',
      '22012',
      '42P01',
      '42703',
      'SQLITE_ERROR',
      'SQLITE_CONSTRAINT',
      'SQLITE_CONSTRAINT_UNIQUE',
      'ENOENT',
      'SQLITE_BUSYX',
    ]) {
      expect(isTransient({ code }), code).toBe(false)
    }
    expect(isTransient(new Error('Connection terminated unexpectedly'))).toBe(true)
    expect(isTransient(new Error('syntax error'))).toBe(false)
  })
})

describe('SQLite', () => {
  it('retries SQLITE_BUSY while another connection holds the write lock, then writes once', async () => {
    const file = demoDb('busy.db')
    const store = await openSqliteStore('a1', {
      file,
      busyTimeoutMs: 20,
      retry: { attempts: 40, baseMs: 5, capMs: 40 },
    })
    const holder = new Database(file)
    holder.pragma('busy_timeout = 1000')
    holder.exec('BEGIN IMMEDIATE')
    setTimeout(() => holder.exec('COMMIT'), 250)
    try {
      const { eventId } = await store.recordEvent({ type: 'busy.test' })
      const s = store.stats()
      expect(s.retries).toBeGreaterThan(0)
      expect(s.transientErrors).toBe(s.retries)
      expect(s.failures).toBe(0)
      expect((await store.readEvents({ type: 'busy.test' })).map((e) => e.eventId)).toEqual([
        eventId,
      ])
    } finally {
      holder.close()
      await store.close()
    }
  })

  it('does not retry "no such table", and names every table and column the store misses', async () => {
    const file = join(t.dir, 'other-shape.db')
    const db = new Database(file)
    db.exec(`CREATE TABLE agents (agent_id TEXT PRIMARY KEY, status TEXT);
             CREATE TABLE "Events" (event_id INTEGER PRIMARY KEY, AGENT_ID TEXT, event_type TEXT, level TEXT, message TEXT, payload TEXT, created_at TEXT)`)
    db.close()
    const store = await openSqliteStore('a1', { file, retry: { attempts: 5, baseMs: 1 } })
    try {
      const err = await store.createTask({ title: 'x' }).catch((e: unknown) => e)
      expect(err).toMatchObject({
        code: 'AGENT_STORE_SCHEMA',
        message: expect.stringContaining(
          'does not have the agent tables the agent store reads and writes',
        ),
        hint: expect.stringContaining('ferry migrations'),
      })
      const msg = (err as Error).message
      expect(msg).toContain('"agents" lacks agent_type, created_at, last_activity')
      expect(msg).toContain('no table "tasks"')
      expect(msg).toContain('(no such table: tasks)')
      // SQLite matches table and column names without regard to case, as the store's SQL does.
      expect(msg).not.toContain('events')
      expect(store.stats()).toMatchObject({ retries: 0, failures: 1, transientErrors: 0 })
    } finally {
      await store.close()
    }
    // What exists was not touched: only the store's own ledger table was added.
    const after = new Database(file, { readonly: true })
    expect(
      after
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .pluck()
        .all(),
    ).toEqual(['Events', 'agents', 'ferry_agent_writes'])
    after.close()
  })
})

describe('PostgreSQL', () => {
  it('retries 57P01 from pg_terminate_backend on the same connection', async () => {
    const c = new pg.Client({ connectionString: PG_URL })
    c.on('error', () => undefined)
    await c.connect()
    const fresh = new pg.Client({ connectionString: PG_URL })
    await fresh.connect()
    const stats = emptyStats()
    let attempt = 0
    try {
      const r = await withRetry(
        async () => {
          // First attempt: the server ends this session under the query (a real 57P01).
          if (attempt++ === 0)
            return (await c.query(`SELECT pg_terminate_backend(pg_backend_pid())`)).rows
          return (await fresh.query('SELECT 1 AS one')).rows
        },
        stats,
        { attempts: 3, baseMs: 1 },
      )
      expect(r).toEqual([{ one: 1 }])
      expect(stats).toMatchObject({ retries: 1, transientErrors: 1, failures: 0 })
    } finally {
      await fresh.end()
      await c.end().catch(() => undefined)
    }
  })

  it('retries ECONNREFUSED (up to its attempts) and reports it', async () => {
    const errors: string[] = []
    await expect(
      openPgStore('a1', {
        url: 'postgres://postgres@127.0.0.1:1/postgres',
        retry: {
          attempts: 3,
          baseMs: 1,
          onRetry: (e) => void errors.push(String((e as { code?: string }).code)),
        },
      }),
    ).rejects.toMatchObject({ code: 'ECONNREFUSED' })
    expect(errors).toEqual(['ECONNREFUSED', 'ECONNREFUSED'])
  })

  it('does not retry division by zero or a foreign key violation', async () => {
    const c = new pg.Client({ connectionString: PG_URL })
    await c.connect()
    const schema = `ferry_asretry_${Math.random().toString(36).slice(2, 8)}`
    try {
      const stats = emptyStats()
      await expect(
        withRetry(() => c.query('SELECT 1 / 0'), stats, { attempts: 5, baseMs: 1 }),
      ).rejects.toMatchObject({ code: '22012' })
      expect(stats).toMatchObject({ retries: 0, failures: 1 })

      await c.query(`CREATE SCHEMA "${schema}"`)
      await c.query(`SET search_path TO "${schema}"`)
      await c.query(DEMO_SCHEMA_SQL)
      // As p3.migrate makes it: the key is an identity column.
      await c.query(
        `ALTER TABLE "events" ALTER COLUMN "event_id" ADD GENERATED BY DEFAULT AS IDENTITY`,
      )
      await c.query(`INSERT INTO "agents" ("agent_id", "agent_type") VALUES ('a1', 'pm')`)
      const store = await openPgStore('ghost', {
        url: PG_URL,
        schema,
        retry: { attempts: 5, baseMs: 1 },
      })
      try {
        await expect(store.recordEvent({ type: 'x' })).rejects.toMatchObject({ code: '23503' })
        expect(store.stats()).toMatchObject({ retries: 0, failures: 1 })
        // The failed write left nothing behind, its ledger row included.
        const n = await c.query(`SELECT count(*)::int AS n FROM "${schema}"."ferry_agent_writes"`)
        expect(n.rows[0].n).toBe(0)
      } finally {
        await store.close()
      }
    } finally {
      await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      await c.end()
    }
  })
  it('names every missing table and column of a schema of another shape (42P01), not retried', async () => {
    const c = new pg.Client({ connectionString: PG_URL })
    await c.connect()
    const schema = `ferry_asshape_${Math.random().toString(36).slice(2, 8)}`
    try {
      await c.query(`CREATE SCHEMA "${schema}"`)
      await c.query(
        `CREATE TABLE "${schema}"."agents" ("agent_id" text PRIMARY KEY, "status" text)`,
      )
      const store = await openPgStore('a1', {
        url: PG_URL,
        schema,
        retry: { attempts: 5, baseMs: 1 },
      })
      try {
        const err = await store.createTask({ title: 'x' }).catch((e: unknown) => e)
        expect(err).toMatchObject({ code: 'AGENT_STORE_SCHEMA' })
        const msg = (err as Error).message
        expect(msg).toContain(`Schema "${schema}" does not have the agent tables`)
        expect(msg).toContain('"agents" lacks agent_type, created_at, last_activity')
        expect(msg).toContain('no table "tasks"')
        expect(msg).toContain(`(relation "${schema}.tasks" does not exist)`)
        expect(store.stats()).toMatchObject({ retries: 0, failures: 1 })
      } finally {
        await store.close()
      }
    } finally {
      await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      await c.end()
    }
  })
})
