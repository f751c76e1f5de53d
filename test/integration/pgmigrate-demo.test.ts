// The demo agent workspace: JSON columns become jsonb where every value is valid (agents.
// configuration among them, with the plan's GIN index); tasks.payload stays text because of its
// one truncated value (and the report names the row); timestamps become timestamptz; orphaned
// references keep their foreign keys NOT VALID. First on state.db in process, then the issue's
// "done when" as a user types it: p2.validate builds memory.db, `ferry migrate-sqlite
// WS/.claude/memory.db --target $URL --schema s1 --json`, then `ferry validate-sqlite … --json`.
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { canonicalJsonb } from '../../electron/core/pgmigrate/json-canon'
import type { MigrateResult } from '../../electron/core/pgmigrate/migrate'
import type { ValidateRunResult } from '../../electron/core/pgmigrate/validate-run'
import { describeMigration } from '../../electron/core/pgmigrate/summary'
import { STRAY_STATUS } from '../../electron/core/workspace/demo/roster'
import { createDemoWorkspace } from '../../electron/core/workspace/demo/index'
import { ferryCli } from '../support/ferry-cli'
import { tempDir } from '../support/paths'
import { dropSchema, migrate, PG_URL, qi, query, schemaName, sha256File } from './pgmigrate-support'

const tmp = tempDir('ferry-pgdemo-')
const ws = join(tmp.dir, 'ws')
const stateDb = join(ws, '.claude', 'state.db')
const schema = schemaName('demo')
let r: MigrateResult
let before: string

const col = (table: string, column: string) =>
  r.columns.find((c) => c.table === table && c.column === column)!

/** The demo's one malformed JSON value: the task whose payload a crashed writer cut off. */
interface Truncated {
  rowid: number
  task_id: number
  payload: string
}

function truncatedPayloads(file: string): Truncated[] {
  const db = new Database(file, { readonly: true })
  try {
    return db
      .prepare(
        'SELECT rowid AS rowid, task_id, payload FROM tasks WHERE payload IS NOT NULL AND NOT json_valid(payload)',
      )
      .all() as Truncated[]
  } finally {
    db.close()
  }
}

/** The column's type on the target, as PostgreSQL prints it. */
async function pgType(s: string, table: string, column: string): Promise<string | undefined> {
  const rows = await query<{ t: string }>(
    'SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = $2',
    [qi(s, table), column],
  )
  return rows[0]?.t
}

