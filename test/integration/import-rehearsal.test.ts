// p2.rehearsal in the pre.test-env sandbox, p2.validate comparing its counts with the rehearsal's,
// and p2.perf-test on the memory.db it built. Needs PostgreSQL for pre.test-env's database.
import { spawnSync } from 'node:child_process'
import { appendFileSync, existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sandboxDbName } from '../../electron/core/backup/sandbox-db'
import { FERRY_BIN, tempDir } from '../support/paths'

const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const t = tempDir('ferry-rehearsal-')
const ws = join(t.dir, 'ws')
const env = {
  ...process.env,
  XDG_CONFIG_HOME: join(t.dir, 'config'),
  FERRY_FAULT_POINT: '',
  FERRY_FAULT_ACTION: '',
}

function ferry(args: string[]) {
  const r = spawnSync(process.execPath, [FERRY_BIN, ...args], {
    env,
    encoding: 'utf8',
    timeout: 300_000,
  })
  return { code: r.status, stderr: r.stderr, json: () => JSON.parse(r.stdout) }
}

describe('rehearsal, validation against it, and the performance test', () => {
  beforeAll(() => {
    expect(ferry(['demo-workspace', ws, '--events', '2000', '--json']).code).toBe(0)
    const r = ferry(['run', 'pre.test-env', '-w', ws, '--target', PG_URL, '--json'])
    expect(r.code, r.stderr).toBe(0)
  })
  afterAll(async () => {
    const c = new pg.Client({ connectionString: PG_URL })
    await c.connect()
    await c.query(`DROP DATABASE IF EXISTS ${sandboxDbName(realpathSync(ws))}`)
    await c.end()
    t.cleanup()
  })

  it('imports the sandbox copy, reconciles it and records counts, errors and time', () => {
    const r = ferry(['run', 'p2.rehearsal', '-w', ws, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const ev = r.json().steps[0].evidence
    expect(ev).toMatchObject({
      ok: true,
      sandbox: '.ferry/sandbox',
      rehearsalFile: '.ferry/rehearsal.json',
      differences: [],
    })
    expect(ev.timings.importMs).toBeGreaterThan(0)
    expect(existsSync(join(ws, '.ferry', 'sandbox', '.claude', 'memory.db'))).toBe(true)
    expect(existsSync(join(ws, '.claude', 'memory.db'))).toBe(false)
    const rec = JSON.parse(readFileSync(join(ws, '.ferry', 'rehearsal.json'), 'utf8'))
    expect(rec.files.length).toBe(ev.totals.sourceFiles)
  })

  it('validates the real import against the rehearsal: same content, same rows; changed files listed', () => {
    appendFileSync(
      join(ws, '.claude', 'logs', 'agents.jsonl'),
      '{"ts":"2026-11-03T00:00:00Z","level":"info","message":"after the rehearsal"}\n',
    )
    const r = ferry(['run', 'p2.validate', '-w', ws, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const ev = r.json().steps[0].evidence
    expect(ev.rehearsal).toMatchObject({
      compared: true,
      changedSinceRehearsal: ['.claude/logs/agents.jsonl'],
      differences: [],
    })
    expect(ev.rehearsal.filesCompared).toBe(ev.totals.imported - 2) // state.db (compared per table) and the changed log
    expect(ev.rehearsal.tablesCompared).toBe(13)
  })

  it('fails with the list of differences when the rehearsal counted other rows for the same content', () => {
    const file = join(ws, '.ferry', 'rehearsal.json')
    const rec = JSON.parse(readFileSync(file, 'utf8'))
    const env = rec.files.find((f: { path: string }) => f.path === '.claude/config/.env')
    env.rows += 1
    writeFileSync(file, JSON.stringify(rec))
    const r = ferry(['run', 'p2.validate', '-w', ws, '--json'])
    expect(r.code).toBe(1)
    const step = r.json().steps[0]
    expect(step).toMatchObject({ status: 'failed', error: { code: 'VALIDATION_FAILED' } })
    expect(step.error.message).toContain(
      '.claude/config/.env: rows in the rehearsal vs the real run',
    )
    expect(JSON.parse(step.error.detail)).toEqual([
      expect.objectContaining({
        path: '.claude/config/.env',
        expected: env.rows,
        actual: env.rows - 1,
      }),
    ])
    const report = JSON.parse(readFileSync(join(ws, '.ferry', 'validate.json'), 'utf8'))
    expect(report.ok).toBe(false)
  })

  it('times the workload on memory.db against the state.db baseline', () => {
    const r = ferry(['run', 'p2.perf-test', '-w', ws, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const ev = r.json().steps[0].evidence
    expect(ev.database).toBe('.claude/memory.db')
    expect(ev.baseline.database).toBe('.claude/state.db')
    expect(ev.summary.queries).toBeGreaterThan(0)
    expect(ev.summary.skipped).toBe(0)
    expect(ev.comparison.every((q: { p50After: number | null }) => q.p50After !== null)).toBe(true)
    expect(ev.files.measured).toBe(true)
  })
})
