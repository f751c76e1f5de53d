// The live migration view and the reject queue through the backend's contract, on a real SQLite
// memory.db and a real PostgreSQL database of its own: p3.migrate runs in a worker, the backend
// keeps its per-table state (queried mid-run and after, and by a fresh backend from the saved
// view), the reconciliation panel reads the target, and rejected rows are retried with explicit,
// recorded rules — a retry without a rule changes nothing.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBackend, type Backend } from '../../electron/core/backend'
import { validateSqliteRun } from '../../electron/core/pgmigrate/validate-run'
import type { MigrationStatus, RejectList, RetryResult } from '../../shared/contract/migration'
import { tempDir } from '../support/paths'
import { PG_URL } from './pgmigrate-support'

const DB = `ferry_migview_${Math.random().toString(36).slice(2, 10)}`
const EVENTS = 40_000
const t = tempDir('ferry-migview-')
const ws = join(t.dir, 'ws')

function urlFor(db: string): string {
  const u = new URL(PG_URL)
  u.pathname = `/${db}`
  return u.toString()
}

async function sql<T extends pg.QueryResultRow>(
  query: string,
  params: unknown[] = [],
  db = DB,
): Promise<T[]> {
  const c = new pg.Client({ connectionString: urlFor(db) })
  await c.connect()
  try {
    return (await c.query<T>(query, params)).rows
  } finally {
    await c.end()
  }
}

/** A memory.db with the values PostgreSQL refuses: NUL bytes in text, invalid UTF-8, an orphan. */
function createMemoryDb(file: string): void {
  const db = new Database(file)
  db.pragma('foreign_keys = OFF')
  db.exec(`
    CREATE TABLE agents (id INTEGER PRIMARY KEY, name TEXT NOT NULL, status TEXT);
    CREATE TABLE events (id INTEGER PRIMARY KEY, agent_id INTEGER REFERENCES agents(id), kind TEXT, payload TEXT);
  `)
  const a = db.prepare('INSERT INTO agents (id, name, status) VALUES (?, ?, ?)')
  for (let i = 1; i <= 20; i++) a.run(i, `agent-${i}`, i === 20 ? 'zombie' : 'active')
  const e = db.prepare('INSERT INTO events (id, agent_id, kind, payload) VALUES (?, ?, ?, ?)')
  db.transaction(() => {
    for (let i = 1; i <= EVENTS; i++)
      e.run(i, (i % 20) + 1, 'tick', `event ${i} ${'x'.repeat(120)}`)
  })()
  db.prepare('UPDATE events SET payload = ? WHERE id IN (11, 22)').run('before\u0000after')
  db.prepare('UPDATE events SET kind = CAST(? AS TEXT) WHERE id = 33').run(
    Buffer.from([0x6f, 0x6b, 0xff, 0x21]),
  )
  db.prepare('UPDATE events SET agent_id = 999 WHERE id = 44').run()
  db.close()
}

