// The live migration view's state in the backend: rates and ETAs from cumulative per-table
// counters on the backend's clock, a throughput series sent incrementally, a frozen view when the
// step ends (saved, so a new backend shows it), and details that fail the schema ignored.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { MigrationMonitor } from '../../electron/core/pgmigrate/migration-monitor'
import type { MigrationStatus } from '../../shared/contract/migration'
import type { StepState } from '../../shared/contract/types'
import { tempDir } from '../support/paths'

const cleanups: (() => void)[] = []
afterEach(() => cleanups.splice(0).forEach((c) => c()))

function workspace(): string {
  const t = tempDir('ferry-monitor-')
  cleanups.push(t.cleanup)
  mkdirSync(join(t.dir, '.ferry'))
  return t.dir
}

const state = (status: StepState['status'], extra: Partial<StepState> = {}): StepState => ({
  stepId: 'p3.migrate',
  status,
  runId: 'run-1',
  startedAt: '2026-11-01T10:00:00.000Z',
  finishedAt: null,
  evidence: null,
  error: null,
  progress: null,
  confirmation: null,
  ...extra,
})

const counters = (done: number, bytes: number, status = 'loading', extra = {}) => ({
  kind: 'pgmigrate',
  schema: 'agent_memory',
  phase: 'load',
  loadMs: null,
  tables: [
    { table: 'events', total: 3000, done, rejected: 2, bytes, status, base: 0, ms: 0, ...extra },
    {
      table: 'agents',
      total: 10,
      done: 0,
      rejected: 0,
      bytes: 0,
      status: 'waiting',
      base: 0,
      ms: 0,
    },
  ],
})

/** A monitor on a settable clock, p3.migrate running in a new workspace, its events kept. */
function running(clock: { now: number }) {
  const events: MigrationStatus[] = []
  const m = new MigrationMonitor({
    emit: (e, p) => e === 'migration.progress' && events.push(p as MigrationStatus),
    now: () => clock.now,
  })
  const root = workspace()
  m.onStepState(root, state('running'))
  return { m, events, root }
}

describe('MigrationMonitor', () => {
  it('turns counters into rates, ETAs and a chart, and sends only new chart points', () => {
    const clock = { now: 1_000_000 }
    const { m, events, root } = running(clock)
    m.onDetail({ stepId: 'p3.migrate', runId: 'run-1' }, counters(0, 0))
    clock.now += 1000
    m.onDetail({ stepId: 'p3.migrate', runId: 'run-1' }, counters(1000, 1024 * 1024))
    clock.now += 1000
    m.onDetail({ stepId: 'p3.migrate', runId: 'run-1' }, counters(2000, 2 * 1024 * 1024))

    const s = m.status(root)
    expect(s.state).toBe('running')
    expect(s.phase).toBe('load')
    const ev = s.tables.find((t) => t.table === 'events')!
    expect(ev).toMatchObject({
      doneRows: 2000,
      rejectedRows: 2,
      rowsPerSec: 1000,
      mbPerSec: 1,
      etaSeconds: 1,
    })
    expect(s.tables.find((t) => t.table === 'agents')).toMatchObject({
      status: 'waiting',
      etaSeconds: null,
    })
    expect(s.totals).toMatchObject({
      totalRows: 3010,
      doneRows: 2000,
      rowsPerSec: 1000,
      etaSeconds: 1.01,
    })
    expect(s.samples.map((p) => p.rowsPerSec)).toEqual([1000, 1000])
    // Each event carries the points new since the previous one: together, the whole chart.
    expect(events.flatMap((e) => e.samples)).toEqual(s.samples)
    // Another workspace's view is not this run's.
    expect(m.status(workspace()).state).toBe('idle')
  })

  it('shows a finished table at its average over its own load time', () => {
    const m = new MigrationMonitor({ emit: () => undefined, now: () => 5 })
    const root = workspace()
    m.onStepState(root, state('running'))
    m.onDetail(
      { stepId: 'p3.migrate', runId: 'run-1' },
      counters(3000, 3 * 1024 * 1024, 'done', { base: 1000, ms: 500 }),
    )
    const ev = m.status(root).tables.find((t) => t.table === 'events')!
    expect(ev).toMatchObject({ status: 'done', rowsPerSec: 4000, etaSeconds: 0 })
    expect(ev.mbPerSec).toBeCloseTo(6)
  })

  it('draws a load shorter than the sampling interval as its average, from its start to its end', () => {
    const clock = { now: 1_000_000 }
    const { m, events, root } = running(clock)
    // One progress message during the whole load: no rate yet, so no point on the chart.
    m.onDetail({ stepId: 'p3.migrate', runId: 'run-1' }, counters(3000, 3 * 1024 * 1024, 'done'))
    expect(m.status(root).samples).toEqual([])
    clock.now += 150
    m.onDetail(
      { stepId: 'p3.migrate', runId: 'run-1' },
      { ...counters(3000, 3 * 1024 * 1024, 'done'), phase: 'constraints', loadMs: 150 },
    )
    const s = m.status(root)
    expect(s.samples).toEqual([
      { t: 1_000_000, rowsPerSec: 20_000, mbPerSec: 20 },
      { t: 1_000_150, rowsPerSec: 20_000, mbPerSec: 20 },
    ])
    expect(events.flatMap((e) => e.samples)).toEqual(s.samples)
    // Later phases add nothing to the load's chart.
    clock.now += 1000
    m.onDetail(
      { stepId: 'p3.migrate', runId: 'run-1' },
      { ...counters(3000, 3 * 1024 * 1024, 'done'), phase: 'validate', loadMs: 150 },
    )
    expect(m.status(root).samples).toHaveLength(2)
  })

  it('freezes the view when the step ends, and saves it for the next backend', () => {
    let now = 0
    const m = new MigrationMonitor({ emit: () => undefined, now: () => now })
    const root = workspace()
    m.onStepState(root, state('running'))
    m.onDetail({ stepId: 'p3.migrate', runId: 'run-1' }, counters(1000, 10))
    // A detail of another run, or one that fails the schema, changes nothing.
    m.onDetail({ stepId: 'p3.migrate', runId: 'run-2' }, counters(5, 5))
    m.onDetail({ stepId: 'p3.migrate', runId: 'run-1' }, { kind: 'pgmigrate', tables: 'x' })
    now = 10
    m.onStepState(
      root,
      state('failed', {
        finishedAt: '2026-11-01T10:01:00.000Z',
        error: { code: 'X', message: 'boom' },
      }),
    )
    const s = m.status(root)
    expect(s).toMatchObject({ state: 'failed', error: 'boom', origin: 'live' })
    expect(s.tables.find((t) => t.table === 'events')).toMatchObject({
      doneRows: 1000,
      status: 'failed',
      etaSeconds: null,
    })

    const fresh = new MigrationMonitor({ emit: () => undefined })
    const saved = fresh.status(root)
    expect(saved).toMatchObject({ origin: 'report', state: 'failed', runId: 'run-1' })
    expect(saved.tables).toEqual(s.tables)
  })
})
