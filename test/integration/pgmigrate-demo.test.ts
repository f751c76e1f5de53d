// The demo agent workspace's state.db: JSON columns become jsonb where every value is valid,
// agents.configuration stays text because of its one malformed value (and the report names the
// row), timestamps become timestamptz, orphaned references keep their foreign keys NOT VALID.
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { canonicalJsonb } from '../../electron/core/pgmigrate/json-canon'
import type { MigrateResult } from '../../electron/core/pgmigrate/migrate'
import { createDemoWorkspace } from '../../electron/core/workspace/demo/index'
import { tempDir } from '../support/paths'
import { dropSchema, migrate, qi, query, schemaName, sha256File } from './pgmigrate-support'

const tmp = tempDir('ferry-pgdemo-')
const ws = join(tmp.dir, 'ws')
const stateDb = join(ws, '.claude', 'state.db')
const schema = schemaName('demo')
let r: MigrateResult
let before: string

const col = (table: string, column: string) =>
  r.columns.find((c) => c.table === table && c.column === column)!

describe('migrate-sqlite on the demo workspace state.db', () => {
  beforeAll(async () => {
    await createDemoWorkspace(ws, { events: 3000 })
    before = sha256File(stateDb)
    r = await migrate(stateDb, schema, { batchRows: 1000 })
  })
  afterAll(async () => {
    await dropSchema(schema)
    tmp.cleanup()
  })

  it('keeps agents.configuration as text because of the malformed value, naming its row', () => {
    const db = new Database(stateDb, { readonly: true })
    const broken = db
      .prepare('SELECT rowid AS rowid, agent_id FROM agents WHERE NOT json_valid(configuration)')
      .all() as { rowid: number; agent_id: string }[]
    db.close()
    expect(broken).toHaveLength(1)
    const c = col('agents', 'configuration')
    expect(c.type).toBe('text')
    expect(c.rejectedCandidates).toEqual([
      expect.objectContaining({
        type: 'jsonb',
        count: 1,
        sampleKeys: [String(broken[0]!.rowid)],
        sampleRows: [`rowid ${broken[0]!.rowid} (agent_id '${broken[0]!.agent_id}')`],
      }),
    ])
    const gin = r.notCarried.find((f) => f.name === 'idx_agents_configuration_gin')
    expect(gin?.detail).toContain(broken[0]!.agent_id)
  })

  it('makes the all-valid JSON columns jsonb and ISO text timestamptz, with equal values', async () => {
    for (const [t, c] of [
      ['events', 'payload'],
      ['tasks', 'payload'],
      ['context_sessions', 'metadata'],
      ['memory_snapshots', 'content'],
    ] as const) {
      expect(col(t, c).type, `${t}.${c}`).toBe('jsonb')
    }
    expect(col('events', 'created_at').type).toBe('timestamptz')
    const types = await query<{ t: string }>(
      "SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = 'payload'",
      [qi(schema, 'events')],
    )
    expect(types[0]!.t).toBe('jsonb')
    const db = new Database(stateDb, { readonly: true })
    const sample = db
      .prepare(
        'SELECT event_id, payload, created_at FROM events WHERE payload IS NOT NULL ORDER BY event_id LIMIT 50',
      )
      .all() as { event_id: number; payload: string; created_at: string }[]
    db.close()
    const rows = await query<{ id: number; p: string; c: string }>(
      `SELECT event_id::int AS id, payload::text AS p, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS c FROM ${qi(schema, 'events')} WHERE event_id = ANY($1::bigint[]) ORDER BY event_id`,
      [sample.map((s) => s.event_id)],
    )
    rows.forEach((row, i) => {
      const want = canonicalJsonb(sample[i]!.payload)
      expect(want.ok && want.text).toBe(row.p)
      expect(row.c).toBe(sample[i]!.created_at)
    })
  })

  it("creates the plan's (status, last_activity) index and keeps foreign keys with orphans NOT VALID", async () => {
    const idx = await query<{ def: string }>(
      'SELECT indexdef AS def FROM pg_indexes WHERE schemaname = $1 AND indexname = $2',
      [schema, 'idx_agents_status_activity'],
    )
    expect(idx[0]?.def).toContain('(status, last_activity)')
    const notValid = r.constraints.filter((c) => c.status === 'not-valid' && c.kind === 'foreign-key')
    expect(notValid.length).toBeGreaterThan(0)
    for (const c of notValid) expect(c.detail).toMatch(/^\d+ row\(s\) reference a missing/)
    const fks = await query<{ n: string; v: boolean }>(
      "SELECT conname AS n, convalidated AS v FROM pg_constraint WHERE contype = 'f' AND connamespace = $1::regnamespace",
      [schema],
    )
    expect(
      fks
        .filter((f) => !f.v)
        .map((f) => f.n)
        .sort(),
    ).toEqual(notValid.map((c) => c.name).sort())
    expect(r.constraints.filter((c) => c.status === 'failed')).toEqual([])
  })

  it('loads every row and validates every table equal, leaving state.db untouched', () => {
    expect(r.rejects.total).toBe(0)
    expect(r.validation?.equal).toBe(true)
    const db = new Database(stateDb, { readonly: true })
    for (const t of r.tables)
      expect(t.loadedRows, t.table).toBe(
        Number(db.prepare(`SELECT count(*) FROM "${t.table}"`).pluck().get()),
      )
    db.close()
    expect(sha256File(stateDb)).toBe(before)
  })
})
