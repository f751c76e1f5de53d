// p3.schema's engine on the demo workspace's agent store: the plan's CHECK lists, GIN and
// (status, last_activity) index; the pre-flight reporting the demo's out-of-list status and its
// orphaned references before any row moves; the three violation choices; per-column type
// choices; and the schema applied as versioned migration 0001 through the migrations framework.
import Database from 'better-sqlite3'
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FerryError } from '../../shared/contract/envelope'
import type { MigrateResult } from '../../electron/core/pgmigrate/migrate'
import { SchemaOptionsSchema } from '../../electron/core/pgmigrate/schema-options'
import { schemaStep } from '../../electron/core/pgmigrate/schema-step'
import { STRAY_STATUS } from '../../electron/core/workspace/demo/roster'
import { createDemoWorkspace } from '../../electron/core/workspace/demo/index'
import { workspacePaths } from '../../electron/core/workspace/resolve'
import { ferryCli } from '../support/ferry-cli'
import { tempDir } from '../support/paths'
import { dropSchema, migrate, PG_URL, qi, query, schemaName } from './pgmigrate-support'

const tmp = tempDir('ferry-pgschema-')
const ws = join(tmp.dir, 'ws')
const stateDb = join(ws, '.claude', 'state.db')
const dirtyDb = join(tmp.dir, 'dirty-configuration.db')
const schemas: string[] = []
const fresh = (p: string): string => {
  const s = schemaName(p)
  schemas.push(s)
  return s
}
let zombie: { rowid: number; agent_id: string }
let broken: { rowid: number; task_id: number }
let r: MigrateResult
let schema: string

/** The keys these tests read from p3.schema's evidence. */
interface SchemaEvidence {
  migration: { version: number; action: string; file: string; checksum: string }
  ddl: { migration: string; postLoad: string }
  tables: { table: string; sqlite: string }[]
  violations: { name: string }[]
  planEnhancements: boolean
  enhancements: { configurationType: string; indexes: { name: string; method: string; columns: string[] }[] }
  types: { blocked: { table: string; column: string; rejectedCandidates: { sampleRows: string[] }[] }[] }
}

const constraintsOf = (s: string) =>
  query<{ n: string; v: boolean; t: string }>(
    'SELECT conname AS n, convalidated AS v, contype::text AS t FROM pg_constraint WHERE connamespace = $1::regnamespace',
    [s],
  )

