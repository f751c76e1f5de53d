// Phase 2 as a user runs it: `ferry run p2.migration-scripts` and `ferry run p2.validate` in a real
// process with the automatic backup first; and the worker killed -9 in the middle of an import
// (first build and incremental), then run again: it finishes, nothing lost, nothing twice.
import { spawnSync } from 'node:child_process'
import { appendFileSync, existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FERRY_BIN, tempDir } from '../support/paths'

const t = tempDir('ferry-import-cli-')
const ws = join(t.dir, 'ws')
const env = {
  ...process.env,
  XDG_CONFIG_HOME: join(t.dir, 'config'),
  FERRY_FAULT_POINT: '',
  FERRY_FAULT_ACTION: '',
}

function ferry(args: string[], extra: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [FERRY_BIN, ...args], {
    env: { ...env, ...extra },
    encoding: 'utf8',
    timeout: 300_000,
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) }
}

const eventsIn = (): number => {
  const db = new Database(join(ws, '.claude', 'memory.db'), { readonly: true })
  try {
    return db.prepare('SELECT count(*) FROM file_events').pluck().get() as number
  } finally {
    db.close()
  }
}

describe('Phase 2 from the command line', () => {
  beforeAll(() => {
    const r = ferry(['demo-workspace', ws, '--events', '3000', '--json'])
    expect(r.code, r.stderr).toBe(0)
  })
  afterAll(() => t.cleanup())

  it('dry-runs the import plan without writing memory.db', () => {
    const r = ferry(['run', 'p2.migration-scripts', '-w', ws, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const ev = r.json().steps[0].evidence
    expect(ev.dryRun).toBe(true)
    expect(ev.totals.toImport).toBe(ev.totals.sourceFiles)
    expect(existsSync(join(ws, '.claude', 'memory.db'))).toBe(false)
  })

  it('survives the worker being killed during the first build, and finishes on the next run', () => {
    const killed = ferry(['run', 'p2.validate', '-w', ws, '--json'], {
      FERRY_FAULT_POINT: 'import:after-batch#3',
      FERRY_FAULT_ACTION: 'kill',
    })
    expect(killed.code).toBe(1)
    expect(killed.json().steps[0]).toMatchObject({
      status: 'failed',
      error: { code: 'WORKER_DIED' },
    })
    expect(existsSync(join(ws, '.claude', 'memory.db'))).toBe(false)
    expect(existsSync(join(ws, '.claude', '.memory.db.building'))).toBe(true)

    const r = ferry(['run', 'p2.validate', '-w', ws, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const ev = r.json().steps[0].evidence
    expect(ev).toMatchObject({ ok: true, firstBuild: true, resumedBuild: true, differences: [] })
    expect(ev.backupId).toMatch(/\w/)
    expect(ev.totals.reconciles).toBe(true)
    expect(ev.totals.imported + ev.totals.skipped).toBe(ev.totals.sourceFiles)
    expect(existsSync(join(ws, '.claude', '.memory.db.building'))).toBe(false)
    const plan = JSON.parse(readFileSync(join(ws, '.ferry', 'inventory.json'), 'utf8'))
    expect(ev.totals.rowsByTable).toEqual(plan.totals.expectedRows)
  })

  it('survives a kill in the middle of an incremental import: exactly the 60,000 appended lines arrive, once', () => {
    const before = eventsIn()
    const lines = Array.from({ length: 60_000 }, (_, i) =>
      JSON.stringify({
        ts: '2026-11-02T00:00:00Z',
        level: 'debug',
        agent_id: 'pm-01',
        event_type: 'load',
        message: `line ${i}`,
      }),
    )
    appendFileSync(join(ws, '.claude', 'logs', 'agents.jsonl'), lines.join('\n') + '\n')
    const killed = ferry(['run', 'p2.validate', '-w', ws, '--json'], {
      FERRY_FAULT_POINT: 'import:after-batch#2',
      FERRY_FAULT_ACTION: 'kill',
    })
    expect(killed.code).toBe(1)
    const partial = eventsIn()
    expect(partial - before).toBeGreaterThan(0)
    expect(partial - before).toBeLessThan(60_000)

    const r = ferry(['run', 'p2.validate', '-w', ws, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const ev = r.json().steps[0].evidence
    expect(ev.ok).toBe(true)
    expect(eventsIn() - before).toBe(60_000)

    const again = ferry(['run', 'p2.validate', '-w', ws, '--json'])
    expect(again.code, again.stderr).toBe(0)
    expect(again.json().steps[0].evidence.totals).toMatchObject({ rowsAdded: 0, rowsRemoved: 0 })
  })
})
