// The plan's p3.postgres-prod and p3.migrate through the CLI, as a user runs them: a demo
// workspace, p2.validate (builds memory.db), the production checks, then the migration into
// agent_memory on a fresh database, compared with memory.db by querying PostgreSQL directly.
import { existsSync, readFileSync, realpathSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sandboxDbName } from '../../electron/core/backup/sandbox-db'
import { tempDir } from '../support/paths'
import { ferryCli } from '../support/ferry-cli'

const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const DB = `ferry_p3_${Math.random().toString(36).slice(2, 10)}`
const SENTINEL = 'p3-Secret-Sentinel'

const t = tempDir('ferry-p3-')
const ws = join(t.dir, 'ws')
const ferry = ferryCli(join(t.dir, 'config'))
let target = ''

function urlFor(db: string, password?: string): string {
  const u = new URL(PG_URL)
  u.pathname = `/${db}`
  if (password !== undefined && u.password === '') u.password = password
  return u.toString()
}


/** The keys these tests read from the two steps' evidence. */
interface StepEvidence {
  ok: boolean
  target: string
  checks: { name: string; ok: boolean }[]
  facts: { serverVersion: string; serverVersionNum: number; encoding: string; database: string }
  slots: { free: number }
  schema: string
  resumed: boolean
  report: string
  tables: { table: string; equal: boolean }[]
  validation: { equal: boolean; differentTables: string[] }
}

function runStep(step: string) {
  const r = ferry(['run', step, '-w', ws, '--target', target, '--json'])
  const out = JSON.parse(r.stdout) as { ok: boolean; steps: { status: string; evidence: StepEvidence | null; error: { code: string; hint: string } | null }[] }
  return { ...r, out, step: out.steps[0]! }
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

describe('p3.postgres-prod and p3.migrate (CLI)', () => {
  beforeAll(async () => {
    await admin(PG_URL, (c) => c.query(`CREATE DATABASE ${DB}`))
    // A password the output must never show: under trust auth any password connects; where the
    // server checks it, use the configured URL (its own password, if any, is checked instead).
    const withSecret = urlFor(DB, SENTINEL)
    target = await admin(withSecret, async () => withSecret).catch(() => urlFor(DB))
    const r = ferry(['demo-workspace', ws, '--events', '3000', '--json'])
    expect(r.code, r.stderr).toBe(0)
  }, 120_000)

  afterAll(async () => {
    await admin(PG_URL, async (c) => {
      await c.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`)
      if (existsSync(ws)) await c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(sandboxDbName(realpathSync(ws)))} WITH (FORCE)`)
    })
    t.cleanup()
  })

  it('refuses p3.migrate before memory.db exists, with NO_MEMORY_DB and what to run first', () => {
    const r = runStep('p3.migrate')
    expect(r.code, r.stderr).toBe(1)
    expect(r.step.status).toBe('failed')
    expect(r.step.error?.code).toBe('NO_MEMORY_DB')
    expect(r.step.error?.hint).toContain('p2.validate')
  })

  it('p2.validate builds memory.db', () => {
    const r = runStep('p2.validate')
    expect(r.code, r.stderr).toBe(0)
    expect(r.step.status).toBe('done')
    expect(existsSync(join(ws, '.claude', 'memory.db'))).toBe(true)
  }, 180_000)

  it('p3.postgres-prod passes its checks and records the version, never the password', () => {
    const r = runStep('p3.postgres-prod')
    expect(r.code, r.stderr).toBe(0)
    const e = r.step.evidence!
    expect(e.ok).toBe(true)
    const names = e.checks.map((c: { name: string }) => c.name)
    expect(names).toEqual(['server-version', 'encoding', 'create-schema', 'connection-slots'])
    for (const c of e.checks) expect(c.ok, c.name).toBe(true)
    expect(e.facts.serverVersionNum).toBeGreaterThanOrEqual(120000)
    expect(e.facts.serverVersion).toMatch(/^\d+/)
    expect(e.facts.encoding).toBe('UTF8')
    expect(e.facts.database).toBe(DB)
    expect(e.slots.free).toBeGreaterThan(0)
    const password = new URL(target).password
    if (password) {
      expect(r.stdout).not.toContain(password)
      expect(r.stderr).not.toContain(password)
      expect(e.target).toContain('***')
    }
  })

  it('p3.migrate loads memory.db into agent_memory with every table equal', async () => {
    const r = runStep('p3.migrate')
    expect(r.code, r.stderr).toBe(0)
    expect(r.step.status).toBe('done')
    const e = r.step.evidence!
    expect(e.schema).toBe('agent_memory')
    expect(e.validation.equal).toBe(true)
    expect(e.validation.differentTables).toEqual([])
    for (const tb of e.tables) expect(tb.equal, tb.table).toBe(true)
    expect(e.report).toBe(join('.ferry', 'p3-migrate.json'))
    const full = JSON.parse(readFileSync(join(ws, e.report), 'utf8'))
    expect(full.validation.equal).toBe(true)
    expect(full.tables).toHaveLength(e.tables.length)
    const password = new URL(target).password
    if (password) expect(r.stdout + readFileSync(join(ws, e.report), 'utf8')).not.toContain(password)

    const mem = new Database(join(ws, '.claude', 'memory.db'), { readonly: true })
    const sqliteCount = (table: string): number => (mem.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n
    const counts = { agents: sqliteCount('agents'), events: sqliteCount('events') }
    mem.close()
    expect(counts.events).toBeGreaterThanOrEqual(3000)
    const pgCounts = await admin(urlFor(DB), async (c) => {
      const n = async (table: string): Promise<number> => (await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM agent_memory.${table}`)).rows[0]!.n
      return { agents: await n('agents'), events: await n('events') }
    })
    expect(pgCounts).toEqual(counts)
  }, 180_000)

  it('re-running p3.migrate resumes from the ledger and validates equal again', () => {
    const r = runStep('p3.migrate')
    expect(r.code, r.stderr).toBe(0)
    expect(r.step.evidence!.resumed).toBe(true)
    expect(r.step.evidence!.validation.equal).toBe(true)
  }, 180_000)
})
