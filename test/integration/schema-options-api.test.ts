// p3.schema's choices through the contract the UI uses (schema.options / schema.setOptions), on
// the demo workspace's real memory.db and a real PostgreSQL: what is refused (and that a refused
// save leaves the saved file as it was), and that a saved map, constraint choice and column type
// are what p3.schema then applies — the stored plan, the table's column type, the pre-flight.
import { existsSync, readFileSync, realpathSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBackend, type Backend } from '../../electron/core/backend'
import { sandboxDbName } from '../../electron/core/backup/sandbox-db'
import { toRequest, type SchemaOptionsView } from '../../shared/contract/schema-options'
import type { StepState } from '../../shared/contract/types'
import { ferryCli } from '../support/ferry-cli'
import { tempDir } from '../support/paths'
import { PG_URL } from './pgmigrate-support'

const DB = `ferry_p3opt_${Math.random().toString(36).slice(2, 10)}`
const t = tempDir('ferry-p3opt-')
const ws = join(t.dir, 'ws')
const optionsFile = join(ws, '.ferry', 'p3-options.json')

function urlFor(db: string): string {
  const u = new URL(PG_URL)
  u.pathname = `/${db}`
  return u.toString()
}

async function query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: urlFor(DB) })
  await c.connect()
  try {
    return (await c.query<T>(sql, params)).rows
  } finally {
    await c.end()
  }
}

