// p2.perf-test's "old system" column on a real demo workspace: each workload question whose data
// lives in .claude/ files is answered by reading those files, timed beside state.db and memory.db,
// and its count equals the same question asked of memory.db.
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { JobContext } from '../../electron/core/jobs/job'
import { perfTestStep } from '../../electron/core/import/perf'
import { validateStep } from '../../electron/core/import/steps'
import { answerFromFiles, FILE_EQUIVALENTS } from '../../electron/core/workload/files'
import { recordBaseline } from '../../electron/core/workload/jobs'
import { WORKLOAD } from '../../electron/core/workload/queries'
import { createDemoWorkspace } from '../../electron/core/workspace/demo/index'
import { workspacePaths } from '../../electron/core/workspace/resolve'
import { tempDir } from '../support/paths'

const t = tempDir('ferry-perf-files-')
const ws = join(t.dir, 'ws')
const paths = workspacePaths(ws)
const ctx: JobContext = {
  progress: () => undefined,
  log: () => undefined,
  signal: new AbortController().signal,
}
type Ev = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
let ev: Ev

describe('p2.perf-test: the file-based "old system" column', () => {
  beforeAll(async () => {
    await createDemoWorkspace(ws, { events: 3000 })
    await recordBaseline(paths, ctx)
    await validateStep(paths, ctx)
    ev = (await perfTestStep(paths, ctx)) as Ev
  }, 120_000)
  afterAll(() => t.cleanup())

  it('has a file column for every workload query: timed where the data lives in files, skipped with a reason where it lives only in state.db', () => {
    expect(ev.files.measured).toBe(true)
    const results = ev.files.results as Ev[]
    expect(results.map((r) => r.query)).toEqual(WORKLOAD.map((w) => w.name))
    for (const f of FILE_EQUIVALENTS) {
      const r = results.find((x) => x.query === f.query)!
      expect(r.skipped, f.query).toBeNull()
      expect(r.source).toBe(f.source)
      expect(r.iterations).toBeGreaterThanOrEqual(1)
      expect(r.p50).toBeGreaterThan(0)
      expect(r.filesRead).toBeGreaterThan(0)
    }
    const stateOnly = results.find((x) => x.query === 'agent_open_tasks')!
    expect(stateOnly.skipped).toMatch(/tasks live only in state\.db/)
    expect(stateOnly.p50).toBeNull()
    // The comparison rows carry the column beside the state.db (before) and memory.db (after) ones.
    const row = (ev.comparison as Ev[]).find((r) => r.query === 'agent_recent_events')!
    expect(row).toHaveProperty('p50Before')
    expect(row).toHaveProperty('p50After')
    expect(row.p50Files).toBeGreaterThan(0)
  })

  it('gives the same counts from the files as memory.db gives for the same questions', () => {
    const counted = (ev.files.results as Ev[]).filter((r) => !r.skipped)
    expect(counted).toHaveLength(FILE_EQUIVALENTS.length)
    for (const r of counted) {
      expect(r.count, r.query).toBe(r.memoryDbCount)
      expect(r.sameCount).toBe(true)
    }
    expect(ev.files.differentCounts).toEqual([])
    // Not vacuous: the busiest agent has events in the logs, and there are events at all.
    expect(counted.find((r) => r.query === 'agent_recent_events')!.count).toBeGreaterThan(0)
    expect(counted.find((r) => r.query === 'recent_events')!.count).toBeGreaterThan(1000)
  })

  it("answers the events question with the same rows as memory.db's file_events", async () => {
    const q = FILE_EQUIVALENTS.find((f) => f.query === 'agent_recent_errors')!
    const agent = (ev.files.results as Ev[]).find((r) => r.query === q.query)!.param
    const files = await answerFromFiles(ws, q, agent)
    const db = new Database(join(ws, '.claude', 'memory.db'), { readonly: true })
    try {
      const rows = db
        .prepare(
          'SELECT "event_type", "message", "ts" FROM "file_events" WHERE "agent_id" = ? AND "level" = \'error\' ORDER BY "ts" DESC LIMIT 20',
        )
        .raw()
        .all(agent) as unknown[][]
      const key = (r: unknown[]): string => JSON.stringify(r)
      // Same set (ties in ts may order differently between the two).
      expect(files.rows.map(key).sort()).toEqual(rows.map(key).sort())
    } finally {
      db.close()
    }
  })
})