describe('p3.schema: the enhanced schema, the pre-flight and the choices', () => {
  beforeAll(async () => {
    await createDemoWorkspace(ws, { events: 1500 })
    const db = new Database(stateDb, { readonly: true })
    zombie = db.prepare('SELECT rowid AS rowid, agent_id FROM agents WHERE status = ?').get(STRAY_STATUS) as typeof zombie
    // The demo's one malformed JSON value: a task payload cut off mid-object.
    broken = db.prepare('SELECT rowid AS rowid, task_id FROM tasks WHERE NOT json_valid(payload)').get() as typeof broken
    db.close()
    // The demo's configurations are all JSON; a copy where one is cut off shows the other path.
    copyFileSync(stateDb, dirtyDb)
    const dirty = new Database(dirtyDb)
    dirty.prepare("UPDATE agents SET configuration = substr(configuration, 1, 30) WHERE agent_id = (SELECT max(agent_id) FROM agents)").run()
    dirty.close()
    schema = fresh('p3s')
    r = await migrate(stateDb, schema, { batchRows: 500 })
  }, 60_000)
  afterAll(async () => {
    for (const s of schemas) await dropSchema(s)
    tmp.cleanup()
  })

  it("reports the demo's out-of-list agents.status and its orphaned references before loading", () => {
    const pf = r.preflight!
    const status = pf.constraints.find((c) => c.name === 'valid_agent_status')!
    expect(status).toMatchObject({
      table: 'agents',
      kind: 'check',
      violations: 1,
      sampleKeys: [String(zombie.rowid)],
      values: [{ value: STRAY_STATUS, count: 1 }],
      choice: 'not-valid',
      action: 'not-valid',
    })
    expect(status.sampleRows[0]).toContain(zombie.agent_id)
    expect(status.definition).toBe("CHECK (\"status\" IN ('active', 'idle', 'crashed', 'sleeping'))")
    expect(pf.constraints.find((c) => c.name === 'valid_agent_type')).toMatchObject({ violations: 0, action: 'create' })
    const orphans = pf.constraints.filter((c) => c.kind === 'foreign-key' && c.violations > 0)
    expect(orphans.length).toBeGreaterThan(0)
    for (const o of orphans) {
      expect(o.sampleKeys.length).toBeGreaterThan(0)
      expect(o.values.length).toBeGreaterThan(0)
    }
    // The pre-flight's counts are what PostgreSQL finds after the load.
    for (const o of orphans) {
      const c = r.constraints.find((x) => x.name === o.name)!
      expect(c.status).toBe('not-valid')
      expect(c.detail).toMatch(new RegExp(`^${o.violations} row\\(s\\)`))
    }
  })

  it('adds the CHECK lists (the violated one NOT VALID), the (status, last_activity) index, and loads every row', async () => {
    const cons = await constraintsOf(schema)
    expect(cons.find((c) => c.n === 'valid_agent_status')).toMatchObject({ v: false, t: 'c' })
    expect(cons.find((c) => c.n === 'valid_agent_type')).toMatchObject({ v: true, t: 'c' })
    // NOT VALID still guards new rows.
    await expect(
      query(`UPDATE ${qi(schema, 'agents')} SET status = 'lost' WHERE agent_id <> $1`, [zombie.agent_id]),
    ).rejects.toThrow(/valid_agent_status/)
    const idx = await query<{ def: string }>('SELECT indexdef AS def FROM pg_indexes WHERE schemaname = $1 AND indexname = $2', [
      schema,
      'idx_agents_status_activity',
    ])
    expect(idx[0]?.def).toContain('(status, last_activity)')
    expect(r.validation?.equal).toBe(true)
    expect(r.rejects.total).toBe(0)
  })

  it('keeps the truncated tasks.payload as text, naming the blocking row; agents.configuration gets jsonb + GIN', async () => {
    const p = r.columns.find((x) => x.table === 'tasks' && x.column === 'payload')!
    expect(p.type).toBe('text')
    expect(p.rejectedCandidates[0]).toMatchObject({ type: 'jsonb', count: 1, sampleKeys: [String(broken.rowid)] })
    expect(r.columns.find((x) => x.table === 'agents' && x.column === 'configuration')?.type).toBe('jsonb')
    const gin = await query<{ def: string }>('SELECT indexdef AS def FROM pg_indexes WHERE schemaname = $1 AND indexname = $2', [
      schema,
      'idx_agents_configuration_gin',
    ])
    expect(gin[0]?.def).toMatch(/USING gin \(configuration\)/)
    expect(r.notCarried.find((f) => f.name === 'idx_agents_configuration_gin')).toBeUndefined()
  })

  it('a malformed agents.configuration keeps text, and the GIN index is reported not carried with the blocking row', async () => {
    const db = new Database(dirtyDb, { readonly: true })
    const bad = db.prepare('SELECT rowid AS rowid, agent_id FROM agents WHERE NOT json_valid(configuration)').all() as {
      rowid: number
      agent_id: string
    }[]
    db.close()
    expect(bad).toHaveLength(1)
    const s = fresh('p3dirty')
    const dirty = await migrate(dirtyDb, s, { batchRows: 500, validate: false })
    const c = dirty.columns.find((x) => x.table === 'agents' && x.column === 'configuration')!
    expect(c.type).toBe('text')
    expect(c.rejectedCandidates[0]).toMatchObject({ type: 'jsonb', count: 1, sampleKeys: [String(bad[0]!.rowid)] })
    expect(dirty.notCarried.find((f) => f.name === 'idx_agents_configuration_gin')?.detail).toContain(bad[0]!.agent_id)
    const gin = await query('SELECT 1 FROM pg_indexes WHERE schemaname = $1 AND indexname = $2', [s, 'idx_agents_configuration_gin'])
    expect(gin).toEqual([])
  })

  it('stop: refuses before writing anything and names the violations', async () => {
    const s = fresh('p3stop')
    const err = (await migrate(stateDb, s, { onViolation: 'stop' }).catch((e: unknown) => e)) as FerryError
    expect(err.code).toBe('PREFLIGHT_VIOLATIONS')
    expect(err.message).toContain('valid_agent_status')
    expect(err.message).toContain(STRAY_STATUS)
    expect(err.hint).toContain('not-valid')
    const exists = await query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [s])
    expect(exists).toEqual([])
  })

  it('skip-constraint for one constraint: loaded without it, the rest as the default decides', async () => {
    const s = fresh('p3skip')
    const res = await migrate(stateDb, s, {
      validate: false,
      choices: { valid_agent_status: 'skip-constraint' },
    })
    const cons = await constraintsOf(s)
    expect(cons.find((c) => c.n === 'valid_agent_status')).toBeUndefined()
    expect(cons.find((c) => c.n === 'valid_agent_type')?.v).toBe(true)
    expect(res.constraints.find((c) => c.name === 'valid_agent_status')?.status).toBe('skipped')
    expect(cons.filter((c) => c.t === 'f' && !c.v).length).toBeGreaterThan(0)
    const n = await query<{ n: number }>(`SELECT count(*)::int AS n FROM ${qi(s, 'agents')} WHERE status = $1`, [STRAY_STATUS])
    expect(n[0]!.n).toBe(1)
  })

  it('a type choice is applied, its blocking values forecast; unknown columns and types are refused clearly', async () => {
    const s = fresh('p3type')
    const res = await migrate(stateDb, s, { validate: false, types: { 'tasks.payload': 'jsonb', 'tasks.priority': 'numeric(4,0)' } })
    const payload = res.columns.find((x) => x.table === 'tasks' && x.column === 'payload')!
    expect(payload.type).toBe('jsonb')
    expect(payload.forecastRejects).toBe(1)
    expect(payload.notes.join(' ')).toContain(`rowid ${broken.rowid} (task_id ${broken.task_id})`)
    expect(res.columns.find((x) => x.table === 'tasks' && x.column === 'priority')?.type).toBe('numeric(4,0)')
    expect(res.rejects.total).toBe(1)
    expect(res.rejects.rows[0]).toMatchObject({ table: 'tasks', column: 'payload' })

    const bad = (await migrate(stateDb, fresh('p3bad'), { types: { 'agents.nope': 'jsonb' } }).catch((e: unknown) => e)) as FerryError
    expect(bad.code).toBe('BAD_TYPE_OVERRIDE')
    expect(bad.message).toContain('no column "nope"')
    expect(bad.hint).toContain('configuration')
    const badType = (await migrate(stateDb, fresh('p3bad'), { types: { 'agents.status': 'varchar' } }).catch((e: unknown) => e)) as FerryError
    expect(badType.code).toBe('BAD_TYPE_OVERRIDE')
    expect(badType.message).toContain('varchar')
  })

  it('applies the schema as versioned migration 0001 (p3.schema), then p3.migrate loads into it', async () => {
    const paths = workspacePaths(ws)
    mkdirSync(paths.ferryDir, { recursive: true })
    copyFileSync(stateDb, join(ws, '.claude', 'memory.db'))
    // Phase 1 keeps its SQLite migrations ledger in state.db, and Phase 2 copies it into memory.db:
    // its name is the target schema's own ledger's, so it must be loaded under another.
    const mem = new Database(join(ws, '.claude', 'memory.db'))
    mem.exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL);
      INSERT INTO schema_migrations VALUES (1, 'fk_indexes', 'abc123', '2026-11-30T07:00:00Z');`)
    mem.close()
    const s = fresh('p3step')
    const logs: string[] = []
    const ctx = { progress: () => undefined, log: (_l: string, m: string) => void logs.push(m), signal: new AbortController().signal }
    const e = (await schemaStep(paths, PG_URL, s, SchemaOptionsSchema.parse({}), ctx)) as unknown as SchemaEvidence
    expect(e.migration).toMatchObject({ version: 1, action: 'applied' })
    expect(existsSync(join(ws, e.migration.file))).toBe(true)
    expect(readFileSync(join(ws, e.migration.file), 'utf8')).toBe(e.ddl.migration)
    expect(e.ddl.migration).toContain(`CREATE TABLE "${s}"."agents"`)
    expect(e.ddl.postLoad).toContain('"valid_agent_status" CHECK ("status" IN')
    expect(e.ddl.postLoad).toContain('USING btree ("status", "last_activity")')
    expect(e.tables.find((t) => t.table === 'agents')!.sqlite).toContain('CREATE TABLE agents')
    expect(e.violations.map((v) => v.name)).toContain('valid_agent_status')
    expect(e.planEnhancements).toBe(true)
    expect(e.enhancements.configurationType).toBe('jsonb')
    expect(e.enhancements.indexes).toContainEqual({ name: 'idx_agents_configuration_gin', method: 'gin', columns: ['configuration'] })
    expect(e.types.blocked.find((c) => c.table === 'tasks' && c.column === 'payload')!.rejectedCandidates[0]!.sampleRows[0]).toBe(
      `rowid ${broken.rowid} (task_id ${broken.task_id})`,
    )
    expect(logs.join('\n')).toContain('Pre-flight')
    const ledger = await query<{ version: string; checksum: string; success: boolean }>(
      `SELECT version::text, checksum, success FROM ${qi(s, 'schema_migrations')}`,
    )
    expect(ledger).toEqual([{ version: '1', checksum: e.migration.checksum, success: true }])
    expect(e.ddl.migration).toContain(`CREATE TABLE "${s}"."schema_migrations_2"`)
    const rows = await query<{ n: number }>(`SELECT count(*)::int AS n FROM ${qi(s, 'agents')}`)
    expect(rows[0]!.n).toBe(0) // no data moved yet

    // Options changed before any row is loaded: a new choice updates the stored plan; a new type
    // changes the tables, so the old migration is undone (its down script) and replaced.
    const opts = { onViolation: 'skip-constraint', types: { 'tasks.priority': 'numeric' } }
    const again = (await schemaStep(paths, PG_URL, s, SchemaOptionsSchema.parse({ onViolation: opts.onViolation }), ctx)) as unknown as SchemaEvidence
    expect(again.migration.action).toBe('present (tables unchanged; post-load choices updated)')
    expect(again.ddl.postLoad).toContain('-- skipped (violations, skip-constraint)')
    const third = (await schemaStep(paths, PG_URL, s, SchemaOptionsSchema.parse(opts), ctx)) as unknown as SchemaEvidence
    expect(third.migration.action).toMatch(/^replaced/)
    expect(third.ddl.migration).toContain('"priority" numeric NOT NULL DEFAULT 3')
    expect(existsSync(join(paths.ferryDir, 'migrations', s, 'reverted'))).toBe(true)

    const loaded = await migrate(join(ws, '.claude', 'memory.db'), s, { batchRows: 500 })
    expect(loaded.resumed).toBe(false)
    expect(loaded.validation?.equal).toBe(true)
    expect(await query(`SELECT version::int AS v, name FROM ${qi(s, 'schema_migrations_2')}`)).toEqual([
      { v: 1, name: 'fk_indexes' },
    ])
    expect(loaded.names.find((n) => n.source === 'schema_migrations')).toMatchObject({
      kind: 'table',
      target: 'schema_migrations_2',
      reason: expect.stringContaining('migrations ledger'),
    })
    expect(loaded.constraints.find((c) => c.name === 'valid_agent_status')?.status).toBe('skipped')
    expect(loaded.columns.find((c) => c.table === 'tasks' && c.column === 'priority')?.type).toBe('numeric')
    const last = (await schemaStep(paths, PG_URL, s, SchemaOptionsSchema.parse({}), ctx)) as unknown as SchemaEvidence
    expect(last.migration.action).toMatch(/data already loaded/)
  }, 60_000)

  it('CLI: --on-violation stop refuses with the violations; bad --type / --on-violation values are usage errors', () => {
    const ferry = ferryCli(join(tmp.dir, 'config'))
    const s = fresh('p3cli')
    const stop = ferry(['migrate-sqlite', stateDb, '--target', PG_URL, '--schema', s, '--on-violation', 'stop', '--json'])
    expect(stop.code).toBe(1)
    const out = JSON.parse(stop.stdout) as { ok: boolean; error: { code: string; message: string } }
    expect(out.error.code).toBe('PREFLIGHT_VIOLATIONS')
    expect(out.error.message).toContain(STRAY_STATUS)
    const badType = ferry(['migrate-sqlite', stateDb, '--target', PG_URL, '--type', 'agents.configuration=varchar'])
    expect(badType.code).toBe(2)
    expect(badType.stderr).toContain('Unknown or unsupported type "varchar"')
    const badChoice = ferry(['migrate-sqlite', stateDb, '--target', PG_URL, '--on-violation', 'ignore'])
    expect(badChoice.code).toBe(2)
    expect(badChoice.stderr).toContain('--on-violation must be one of: stop, skip-constraint, not-valid')
  }, 60_000)
})