describe('p3.schema choices through the contract (real memory.db, real PostgreSQL)', () => {
  let backend: Backend
  const states: StepState[] = []
  const dispatch = (method: string, input: unknown) => backend.dispatch(method, input)
  const call = async <T>(method: string, input: unknown = {}): Promise<T> => {
    const r = await dispatch(method, input)
    if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`)
    return r.value as T
  }
  /** Runs p3.schema and waits for its end (the reply is "running"; the outcome is an event). */
  const runSchema = async (): Promise<StepState> => {
    const from = states.length
    await call('step.run', { stepId: 'p3.schema' })
    for (let i = 0; i < 600; i++) {
      const end = states.slice(from).find((s) => s.stepId === 'p3.schema' && ['done', 'failed'].includes(s.status))
      if (end) return end
      await new Promise((r) => setTimeout(r, 100))
    }
    throw new Error('p3.schema did not finish in 60 s')
  }

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: PG_URL })
    await admin.connect()
    await admin.query(`CREATE DATABASE ${DB}`)
    await admin.end()
    const ferry = ferryCli(join(t.dir, 'config'))
    const demo = ferry(['demo-workspace', ws, '--events', '400', '--json'])
    expect(demo.code, demo.stderr).toBe(0)
    const v = ferry(['run', 'p2.validate', '-w', ws, '--json'])
    expect(v.code, v.stderr).toBe(0)
    backend = await createBackend({ appDataDir: join(t.dir, 'app'), version: 'test', workspace: ws, rememberWorkspace: false })
    backend.onEvent((event, payload) => {
      if (event === 'step.state') states.push(payload as StepState)
    })
    await call('target.configure', { kind: 'url', url: urlFor(DB) })
  }, 120_000)

  afterAll(async () => {
    await backend?.close()
    const admin = new pg.Client({ connectionString: PG_URL })
    await admin.connect()
    await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`)
    if (existsSync(ws)) await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(sandboxDbName(realpathSync(ws)))} WITH (FORCE)`)
    await admin.end()
    t.cleanup()
  })

  it('starts from the defaults, which lose nothing, with no file written', async () => {
    const v = await call<SchemaOptionsView>('schema.options')
    expect(v).toEqual({
      options: { identifiers: 'preserve', onViolation: 'not-valid', choices: {}, maps: {}, types: {} },
      file: join('.ferry', 'p3-options.json'),
      saved: false,
    })
    expect(existsSync(optionsFile)).toBe(false)
  })

  it('saves a type choice normalised, and refuses unknown types, columns and shapes without touching the file', async () => {
    const v = await call<SchemaOptionsView>('schema.setOptions', { types: [{ column: 'agents.configuration', type: 'TEXT' }] })
    expect(v.saved).toBe(true)
    expect(v.options.types).toEqual({ 'agents.configuration': 'text' })
    const before = readFileSync(optionsFile, 'utf8')
    expect(JSON.parse(before)).toMatchObject({ types: { 'agents.configuration': 'text' } })

    const bad = [
      [{ types: [{ column: 'agents.configuration', type: 'money' }] }, 'BAD_TYPE_OVERRIDE', /Unknown or unsupported type "money"/],
      [{ types: [{ column: 'agents.no_such_column', type: 'text' }] }, 'BAD_TYPE_OVERRIDE', /has no column "no_such_column"/],
      [{ types: [{ column: 'nowhere.x', type: 'text' }] }, 'BAD_TYPE_OVERRIDE', /no table "nowhere"/],
      [{ onViolation: 'maybe' }, 'INVALID_INPUT', /onViolation/],
      [{ extra: 1 }, 'INVALID_INPUT', /extra/],
      // A record instead of the bounded list, and a list past its bound.
      [{ types: { 'agents.configuration': 'text' } }, 'INVALID_INPUT', /types/],
      [{ choices: Array.from({ length: 1001 }, (_, i) => ({ constraint: `c${i}`, choice: 'stop' })) }, 'INVALID_INPUT', /choices/],
    ] as const
    for (const [input, code, message] of bad) {
      const r = await dispatch('schema.setOptions', input)
      expect(r.ok, JSON.stringify(input)).toBe(false)
      if (r.ok) continue
      expect(r.error.code).toBe(code)
      expect(`${r.error.message} ${r.error.hint ?? ''}`).toMatch(message)
      expect(readFileSync(optionsFile, 'utf8')).toBe(before)
    }
  })

  it('a choice naming a constraint the plan does not have fails p3.schema with UNKNOWN_CONSTRAINT, nothing created', async () => {
    await call('schema.setOptions', toRequest({ choices: { no_such_constraint: 'stop' } }))
    const end = await runSchema()
    expect(end.status).toBe('failed')
    expect(end.error?.code).toBe('UNKNOWN_CONSTRAINT')
    expect(end.error?.message).toMatch(/"no_such_constraint"/)
    const tables = await query<{ n: string }>(
      "SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'agent_memory'",
    )
    expect(Number(tables[0]!.n)).toBe(0)
  }, 90_000)

  it('applies a saved map, a skipped foreign key and a column type: the pre-flight, the stored plan and the table follow them', async () => {
    const first = await call<SchemaOptionsView>('schema.setOptions', {})
    expect(first.options.choices).toEqual({})
    let end = await runSchema()
    expect(end.status, JSON.stringify(end.error)).toBe('done')
    const pf = end.evidence!.preflight as { constraints: { name: string; kind: string; violations: number; allowed?: string[]; values: { value: string }[] }[] }
    const status = pf.constraints.find((c) => c.name === 'valid_agent_status')!
    expect(status.violations).toBe(1)
    expect(status.values.map((v) => v.value)).toEqual(['zombie'])
    expect(status.allowed).toEqual(['active', 'idle', 'crashed', 'sleeping'])
    const fk = pf.constraints.find((c) => c.kind === 'foreign-key' && c.violations > 0)
    expect(fk).toBeDefined()

    await call(
      'schema.setOptions',
      toRequest({
        choices: { [fk!.name]: 'skip-constraint' },
        maps: { valid_agent_status: { zombie: 'crashed' } },
        types: { 'agents.configuration': 'text' },
      }),
    )
    end = await runSchema()
    expect(end.status, JSON.stringify(end.error)).toBe('done')
    expect((end.evidence!.migration as { action: string }).action).toMatch(/^replaced/)
    const after = (end.evidence!.preflight as { constraints: { name: string; action: string; choice: string; mapped?: unknown[] }[] }).constraints
    expect(after.find((c) => c.name === 'valid_agent_status')).toMatchObject({
      choice: 'map',
      action: 'create',
      mapped: [{ column: 'status', from: 'zombie', to: 'crashed', rows: 1 }],
    })
    expect(after.find((c) => c.name === fk!.name)).toMatchObject({ choice: 'skip-constraint', action: 'skip' })

    const col = await query<{ data_type: string }>(
      "SELECT data_type FROM information_schema.columns WHERE table_schema = 'agent_memory' AND table_name = 'agents' AND column_name = 'configuration'",
    )
    expect(col).toEqual([{ data_type: 'text' }])
    type StoredPlan = { tables: { source: string; columns: { source: string; valueMap?: Record<string, string> }[]; foreignKeys: { name: string; action?: string }[] }[] }
    const stored = await query<{ plan: string }>('SELECT plan::text AS plan FROM agent_memory.ferry_run WHERE id = 1')
    const tables = (JSON.parse(stored[0]!.plan) as StoredPlan).tables
    expect(tables.find((x) => x.source === 'agents')!.columns.find((c) => c.source === 'status')!.valueMap).toEqual({ zombie: 'crashed' })
    expect(tables.flatMap((x) => x.foreignKeys).find((f) => f.name === fk!.name)!.action).toBe('skip')
  }, 120_000)
})
