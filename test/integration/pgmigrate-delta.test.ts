// Delta sync (issue 5): bulk load an agent-style SQLite file, let an "agent" keep writing, then
// `ferry migrate-sqlite --delta` copies exactly what changed (rows past the key high-water mark,
// rows whose last_activity / updated_at moved), the lag reports exactly that beforehand, the
// result validates equal, and a delta killed with -9 mid-run resumes without duplicates.
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ferryCli } from '../support/ferry-cli'
import { tempDir } from '../support/paths'
import { deltaSync, type DeltaResult } from '../../electron/core/pgmigrate/delta'
import { validateSqliteRun } from '../../electron/core/pgmigrate/validate-run'
import { openSqliteStore } from '../../electron/core/agent-store'
import { retryRejects } from '../../electron/core/pgmigrate/rejects'
import { readRun } from '../../electron/core/pgmigrate/run-state'
import { openSqliteReadOnly } from '../../electron/core/sqlite/open'
import pg from 'pg'
import { agentWrites as writes, makeAgentDb } from './delta-support'
import { PG_URL, dropSchema, migrate, qi, query, schemaName } from './pgmigrate-support'

const tmp = tempDir('ferry-delta-')
const file = join(tmp.dir, 'memory.db')
const schema = schemaName('delta')
const ferry = ferryCli(join(tmp.dir, 'config'))

interface Lag {
  table: string
  timeColumn: string | null
  status: string
  reason: string | null
  newRows: number
  changedRows: number | null
  lag: number
  deletedRows: number
}

const base = ['--target', PG_URL, '--schema', schema]
const json = (stdout: string): Record<string, unknown> => JSON.parse(stdout) as Record<string, unknown>

/** The CLI's lag (`--delta --dry-run --json`: the lag only). */
function cliLag(): Map<string, Lag> {
  const r = ferry(['migrate-sqlite', file, ...base, '--delta', '--dry-run', '--json'])
  expect(r.code, r.stderr).toBe(0)
  const out = json(r.stdout)
  expect(Object.keys(out).sort()).toEqual(['lag', 'ok', 'schema'])
  return new Map((out.lag as Lag[]).map((l) => [l.table, l]))
}

// In-process for the steps that need no process boundary (each CLI start costs seconds here).
const delta = (
  extra: { dryRun?: boolean; applyDeletes?: boolean; batchRows?: number; alwaysDelete?: string[] } = {},
): Promise<DeltaResult> =>
  deltaSync({
    file,
    url: PG_URL,
    schema,
    dryRun: false,
    applyDeletes: false,
    signal: new AbortController().signal,
    ...extra,
  })

async function lag(): Promise<Map<string, Lag>> {
  return new Map((await delta({ dryRun: true })).lag.map((l) => [l.table, l]))
}

async function validateEqual(): Promise<void> {
  const r = await validateSqliteRun({ file, url: PG_URL, schema, workers: 2, signal: new AbortController().signal })
  expect(r.validation.differentTables).toEqual([])
  expect(r.validation.equal).toBe(true)
}

async function targetEventsUnique(): Promise<void> {
  const [row] = await query<{ n: string; d: string }>(
    `SELECT count(*)::text AS n, count(DISTINCT id)::text AS d FROM ${qi(schema, 'events')}`,
  )
  const src = new Database(file, { readonly: true })
  const n = src.prepare('SELECT count(*) FROM events').pluck().get() as number
  src.close()
  expect(Number(row!.n)).toBe(n)
  expect(row!.d).toBe(row!.n)
}

beforeAll(async () => {
  makeAgentDb(file)
  const r = await migrate(file, schema, { workers: 1, batchRows: 400 })
  expect(r.validation!.equal).toBe(true)
}, 60_000)

afterAll(async () => {
  await dropSchema(schema)
  tmp.cleanup()
})

