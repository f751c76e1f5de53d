// `ferry` as a user types it: a real process, real files, exit codes and stdout JSON.
import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { mkdirSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { sandboxDbName } from '../../electron/core/backup/sandbox-db'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PLAN } from '../../shared/plan/plan'
import { FERRY_BIN, REPO, tempDir } from '../support/paths'

const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

const t = tempDir('ferry-cli-')
const ws = join(t.dir, 'ws')
const env = { ...process.env, XDG_CONFIG_HOME: join(t.dir, 'config'), FERRY_FAULT_POINT: '', FERRY_FAULT_ACTION: '' }

function ferry(args: string[], extraEnv: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [FERRY_BIN, ...args], { env: { ...env, ...extraEnv }, encoding: 'utf8', timeout: 120_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

/** Row counts as the sqlite3 shell reports them (better-sqlite3 where the shell is missing). */
function countWithSqlite(db: string, table: string): number {
  const shell = spawnSync('sqlite3', [db, `SELECT count(*) FROM "${table}"`], { encoding: 'utf8' })
  if (shell.status === 0) return Number(shell.stdout.trim())
  const d = new Database(db, { readonly: true })
  const n = (d.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n
  d.close()
  return n
}

const TABLES = ['agents', 'tasks', 'agent_messages', 'memory_snapshots', 'context_sessions', 'performance_metrics', 'git_state', 'pull_requests', 'configurations', 'events', 'projects', 'project_tasks', 'checkpoints']

describe('ferry CLI', () => {
  beforeAll(() => {
    const r = ferry(['demo-workspace', ws, '--events', '10000', '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, events: 10000 })
  })
  afterAll(async () => {
    // pre.test-env (run by "ferry run pre") creates this workspace's sandbox database.
    const client = new pg.Client({ connectionString: PG_URL })
    await client.connect()
    await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(sandboxDbName(realpathSync(ws)))} WITH (FORCE)`)
    await client.end()
    t.cleanup()
  })

  it('documents the schema with per-table row counts equal to sqlite3 for all 13 tables', () => {
    const r = ferry(['run', 'pre.document-schema', '-w', ws, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const out = JSON.parse(r.stdout)
    expect(out.ok).toBe(true)
    const step = out.steps[0]
    expect(step).toMatchObject({ stepId: 'pre.document-schema', status: 'done' })
    const counts = Object.fromEntries(step.evidence.tables.map((x: { name: string; rows: number }) => [x.name, x.rows]))
    expect(Object.keys(counts).sort()).toEqual([...TABLES].sort())
    for (const table of TABLES) expect(counts[table], table).toBe(countWithSqlite(join(ws, '.claude', 'state.db'), table))
    expect(counts.events).toBe(10000)
  })

  it('runs from a bundle of its sources, and through tsx with FERRY_NO_BUNDLE=1, alike', () => {
    const bundles = join(REPO, 'node_modules', '.cache', 'ferry-bundles')
    const since = Date.now() - 1000
    const fresh = (): string[] =>
      readdirSync(bundles).filter((f) => f.endsWith('.mjs') && statSync(join(bundles, f)).mtimeMs >= since)
    const bundled = ferry(['run', 'pre.document-schema', '-w', ws, '--json'])
    expect(bundled.code, bundled.stderr).toBe(0)
    // The CLI and its job worker each ran from a bundle (the file used, or written, just now).
    expect(fresh().some((f) => /^main-[0-9a-f]{16}\.mjs$/.test(f))).toBe(true)
    expect(fresh().some((f) => /^worker-[0-9a-f]{16}\.mjs$/.test(f))).toBe(true)
    const viaTsx = ferry(['run', 'pre.document-schema', '-w', ws, '--json'], { FERRY_NO_BUNDLE: '1' })
    expect(viaTsx.code, viaTsx.stderr).toBe(0)
    const tables = (r: { stdout: string }): unknown =>
      (JSON.parse(r.stdout) as { steps: { evidence: { tables: unknown } }[] }).steps[0]!.evidence.tables
    expect(tables(viaTsx)).toEqual(tables(bundled))
  })

  it('then shows the step done with its evidence in status --json', () => {
    const r = ferry(['status', '-w', ws, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const out = JSON.parse(r.stdout)
    const steps = out.plan.phases.flatMap((p: { steps: unknown[] }) => p.steps)
    expect(steps).toHaveLength(20)
    const step = steps.find((s: { id: string }) => s.id === 'pre.document-schema')
    expect(step.state.status).toBe('done')
    expect(step.state.evidence.tableCount).toBe(13)
    expect(out.workspace.source.stateDb.tables).toBe(13)
  })

  it('prints the checklist for humans', () => {
    const r = ferry(['status', '-w', ws])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('✔ pre.document-schema')
    expect(r.stdout).toContain('13 tables')
    expect(r.stdout).toContain('Migrate data with validation')
  })

  it('leaves a step another Ferry process is running alone (status shows it running) and refuses a second one with BUSY', async () => {
    // The other process: a live PID that owns a running p2.rehearsal in the shared journal.
    const other = spawn('sleep', ['120'])
    try {
      const now = new Date().toISOString()
      const j = new Database(join(ws, '.ferry', 'journal.db'))
      j.prepare("INSERT INTO runs (run_id, step_id, status, started_at, owner_pid, heartbeat_at) VALUES ('elsewhere', 'p2.rehearsal', 'running', ?, ?, ?)").run(now, other.pid, now)
      j.prepare("INSERT INTO step_state (step_id, status, run_id, started_at) VALUES ('p2.rehearsal', 'running', 'elsewhere', ?) ON CONFLICT(step_id) DO UPDATE SET status = 'running', run_id = 'elsewhere'").run(now)
      j.close()
      const status = ferry(['status', '-w', ws, '--json'])
      const steps = JSON.parse(status.stdout).plan.phases.flatMap((p: { steps: unknown[] }) => p.steps)
      expect(steps.find((s: { id: string }) => s.id === 'p2.rehearsal').state.status).toBe('running')
      const r = ferry(['run', 'pre.document-schema', '-w', ws, '--json'])
      expect(r.code).toBe(1)
      expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'BUSY', message: expect.stringContaining(`(pid ${other.pid}) is running p2.rehearsal`) })
    } finally {
      other.kill('SIGKILL')
      await once(other, 'exit')
    }
    // Gone: the next Ferry marks it interrupted, with what to do.
    const after = JSON.parse(ferry(['status', '-w', ws, '--json']).stdout).plan.phases.flatMap((p: { steps: unknown[] }) => p.steps)
    expect(after.find((s: { id: string }) => s.id === 'p2.rehearsal').state.error.code).toBe('INTERRUPTED')
  })

  it('reports a worker killed mid-step as a failure with what to do, and a re-run succeeds', () => {
    const killed = ferry(['run', 'pre.document-schema', '-w', ws, '--json'], {
      FERRY_FAULT_POINT: 'document-schema:after-table#3',
      FERRY_FAULT_ACTION: 'kill',
    })
    expect(killed.code).toBe(1)
    const out = JSON.parse(killed.stdout)
    expect(out.steps[0].status).toBe('failed')
    expect(out.steps[0].error.code).toBe('WORKER_DIED')
    expect(out.steps[0].error.message).toContain('SIGKILL')
    expect(killed.stderr).toContain('Run the step again')
    const status = JSON.parse(ferry(['status', '-w', ws, '--json']).stdout)
    const st = status.plan.phases[0].steps.find((s: { id: string }) => s.id === 'pre.document-schema').state
    expect(st.status).toBe('failed')
    expect(st.evidence.tableCount).toBe(13) // the last good evidence stays visible
    const again = ferry(['run', 'pre.document-schema', '-w', ws, '--json'])
    expect(again.code, again.stderr).toBe(0)
  })

  it('runs a whole phase: built steps run in plan order, the others are listed as skipped', () => {
    const r = ferry(['run', 'pre', '-w', ws, '--json', '--target', PG_URL])
    expect(r.code, r.stderr).toBe(0)
    const out = JSON.parse(r.stdout)
    const expected = PLAN[0]!.steps.map((s) => `${s.id}:${s.available ? 'done' : 'skipped'}`)
    expect(out.steps.map((s: { stepId: string; status: string }) => `${s.stepId}:${s.status}`)).toEqual(expected)
  })

  it('records the development PostgreSQL: a URL target, with the password never shown', () => {
    const withPassword = PG_URL.replace('postgres://postgres@', 'postgres://postgres:hunter2secret@')
    const r = ferry(['run', 'pre.postgres-dev', '-w', ws, '--json', '--target', withPassword])
    expect(r.code, r.stderr).toBe(0)
    const ev = JSON.parse(r.stdout).steps[0].evidence
    expect(ev.serverVersion).toMatch(/^\d+/)
    expect(ev.encoding).toBe('UTF8')
    expect(ev.kind).toBe('url')
    expect(r.stdout + r.stderr).not.toContain('hunter2secret')
    expect(ev.target).toContain('***')
  })

  it('starts the embedded PostgreSQL in .ferry/pg for pre.postgres-dev and stops it afterwards', () => {
    // The URL of the test above is remembered (without its password); "embedded" chooses again.
    expect(readFileSync(join(ws, '.ferry', 'target.json'), 'utf8')).not.toContain('hunter2secret')
    const r = ferry(['run', 'pre.postgres-dev', '-w', ws, '--target', 'embedded', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const ev = JSON.parse(r.stdout).steps[0].evidence
    expect(ev.kind).toBe('embedded')
    expect(JSON.parse(readFileSync(join(ws, '.ferry', 'target.json'), 'utf8'))).toEqual({ kind: 'embedded' })
    expect(ev.serverVersion).toMatch(/^18/)
    expect(ev.dataDirectory).toBe(join(ws, '.ferry', 'pg'))
    const ps = spawnSync('pgrep', ['-f', join(ws, '.ferry', 'pg')], { encoding: 'utf8' })
    expect(ps.stdout.trim()).toBe('')
  })

  it('says what is wrong and how to fix it for bad input, with exit code 2', () => {
    const missing = ferry(['status', '-w', join(t.dir, 'nowhere')])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain(join(t.dir, 'nowhere'))
    expect(missing.stderr).toContain('demo-workspace')

    const notWs = join(t.dir, 'plain')
    mkdirSync(notWs)
    const plain = ferry(['run', 'pre.document-schema', '-w', notWs])
    expect(plain.code).toBe(2)
    expect(plain.stderr).toContain('has no .claude folder')

    const unknown = ferry(['run', 'pre.nothing', '-w', ws, '--json'])
    expect(unknown.code).toBe(2)
    expect(JSON.parse(unknown.stdout).error.code).toBe('UNKNOWN_STEP')

    // A step with no undo says what to do instead: restore the files, or start PostgreSQL over.
    const undoBackup = JSON.parse(ferry(['undo', 'pre.backup', '-w', ws, '--json']).stdout).error
    expect(undoBackup).toMatchObject({ code: 'NOT_UNDOABLE', hint: expect.stringContaining('only adds .ferry/backups/<id>/') })
    const undoImport = JSON.parse(ferry(['undo', 'p2.validate', '-w', ws, '--json']).stdout).error
    expect(undoImport).toMatchObject({ code: 'NOT_UNDOABLE', hint: expect.stringContaining('ferry restore <id>') })
    const undoDoc = JSON.parse(ferry(['undo', 'pre.document-schema', '-w', ws, '--json']).stdout).error
    expect(undoDoc).toMatchObject({ code: 'NOT_UNDOABLE', hint: expect.stringContaining('changes nothing under .claude/') })
    const undoLoad = JSON.parse(ferry(['undo', 'p3.migrate', '-w', ws, '--json']).stdout).error
    expect(undoLoad).toMatchObject({ code: 'NOT_UNDOABLE', hint: expect.stringContaining('DROP SCHEMA agent_memory CASCADE') })

    const badEvents = ferry(['demo-workspace', join(t.dir, 'x'), '--events', 'many'])
    expect(badEvents.code).toBe(2)
    expect(badEvents.stderr).toContain('--events must be a whole number')

    const full = join(t.dir, 'full')
    mkdirSync(full)
    writeFileSync(join(full, 'keep.txt'), 'mine')
    const notEmpty = ferry(['demo-workspace', full])
    expect(notEmpty.code).not.toBe(0)
    expect(notEmpty.stderr).toContain(full)

    const noCmd = ferry(['frobnicate'])
    expect(noCmd.code).toBe(2)
    expect(noCmd.stderr).toMatch(/unknown command/)
  })
})