/** The table's indexes read from the catalog: access method and indexed columns, in order. */
async function indexesOf(
  s: string,
  table: string,
): Promise<{ name: string; am: string; cols: string[] }[]> {
  return query<{ name: string; am: string; cols: string[] }>(
    `SELECT c.relname AS name, am.amname AS am,
            array(SELECT a.attname::text FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
                  JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum ORDER BY k.n) AS cols
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
      WHERE i.indrelid = to_regclass($1) ORDER BY c.relname`,
    [qi(s, table)],
  )
}

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

  it('keeps tasks.payload as text because of the truncated payload, naming its row', async () => {
    const broken = truncatedPayloads(stateDb)
    expect(broken).toHaveLength(1)
    // Realistic dirt: an object cut off mid-way, not random bytes.
    expect(broken[0]!.payload).toMatch(/^\{"project":".*,$/)
    expect(() => JSON.parse(broken[0]!.payload) as unknown).toThrow()
    const c = col('tasks', 'payload')
    expect(c.type).toBe('text')
    expect(c.rejectedCandidates).toEqual([
      expect.objectContaining({
        type: 'jsonb',
        count: 1,
        sampleKeys: [String(broken[0]!.rowid)],
        sampleRows: [`rowid ${broken[0]!.rowid} (task_id ${broken[0]!.task_id})`],
      }),
    ])
    expect(await pgType(schema, 'tasks', 'payload')).toBe('text')
    // Kept, byte for byte: the safer type loses nothing.
    const loaded = await query<{ p: string }>(
      `SELECT payload AS p FROM ${qi(schema, 'tasks')} WHERE task_id = $1`,
      [broken[0]!.task_id],
    )
    expect(loaded).toEqual([{ p: broken[0]!.payload }])
  })

  it("makes agents.configuration jsonb with the plan's GIN index", async () => {
    const c = col('agents', 'configuration')
    expect(c.type).toBe('jsonb')
    expect(c.rejectedCandidates).toEqual([])
    expect(await pgType(schema, 'agents', 'configuration')).toBe('jsonb')
    expect(await indexesOf(schema, 'agents')).toContainEqual({
      name: 'idx_agents_configuration_gin',
      am: 'gin',
      cols: ['configuration'],
    })
    expect(r.notCarried.find((f) => f.name === 'idx_agents_configuration_gin')).toBeUndefined()
  })

  it('makes the all-valid JSON columns jsonb and ISO text timestamptz, with equal values', async () => {
    for (const [t, c] of [
      ['events', 'payload'],
      ['agents', 'configuration'],
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
    const notValid = r.constraints.filter(
      (c) => c.status === 'not-valid' && c.kind === 'foreign-key',
    )
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

describe('done when: ferry migrate-sqlite WS/.claude/memory.db --schema s1 --json, then validate-sqlite', () => {
  const t = tempDir('ferry-pgdemo-cli-')
  const cliWs = join(t.dir, 'ws')
  const cliStateDb = join(cliWs, '.claude', 'state.db')
  const memoryDb = join(cliWs, '.claude', 'memory.db')
  const ferry = ferryCli(join(t.dir, 'config'))
  // "s1" with a random suffix: tests sharing the server never collide.
  const s1 = schemaName('s1')
  let out: MigrateResult & { ok: boolean }

  beforeAll(async () => {
    await createDemoWorkspace(cliWs, { events: 3000 })
    // memory.db as Phase 2 builds it: state.db's tables copied, plus the files' tables.
    const built = ferry(['run', 'p2.validate', '-w', cliWs, '--json'])
    expect(built.code, built.stderr).toBe(0)
    const res = ferry(['migrate-sqlite', memoryDb, '--target', PG_URL, '--schema', s1, '--json'])
    expect(res.code, res.stderr).toBe(0)
    out = JSON.parse(res.stdout) as typeof out
  }, 180_000)
  afterAll(async () => {
    await dropSchema(s1)
    t.cleanup()
  })

  it('memory.db carries the demo dirt of state.db: valid configurations, the one truncated task payload', () => {
    const fromState = truncatedPayloads(cliStateDb)
    expect(fromState).toHaveLength(1)
    expect(truncatedPayloads(memoryDb)).toEqual(fromState)
    const db = new Database(memoryDb, { readonly: true })
    const invalid = db
      .prepare(
        'SELECT count(*) FROM agents WHERE configuration IS NULL OR NOT json_valid(configuration)',
      )
      .pluck()
      .get()
    db.close()
    expect(invalid).toBe(0)
  })

  it('pre-flight reported the out-of-list status and the orphaned references; validate-sqlite finds every table equal', () => {
    expect(out.ok).toBe(true)
    const pf = out.preflight!
    expect(pf.constraints.find((c) => c.name === 'valid_agent_status')).toMatchObject({
      violations: 1,
      values: [{ value: STRAY_STATUS, count: 1 }],
    })
    const orphans = pf.constraints.filter((c) => c.kind === 'foreign-key' && c.violations > 0)
    expect(orphans.length).toBeGreaterThan(0)

    const res = ferry(['validate-sqlite', memoryDb, '--target', PG_URL, '--schema', s1, '--json'])
    expect(res.code, res.stderr).toBe(0)
    const v = JSON.parse(res.stdout) as ValidateRunResult & { ok: boolean }
    expect(v.ok).toBe(true)
    expect(v.validation.equal).toBe(true)
    expect(v.validation.tables.map((x) => x.table).sort()).toEqual(
      out.tables.map((x) => x.table).sort(),
    )
    for (const x of v.validation.tables) {
      expect(x.targetRows, x.table).toBe(x.sourceRows)
      expect(x.targetChecksum, x.table).toBe(x.sourceChecksum)
    }
  }, 60_000)

  it('agents.configuration is jsonb with a GIN index; the CHECKs and the (status, last_activity) index exist', async () => {
    expect(
      out.columns.find((c) => c.table === 'agents' && c.column === 'configuration')?.type,
    ).toBe('jsonb')
    expect(await pgType(s1, 'agents', 'configuration')).toBe('jsonb')
    const idx = await indexesOf(s1, 'agents')
    expect(idx).toContainEqual({
      name: 'idx_agents_configuration_gin',
      am: 'gin',
      cols: ['configuration'],
    })
    expect(idx).toContainEqual({
      name: 'idx_agents_status_activity',
      am: 'btree',
      cols: ['status', 'last_activity'],
    })
    const checks = await query<{ n: string; v: boolean }>(
      "SELECT conname AS n, convalidated AS v FROM pg_constraint WHERE contype = 'c' AND conrelid = to_regclass($1) ORDER BY conname",
      [qi(s1, 'agents')],
    )
    // The stray status keeps its CHECK NOT VALID (the default choice): enforced for new rows.
    expect(checks).toEqual([
      { n: 'valid_agent_status', v: false },
      { n: 'valid_agent_type', v: true },
    ])
  })

  it('tasks.payload stays text; the report names the truncated payload with its count and row', async () => {
    const [broken] = truncatedPayloads(memoryDb)
    const c = out.columns.find((x) => x.table === 'tasks' && x.column === 'payload')!
    expect(c.type).toBe('text')
    const row = `rowid ${broken!.rowid} (task_id ${broken!.task_id})`
    expect(c.rejectedCandidates).toEqual([
      expect.objectContaining({
        type: 'jsonb',
        count: 1,
        sampleKeys: [String(broken!.rowid)],
        sampleRows: [row],
      }),
    ])
    expect(await pgType(s1, 'tasks', 'payload')).toBe('text')
    // What a person reads in the terminal names it too.
    expect(describeMigration(out)).toContain(
      `tasks.payload stays text, not jsonb: 1 value is not a valid JSON object or array, or one jsonb would change (a duplicate key, \\u0000) (${row})`,
    )
    expect(out.rejects.total).toBe(0)
  })
})