describe('delta sync', () => {
  it('reports exactly the rows an agent wrote as lag, copies exactly them, then nothing', async () => {
    const idle = cliLag()
    expect([...idle.values()].map((l) => l.lag)).toEqual([0, 0, 0, 0])
    expect(idle.get('agents')).toMatchObject({ timeColumn: 'last_activity', status: 'ok' })
    expect(idle.get('tasks')).toMatchObject({ timeColumn: 'updated_at', status: 'ok' })
    // No key: said, not guessed. A key but no time column: every copied row is compared.
    expect(idle.get('notes')!.status).toBe('full-recopy-needed')
    expect(idle.get('events')).toMatchObject({ status: 'compared', changedRows: null })
    expect(idle.get('events')!.reason).toMatch(/no updated_at .*1,500 copied row\(s\) against the target/)

    writes(file, 1)
    const before = await lag()
    expect(before.get('events')).toMatchObject({ newRows: 100, lag: 100 })
    expect(before.get('agents')).toMatchObject({ newRows: 0, changedRows: 5, lag: 5 })
    expect(before.get('tasks')).toMatchObject({ newRows: 0, changedRows: 3, lag: 3 })
    expect(before.get('notes')!.lag).toBe(0)

    const r = ferry(['migrate-sqlite', file, ...base, '--delta', '--batch-rows', '2', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const out = json(r.stdout) as { copied: number; run: number; tables: Record<string, unknown>[] }
    expect(out.copied).toBe(108)
    const by = new Map(out.tables.map((t) => [t.table, t]))
    expect(by.get('events')).toMatchObject({ newRows: 100, newBatches: 50, changedApplied: 0 })
    expect(by.get('agents')).toMatchObject({ newRows: 0, changedApplied: 5 })
    expect(by.get('tasks')).toMatchObject({ newRows: 0, changedApplied: 3 })
    // The ledger shows the delta's batches, committed with the rows.
    const batches = await query<{ table_name: string; n: string; applied: string }>(
      `SELECT table_name, count(*)::text AS n, sum(applied)::text AS applied FROM ${qi(schema, 'ferry_delta_ledger')} WHERE run = $1 GROUP BY 1 ORDER BY 1`,
      [out.run],
    )
    expect(batches.map((b) => [b.table_name, b.applied])).toEqual([
      ['agents', '5'],
      ['tasks', '3'],
    ])
    // events only got new rows: every bucket of its copied rows equal, none re-read (no batch).
    expect(by.get('events')).toMatchObject({ changedRows: 1500, compared: { differing: 0, staged: 0 } })
    const [agent] = await query<{ status: string }>(
      `SELECT status FROM ${qi(schema, 'agents')} WHERE id = 'agent-5'`,
    )
    expect(agent!.status).toBe('busy-1')
    await validateEqual()
    await targetEventsUnique()

    expect([...(await lag()).values()].map((l) => l.lag)).toEqual([0, 0, 0, 0])
    const again = ferry(['migrate-sqlite', file, ...base, '--delta'])
    expect(again.code, again.stderr).toBe(0)
    expect(again.stdout).toMatch(/Finished delta run 2 .*: 0 row\(s\) copied/)
    expect(again.stdout).toMatch(/notes .*full recopy needed: no primary key/)
  }, 60_000)

  it('resumes a delta killed with -9 mid-batch: equal to the source, no duplicates', async () => {
    writes(file, 2)
    for (const point of ['pgmigrate:delta-before-commit#2', 'pgmigrate:before-batch-commit#3']) {
      const killed = ferry(['migrate-sqlite', file, ...base, '--delta', '--batch-rows', '2', '--json'], {
        FERRY_FAULT_POINT: point,
        FERRY_FAULT_ACTION: 'kill',
      })
      expect(killed.code, point).not.toBe(0)
    }
    const r = ferry(['migrate-sqlite', file, ...base, '--delta', '--batch-rows', '2', '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(json(r.stdout).resumed).toBe(true)
    await validateEqual()
    await targetEventsUnique()
    expect([...(await lag()).values()].map((l) => l.lag)).toEqual([0, 0, 0, 0])
  }, 60_000)

  it('carries the updates of a table without a time column by comparing its rows with the target', async () => {
    const src = new Database(file)
    src.prepare("UPDATE events SET payload = '{\"edited\": true}' WHERE id = 7").run()
    src.prepare("UPDATE events SET kind = 'TOOL_CALL' WHERE id = 9").run() // case only
    src.close()
    const d = await delta({ batchRows: 500 })
    const ev = d.tables.find((t) => t.table === 'events')!
    expect(ev).toMatchObject({ status: 'compared', changedApplied: 2, changedRejected: [] })
    expect(ev.changedRows).toBeGreaterThanOrEqual(1500)
    // Found through key-hash bucket checksums: only the rows of the one or two differing buckets staged.
    expect(ev.compared!.differing).toBeGreaterThanOrEqual(1)
    expect(ev.compared!.differing).toBeLessThanOrEqual(2)
    expect(ev.compared!.staged).toBeLessThan(64)
    expect(
      await query(`SELECT id::int, payload::text, kind FROM ${qi(schema, 'events')} WHERE id IN (7, 9) ORDER BY id`),
    ).toEqual([
      { id: 7, payload: '{"edited": true}', kind: 'tool_call' },
      { id: 9, payload: '{"n": 8}', kind: 'TOOL_CALL' },
    ])
    await validateEqual()
    // Compared again: nothing differs, nothing is written.
    const again = await delta({ batchRows: 500 })
    expect(again.tables.find((t) => t.table === 'events')!.changedApplied).toBe(0)
  }, 60_000)

  it('reports rows deleted in SQLite and deletes them only with --delta-deletes', async () => {
    const db = new Database(file)
    db.prepare("DELETE FROM agents WHERE id IN ('agent-18', 'agent-19')").run()
    db.close()
    expect((await lag()).get('agents')!.deletedRows).toBe(2)
    const kept = await delta()
    const t = kept.tables.find((x) => x.table === 'agents')!
    expect(t.deleted).toMatchObject({ count: 2, keys: ['agent-18', 'agent-19'], applied: 0 })
    const [n] = await query<{ n: string }>(`SELECT count(*)::text AS n FROM ${qi(schema, 'agents')}`)
    expect(n!.n).toBe('20')
    const applied = await delta({ applyDeletes: true })
    expect(applied.tables.find((x) => x.table === 'agents')!.deleted.applied).toBe(2)
    const [d] = await query<{ n: string }>(
      `SELECT count(*)::text AS n FROM ${qi(schema, 'ferry_delta_ledger')} WHERE phase = 'delete' AND run = $1`,
      [applied.run],
    )
    expect(d!.n).toBe('1')
    await validateEqual()
    expect((await lag()).get('agents')!.deletedRows).toBe(0)
  }, 60_000)

  it('carries a row SQLite rewrote with INSERT OR REPLACE (same key, new rowid), and deletes first in a table whose deletes apply', async () => {
    const db = new Database(file)
    // An old time: not a "changed" row, but a new rowid past the high-water mark with a key the target has.
    // (The rowid is given: SQLite would reuse 19, freed by the deletes of the test above.)
    db.prepare('INSERT OR REPLACE INTO agents (rowid, id, name, status, last_activity) VALUES (?, ?, ?, ?, ?)').run(5000, 'agent-3', 'Agent three, replaced', 'idle', '2020-01-01T00:00:00.000Z')
    // A task deleted and its id taken again by a new one (what Phase 2 does to a changed file's rows).
    db.prepare('DELETE FROM tasks WHERE id = 7').run()
    db.prepare("INSERT INTO tasks (id, title, status, updated_at) VALUES (7000, 'task 7 again', 'open', '2020-01-01T00:00:00.000Z')").run()
    db.close()
    const d = await delta({ alwaysDelete: ['tasks'] })
    expect(d.tables.find((t) => t.table === 'agents')).toMatchObject({ newRows: 1, replaced: 1 })
    expect(d.tables.find((t) => t.table === 'tasks')!.deleted).toMatchObject({ count: 1, keys: ['7'], applied: 1 })
    expect(await query(`SELECT name FROM ${qi(schema, 'agents')} WHERE id = 'agent-3'`)).toEqual([{ name: 'Agent three, replaced' }])
    expect(await query(`SELECT count(*)::int AS n FROM ${qi(schema, 'ferry_rejects')}`)).toEqual([{ n: 0 }])
    await validateEqual()
  }, 60_000)

  it('names a changed row the target’s constraints refuse (DELTA_ROW_REFUSED), applies nothing of its batch, and resumes once fixed', async () => {
    await query(`ALTER TABLE ${qi(schema, 'tasks')} ADD CONSTRAINT no_bad CHECK (status <> 'bad') NOT VALID`)
    const db = new Database(file)
    db.prepare("UPDATE tasks SET status = 'bad', updated_at = '2026-12-01T12:00:00.000Z' WHERE id = 9").run()
    db.prepare("UPDATE tasks SET status = 'fine', updated_at = '2026-12-01T12:00:00.000Z' WHERE id = 10").run()
    db.close()
    try {
      await expect(delta()).rejects.toMatchObject({
        code: 'DELTA_ROW_REFUSED',
        message: expect.stringContaining('table "tasks"'),
        hint: expect.stringContaining('"no_bad"'),
      })
      // The batch was rolled back: the other changed row of it is not applied either.
      expect(await query(`SELECT status FROM ${qi(schema, 'tasks')} WHERE id = 10`)).not.toEqual([{ status: 'fine' }])
    } finally {
      await query(`ALTER TABLE ${qi(schema, 'tasks')} DROP CONSTRAINT no_bad`)
    }
    await delta()
    expect(await query(`SELECT status FROM ${qi(schema, 'tasks')} WHERE id IN (9, 10) ORDER BY id`)).toEqual([
      { status: 'bad' },
      { status: 'fine' },
    ])
    await validateEqual()
  }, 60_000)

  it('re-applies the reject rule recorded for a row when the delta carries its change', async () => {
    // A task title with a NUL byte: rejected by the delta's new-row copy, then retried with strip-nul.
    const db = new Database(file)
    db.prepare('INSERT INTO tasks (id, title, status, updated_at) VALUES (?, ?, ?, ?)').run(8000, 'nul\u0000here', 'open', '2026-12-01T12:30:00.000Z')
    db.close()
    await delta()
    const client = new pg.Client({ connectionString: PG_URL })
    await client.connect()
    try {
      const run = (await readRun(client, schema))!
      const src = openSqliteReadOnly(file)
      try {
        const retried = await retryRejects(src, client, schema, run.plan, 'tasks', ['8000'], [
          { column: 'title', transform: 'strip-nul' },
        ])
        expect(retried.loaded).toEqual(['8000'])
      } finally {
        src.close()
      }
    } finally {
      await client.end()
    }
    // The agent changes the row; the title still holds its NUL.
    const w = new Database(file)
    w.prepare('UPDATE tasks SET status = ?, title = ?, updated_at = ? WHERE id = 8000').run('done', 'still nul\u0000here', '2026-12-01T13:00:00.000Z')
    w.close()
    const d = await delta()
    expect(d.tables.find((t) => t.table === 'tasks')!.changedRejected).toEqual([])
    expect(await query(`SELECT title, status FROM ${qi(schema, 'tasks')} WHERE id = 8000`)).toEqual([
      { title: 'still nulhere', status: 'done' },
    ])
    await validateEqual()
  }, 60_000)

  it('goes on after p4.agent-code installs the agent store’s write ledger in the source; a real schema change is named', async () => {
    // What p4.agent-code does to memory.db: opening a store installs ferry_agent_writes.
    await (await openSqliteStore('ferry-install', { file })).close()
    writes(file, 5)
    const after = await delta()
    expect(after.copied).toBeGreaterThan(0)
    await validateEqual()
    // A table the user adds is a schema change the loaded schema does not follow: named, with the way out.
    const db = new Database(file)
    db.exec('CREATE TABLE journal_entries (id INTEGER PRIMARY KEY, body TEXT); ALTER TABLE agents ADD COLUMN mood TEXT')
    db.close()
    await expect(delta()).rejects.toMatchObject({
      code: 'DIFFERENT_SOURCE',
      message: expect.stringContaining('new table(s) journal_entries; columns changed in agents (+mood)'),
      hint: expect.stringContaining(`DROP SCHEMA "${schema}" CASCADE`),
    })
  }, 60_000)
})
