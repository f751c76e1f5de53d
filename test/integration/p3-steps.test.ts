// The plan's p3.postgres-prod and p3.migrate through the CLI, as a user runs them: a demo
// workspace, p2.validate (builds memory.db), the production checks, then the migration into
// agent_memory on a fresh database, compared with memory.db by querying PostgreSQL directly.
import { appendFileSync, existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sandboxDbName } from '../../electron/core/backup/sandbox-db'
import { tempDir } from '../support/paths'
import { ferryCli } from '../support/ferry-cli'

const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const DB = `ferry_p3_${Math.random().toString(36).slice(2, 10)}`
const OTHER_DB = `${DB}_other`
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
  const out = JSON.parse(r.stdout) as { ok: boolean; steps: { status: string; evidence: StepEvidence | null; error: { code: string; message: string; hint: string } | null }[] }
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
      await c.query(`DROP DATABASE IF EXISTS ${OTHER_DB} WITH (FORCE)`)
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

  it('refuses a Phase 3 step on another server or database than p3.postgres-prod checked (TARGET_CHANGED), doing nothing there', async () => {
    await admin(PG_URL, (c) => c.query(`CREATE DATABASE ${OTHER_DB}`))
    const checked = target
    target = urlFor(OTHER_DB)
    try {
      for (const step of ['p3.migrate', 'p3.schema']) {
        const r = runStep(step)
        expect(r.code, step).not.toBe(0)
        expect(r.step.status).toBe('failed')
        expect(r.step.error!.code).toBe('TARGET_CHANGED')
        expect(r.step.error!.message).toContain(`database "${DB}"`)
        expect(r.step.error!.message).toContain('another database of the same server')
        expect(r.step.error!.hint).toContain('p3.postgres-prod')
      }
      const schemas = await admin(urlFor(OTHER_DB), async (c) =>
        (await c.query(`SELECT nspname FROM pg_namespace WHERE nspname = 'agent_memory'`)).rowCount,
      )
      expect(schemas).toBe(0)
      // Making the other database the production instance moves Phase 3 there.
      expect(runStep('p3.postgres-prod').code).toBe(0)
      const moved = runStep('p3.pooling')
      expect(moved.code, moved.stderr).toBe(0)
    } finally {
      target = checked
    }
    // Back on the checked server, p3.postgres-prod names it again and the migration is there.
    expect(runStep('p3.postgres-prod').code).toBe(0)
    const again = runStep('p3.migrate')
    expect(again.code, again.stderr).toBe(0)
    expect(again.step.evidence!.validation.equal).toBe(true)
  }, 240_000)

  it('remembers the last --target in .ferry/target.json without its password: a run without --target goes to the same server', () => {
    const saved = JSON.parse(readFileSync(join(ws, '.ferry', 'target.json'), 'utf8')) as { kind: string; url: string }
    expect(saved.kind).toBe('url')
    expect(new URL(saved.url).pathname).toBe(`/${DB}`)
    expect(saved.url).not.toContain(SENTINEL)
    const r = ferry(['run', 'p3.migrate', '-w', ws, '--json'])
    expect(r.code, r.stderr).toBe(0)
    // Done, not TARGET_CHANGED: it ran on the server p3.postgres-prod checked (a delta sync).
    const step = (JSON.parse(r.stdout) as { steps: { status: string; evidence: StepEvidence & { mode: string } }[] }).steps[0]!
    expect(step.status).toBe('done')
    expect(step.evidence.mode).toBe('delta')
    expect(step.evidence.validation.equal).toBe(true)
  }, 180_000)

  it('after files change, p2.validate then p3.migrate carry the re-import (a context file rewritten, log lines appended) and validate equal', () => {
    const ctxDir = join(ws, '.claude', 'context')
    const md = readdirSync(ctxDir).find((f) => f.endsWith('.md'))!
    appendFileSync(join(ctxDir, md), '\n# edited after the migration\n')
    appendFileSync(join(ws, '.claude', 'logs', 'agents.jsonl'), '{"ts":"2026-12-01T02:00:00Z","level":"info","agent_id":"agent-01","event":"late","message":"after"}\n')
    const p2 = ferry(['run', 'p2.validate', '-w', ws, '--json'])
    expect(p2.code, p2.stderr).toBe(0)
    const r = runStep('p3.migrate')
    expect(r.code, r.stderr + r.stdout).toBe(0)
    const e = r.step.evidence as StepEvidence & { mode: string }
    expect(e.mode).toBe('delta')
    expect(e.validation.equal).toBe(true)
  }, 240_000)
})
