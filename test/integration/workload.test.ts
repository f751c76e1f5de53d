// The typical agent workload on a real demo state.db: the baseline is recorded once (before any
// Phase 1 change, read-only), p1.test-current compares with it using the same parameters, and the
// composite-index proposals are measured on a scratch copy that is removed afterwards.
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { recordBaseline } from '../../electron/core/workload/jobs'
import { WORKLOAD } from '../../electron/core/workload/queries'
import { workspacePaths } from '../../electron/core/workspace/resolve'
import { tempDir } from '../support/paths'
import { ferryCli } from '../support/ferry-cli'

const t = tempDir('ferry-workload-')
const ws = join(t.dir, 'ws')
const stateDb = join(ws, '.claude', 'state.db')
const journal = join(ws, '.ferry', 'journal.db')
const ferry = ferryCli(join(t.dir, 'config'))


const sha256 = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex')

function runs(): { run_id: string; label: string; n: number }[] {
  const d = new Database(journal, { readonly: true })
  const rows = d
    .prepare(
      'SELECT run_id, label, count(*) AS n FROM workload_runs GROUP BY run_id ORDER BY min(rowid)',
    )
    .all() as { run_id: string; label: string; n: number }[]
  d.close()
  return rows
}

describe('the typical agent workload', () => {
  beforeAll(() => {
    const r = ferry(['demo-workspace', ws, '--events', '20000', '--json'])
    expect(r.code, r.stderr).toBe(0)
  })
  afterAll(() => t.cleanup())

  it('records the baseline once, read-only, in journal.db; later calls return the same run', async () => {
    const before = sha256(stateDb)
    const ctx = {
      progress: () => undefined,
      log: () => undefined,
      signal: new AbortController().signal,
    }
    const first = await recordBaseline(workspacePaths(ws), ctx)
    expect(first.reused).toBe(false)
    expect(first.queries).toHaveLength(WORKLOAD.length)
    for (const q of first.queries) {
      expect(q.skipped, q.query).toBeNull()
      expect(q.iterations).toBe(30)
      expect(q.p50).toBeGreaterThan(0)
      expect(q.p95!).toBeGreaterThanOrEqual(q.p50!)
      expect(q.p99!).toBeGreaterThanOrEqual(q.p95!)
    }
    const second = await recordBaseline(workspacePaths(ws), ctx)
    expect(second).toMatchObject({ reused: true, runId: first.runId, at: first.at })
    expect(runs()).toEqual([{ run_id: first.runId, label: 'baseline', n: WORKLOAD.length }])
    expect(sha256(stateDb)).toBe(before)
    expect(existsSync(stateDb + '-wal')).toBe(false)
  })

  it('p1.test-current compares with the baseline after the indexes, with the same rows and composite proposals', () => {
    expect(ferry(['run', 'p1.fk-indexes', '-w', ws]).code).toBe(0)
    // The baseline stayed the one recorded on the untouched database.
    expect(runs().filter((r) => r.label === 'baseline')).toHaveLength(1)
    const r = ferry(['run', 'p1.test-current', '-w', ws, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const ev = JSON.parse(r.stdout).steps[0].evidence
    expect(ev.baseline.runId).toBe(runs()[0]!.run_id)
    expect(ev.integrityCheck).toBe('ok')
    expect(ev.queries).toHaveLength(WORKLOAD.length)
    for (const q of ev.queries) {
      expect(q.sameResults, q.query).toBe(true)
      for (const k of [
        'p50Before',
        'p95Before',
        'p99Before',
        'p50After',
        'p95After',
        'p99After',
        'speedupP50',
        'speedupP95',
      ])
        expect(typeof q[k], `${q.query}.${k}`).toBe('number')
      expect(['faster', 'slower', 'same']).toContain(q.verdict)
    }
    const children = ev.queries.find((q: { query: string }) => q.query === 'task_children')
    expect(children.planBefore).toContain('SCAN tasks')
    expect(children.planAfter).toContain('USING INDEX idx_tasks_parent_task_id')
    expect(ev.summary.queries).toBe(WORKLOAD.length)
    expect(ev.summary.faster + ev.summary.slower + ev.summary.same).toBe(WORKLOAD.length)
    // Composite proposals: measured on a scratch copy, never applied to state.db.
    const events = ev.proposals.find(
      (p: { index: string }) => p.index === 'idx_events_agent_id_created_at',
    )
    expect(events).toMatchObject({
      table: 'events',
      columns: ['agent_id', 'created_at'],
      query: 'agent_recent_events',
      sql: 'CREATE INDEX "idx_events_agent_id_created_at" ON "events" ("agent_id", "created_at")',
    })
    expect(events.planAfter).toContain('idx_events_agent_id_created_at')
    for (const p of ev.proposals) {
      expect(p.p95Before).toBeGreaterThan(0)
      expect(p.p95After).toBeGreaterThan(0)
    }
    expect(ev.proposalsApplied).toBe(false)
    const d = new Database(stateDb, { readonly: true })
    const names = d
      .prepare("SELECT name FROM sqlite_schema WHERE type = 'index'")
      .pluck()
      .all() as string[]
    d.close()
    for (const p of ev.proposals) expect(names).not.toContain(p.index)
    expect(readdirSync(join(ws, '.ferry', 'scratch'))).toEqual([])
    expect(runs().map((x) => x.label)).toEqual(['baseline', 'after-p1'])
  })
})