describe('migration view and reject queue (backend contract, real SQLite + PostgreSQL)', () => {
  let backend: Backend
  const events: { event: string; payload: unknown }[] = []
  const call = async <T>(method: string, input: unknown = {}): Promise<T> => {
    const r = await backend.dispatch(method, input)
    if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`)
    return r.value as T
  }

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: PG_URL })
    await admin.connect()
    await admin.query(`CREATE DATABASE ${DB}`)
    await admin.end()
    mkdirSync(join(ws, '.claude'), { recursive: true })
    createMemoryDb(join(ws, '.claude', 'memory.db'))
    backend = await createBackend({
      appDataDir: join(t.dir, 'app'),
      version: 'test',
      workspace: ws,
      rememberWorkspace: false,
    })
    backend.onEvent((event, payload) => events.push({ event, payload }))
    await call('target.configure', { kind: 'url', url: urlFor(DB) })
  }, 60_000)

  afterAll(async () => {
    await backend?.close()
    const admin = new pg.Client({ connectionString: PG_URL })
    await admin.connect()
    await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`)
    await admin.end()
    t.cleanup()
  })

  it('keeps per-table progress in the backend while p3.migrate runs, and after', async () => {
    expect((await call<MigrationStatus>('migration.status')).state).toBe('idle')
    await call('step.run', { stepId: 'p3.migrate' })
    // Mid-run, as a reloaded page would ask: the state comes from the backend.
    let mid: MigrationStatus | null = null
    for (let i = 0; i < 600 && !mid; i++) {
      const s = await call<MigrationStatus>('migration.status')
      if (s.state === 'running' && s.tables.length > 0) mid = s
      else if (s.state !== 'running' && s.state !== 'idle') break
      else await new Promise((r) => setTimeout(r, 50))
    }
    const final = await backend.runner()!.wait()
    expect(final?.status, JSON.stringify(final?.error)).toBe('done')
    expect(mid?.tables.map((x) => x.table).sort()).toEqual(['agents', 'events'])

    const s = await call<MigrationStatus>('migration.status')
    expect(s.state).toBe('done')
    expect(s.origin).toBe('live')
    expect(s.schema).toBe('agent_memory')
    const ev = s.tables.find((x) => x.table === 'events')!
    expect(ev).toMatchObject({
      totalRows: EVENTS,
      doneRows: EVENTS,
      rejectedRows: 3,
      status: 'done',
    })
    expect(ev.bytes).toBeGreaterThan(EVENTS * 120)
    expect(s.totals).toMatchObject({
      totalRows: EVENTS + 20,
      doneRows: EVENTS + 20,
      rejectedRows: 3,
    })
    expect(s.samples.length).toBeGreaterThan(0)
    // A stall between two batch commits is a real 0; the load as a whole moved rows.
    expect(Math.max(...s.samples.map((p) => p.rowsPerSec))).toBeGreaterThan(0)
    // Events carried the same state; their samples add up to the status's chart.
    const progress = events
      .filter((e) => e.event === 'migration.progress')
      .map((e) => e.payload as MigrationStatus)
    expect(
      progress.some(
        (p) =>
          p.phase === 'load' && p.tables.some((x) => x.status === 'loading' || x.status === 'done'),
      ),
    ).toBe(true)
    expect(progress.flatMap((p) => p.samples).length).toBe(s.samples.length)
  }, 120_000)

  it('a fresh backend (after a restart) shows the same finished view from the saved state', async () => {
    const other = await createBackend({
      appDataDir: join(t.dir, 'app2'),
      version: 'test',
      workspace: ws,
      rememberWorkspace: false,
    })
    try {
      const r = await other.dispatch('migration.status', {})
      expect(r.ok).toBe(true)
      const s = (r as { value: MigrationStatus }).value
      expect(s.origin).toBe('report')
      expect(s.state).toBe('done')
      expect(s.tables.find((x) => x.table === 'events')?.doneRows).toBe(EVENTS)
    } finally {
      await other.close()
    }
  })

  it('reconciles sequences, the orphaned foreign key and a CHECK added NOT VALID', async () => {
    await sql(
      `ALTER TABLE agent_memory.agents ADD CONSTRAINT agents_status_check CHECK (status IN ('active', 'idle')) NOT VALID`,
    )
    const r = await call<{
      available: boolean
      sequences: {
        table: string
        setTo: string | null
        now: string | null
        before: string | null
        ok: boolean
      }[]
      foreignKeys: {
        table: string
        validated: boolean
        orphanRows: number
        orphanSample: string[]
      }[]
      checks: { name: string; violatingRows: number; sample: string[]; validated: boolean }[]
    }>('migration.reconciliation')
    expect(r.available).toBe(true)
    const seq = r.sequences.find((x) => x.table === 'events')!
    expect(seq).toMatchObject({
      setTo: String(EVENTS),
      now: String(EVENTS),
      before: null,
      ok: true,
    })
    const fk = r.foreignKeys.find((x) => x.table === 'events')!
    expect(fk.validated).toBe(false)
    expect(fk.orphanRows).toBe(1)
    expect(fk.orphanSample[0]).toContain('id=44')
    const chk = r.checks.find((x) => x.name === 'agents_status_check')!
    expect(chk).toMatchObject({ violatingRows: 1, validated: false })
    expect(chk.sample[0]).toContain('id=20')
  })

  it('lists the rejects with the reason and raw hex; a retry without a rule changes nothing', async () => {
    const list = await call<RejectList>('migration.rejects', { table: 'events' })
    expect(list.total).toBe(3)
    const byKey = new Map(list.entries.map((e) => [e.key, e]))
    expect(byKey.get('11')?.reason).toMatch(/NUL byte/)
    expect(byKey.get('11')?.rawHex).toContain('00')
    expect(byKey.get('33')?.reason).toMatch(/invalid UTF-8/)
    expect(byKey.get('33')?.rawHex).toBe('6f6bff21')
    const r = await call<RetryResult>('migration.retryRejects', {
      table: 'events',
      keys: ['11', '33'],
      rules: [],
    })
    expect(r.loaded).toEqual([])
    expect(r.stillRejected.map((x) => x.key)).toEqual(['11', '33'])
    expect((await sql('SELECT id FROM agent_memory.events WHERE id IN (11, 33)')).length).toBe(0)
    expect((await call<RejectList>('migration.rejects', {})).total).toBe(3)
  })

  it('retries with explicit rules: loads the fixed rows, records the rules, and a re-run validates equal', async () => {
    const nul = await call<RetryResult>('migration.retryRejects', {
      table: 'events',
      keys: ['11', '22'],
      rules: [{ column: 'payload', transform: 'strip-nul' }],
    })
    expect(nul.loaded).toEqual(['11', '22'])
    expect(nul.stillRejected).toEqual([])
    const utf = await call<RetryResult>('migration.retryRejects', {
      table: 'events',
      keys: ['33'],
      rules: [{ column: 'kind', transform: 'replace-invalid-utf8' }],
    })
    expect(utf.loaded).toEqual(['33'])
    const rows = await sql<{ id: string; kind: string; payload: string }>(
      'SELECT id::text, kind, payload FROM agent_memory.events WHERE id IN (11, 22, 33) ORDER BY id',
    )
    expect(rows.map((x) => x.payload.slice(0, 11))).toEqual([
      'beforeafter',
      'beforeafter',
      'event 33 xx',
    ])
    expect(rows[2]!.kind).toBe('ok\uFFFD!')
    const list = await call<RejectList>('migration.rejects', {})
    expect(list.total).toBe(0)
    expect(list.resolved).toBe(3)
    expect(list.rules.map((x) => [x.column, x.transform, x.keys])).toEqual([
      ['payload', 'strip-nul', ['11', '22']],
      ['kind', 'replace-invalid-utf8', ['33']],
    ])
    // validate-sqlite re-reads every SQLite row: it applies the recorded rules to the rows they fixed.
    const v = await validateSqliteRun({
      file: join(ws, '.claude', 'memory.db'),
      url: urlFor(DB),
      schema: 'agent_memory',
      workers: 2,
      signal: new AbortController().signal,
    })
    expect(v.validation.differentTables).toEqual([])
    expect(v.validation.tables.find((x) => x.table === 'events')).toMatchObject({
      method: 'sqlite',
      targetRows: EVENTS,
      expectedRows: EVENTS,
      unloadableRows: 0,
      equal: true,
    })
    // Running the step again resumes from the ledger and validates: the fixed rows count as loaded.
    await call('step.run', { stepId: 'p3.migrate' })
    const final = await backend.runner()!.wait()
    expect(final?.status, JSON.stringify(final?.error)).toBe('done')
    const ev = (
      final!.evidence as { tables: { table: string; equal: boolean; targetRows: number }[] }
    ).tables.find((x) => x.table === 'events')!
    expect(ev).toMatchObject({ equal: true, targetRows: EVENTS })
  }, 120_000)

  it('compares source and target rows by key and highlights a changed cell', async () => {
    await sql(`UPDATE agent_memory.events SET kind = 'tock' WHERE id = 7`)
    const r = await call<{
      rows: { key: string; state: string; differentColumns: string[] }[]
      nextAfter: string | null
      keyed: boolean
    }>('migration.compare', { table: 'events', limit: 10 })
    expect(r.keyed).toBe(true)
    expect(r.rows.map((x) => x.key)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'])
    expect(r.rows.find((x) => x.key === '7')).toMatchObject({
      state: 'different',
      differentColumns: ['kind'],
    })
    expect(r.rows.filter((x) => x.state === 'equal')).toHaveLength(9)
    expect(r.nextAfter).toBe('10')
    const byKeys = await call<{ rows: { key: string; state: string }[] }>('migration.compare', {
      table: 'events',
      keys: ['11', '44'],
    })
    expect(byKeys.rows.map((x) => [x.key, x.state])).toEqual([
      ['11', 'different'],
      ['44', 'equal'],
    ])
  })
})
