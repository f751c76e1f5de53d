// The live migration view's state, held by the backend (not the page): fed by p3.migrate's progress
// details (cumulative per-table counters from the worker), it adds rates on this process's clock,
// ETAs and a throughput time series. A reloaded page asks migration.status and redraws the same
// state; when the run ends the state is written to .ferry/p3-migrate-progress.json, so the last
// run's view also survives a restart of the backend.
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import type { EmitFn } from '../../../shared/contract/dispatcher'
import {
  MigrationStatus,
  type MigrationSample,
  type MigrationTable,
} from '../../../shared/contract/migration'
import type { StepState } from '../../../shared/contract/types'
import { writeFileAtomic } from '../fs/atomic'

export const MIGRATE_STEP = 'p3.migrate'
export const PROGRESS_FILE = path.join('.ferry', 'p3-migrate-progress.json')

const WINDOW_MS = 5000
const SAMPLE_EVERY_MS = 250
const MAX_SAMPLES = 1200
const MB = 1024 * 1024

// The worker's detail crossed a process boundary: checked, never trusted.
const Detail = z.object({
  kind: z.literal('pgmigrate'),
  schema: z.string(),
  phase: z.enum(['profile', 'load', 'constraints', 'validate']),
  tables: z
    .array(
      z.object({
        table: z.string(),
        total: z.number().nonnegative(),
        done: z.number().nonnegative(),
        rejected: z.number().nonnegative(),
        bytes: z.number().nonnegative(),
        status: z.enum(['waiting', 'loading', 'done', 'failed']),
        base: z.number().nonnegative().optional(),
        ms: z.number().nonnegative().optional(),
      }),
    )
    .nullable(),
  loadMs: z.number().nonnegative().nullable().optional(),
})

type Counters = NonNullable<z.infer<typeof Detail>['tables']>[number]

interface Point {
  t: number
  done: number
  bytes: number
}

interface TableTrack {
  window: Point[]
}

interface Live {
  root: string
  status: MigrationStatus
  tracks: Map<string, TableTrack>
  overall: Point[]
  lastSampleAt: number
  /** When the first load-phase detail arrived (null before the load). */
  loadStartedAt: number | null
  /** The load's chart is closed (the phase moved on). */
  loadClosed: boolean
  /** Index in status.samples of the first sample not yet sent in an event. */
  unsent: number
}

export interface MonitorOptions {
  emit: EmitFn
  now?: () => number
}

export class MigrationMonitor {
  private live: Live | null = null
  private readonly now: () => number

  constructor(private readonly opts: MonitorOptions) {
    this.now = opts.now ?? Date.now
  }

  /** Every step.state the runner emits: p3.migrate starting resets the view, ending freezes it. */
  onStepState(root: string, state: StepState): void {
    if (state.stepId !== MIGRATE_STEP) return
    if (state.status === 'running') {
      this.live = {
        root,
        status: {
          ...emptyStatus('agent_memory'),
          origin: 'live',
          state: 'running',
          stepId: state.stepId,
          runId: state.runId,
          startedAt: state.startedAt ?? new Date(this.now()).toISOString(),
        },
        tracks: new Map(),
        overall: [],
        lastSampleAt: 0,
        loadStartedAt: null,
        loadClosed: false,
        unsent: 0,
      }
      this.push()
      return
    }
    const live = this.live
    if (!live || live.root !== root || live.status.runId !== state.runId) return
    if (state.status !== 'done' && state.status !== 'failed' && state.status !== 'pending') return
    const s = live.status
    s.state = state.status === 'done' ? 'done' : 'failed'
    s.finishedAt = state.finishedAt ?? new Date(this.now()).toISOString()
    s.error = state.error ? state.error.message : null
    for (const t of s.tables) {
      if (t.status === 'loading') t.status = s.state === 'done' ? 'done' : 'failed'
      t.etaSeconds = null
    }
    s.totals.etaSeconds = null
    this.push()
    try {
      writeFileAtomic(path.join(root, PROGRESS_FILE), JSON.stringify(s) + '\n')
    } catch {
      // The view of a finished run is a convenience; the run's own report is the record.
    }
  }

  /** A progress detail of the running p3.migrate. */
  onDetail(run: { stepId: string; runId: string }, detail: unknown): void {
    const live = this.live
    if (!live || run.stepId !== MIGRATE_STEP || live.status.runId !== run.runId) return
    const d = Detail.safeParse(detail)
    if (!d.success) return
    const t = this.now()
    const s = live.status
    s.schema = d.data.schema
    s.phase = d.data.phase
    if (d.data.tables) {
      s.tables = d.data.tables.map((c) => this.table(live, c, t))
      const sum = (f: (x: MigrationTable) => number): number =>
        s.tables.reduce((n, x) => n + f(x), 0)
      const done = sum((x) => x.doneRows)
      const bytes = sum((x) => x.bytes)
      const rate = windowRate(live.overall, { t, done, bytes })
      const loading = d.data.phase === 'load'
      // After the load, the whole load's average: rows this run loaded over the load's wall time.
      const base = d.data.tables.reduce((n, x) => n + (x.base ?? 0), 0)
      const avg = averageRate(done - base, bytes, d.data.loadMs ?? null)
      s.totals = {
        totalRows: sum((x) => x.totalRows),
        doneRows: done,
        rejectedRows: sum((x) => x.rejectedRows),
        bytes,
        rowsPerSec: loading ? rate.rowsPerSec : avg.rowsPerSec,
        mbPerSec: loading ? rate.mbPerSec : avg.mbPerSec,
        etaSeconds:
          loading && rate.rowsPerSec
            ? Math.max(0, sum((x) => x.totalRows) - done) / rate.rowsPerSec
            : loading
              ? null
              : 0,
      }
      if (loading && live.loadStartedAt === null) live.loadStartedAt = t
      if (!loading && live.loadStartedAt !== null && !live.loadClosed) {
        live.loadClosed = true
        // A load shorter than a few progress messages left the chart with one point or none (no
        // line to draw): its whole-load average stands for it, from the load's start to its end.
        if (s.samples.length < 2 && avg.rowsPerSec !== null) {
          const point = { rowsPerSec: avg.rowsPerSec, mbPerSec: avg.mbPerSec ?? 0 }
          if (s.samples.length === 0) s.samples.push({ t: live.loadStartedAt, ...point })
          s.samples.push({ t: Math.max(t, s.samples[0]!.t + 1), ...point })
        }
      }
      if (loading && rate.rowsPerSec !== null && t - live.lastSampleAt >= SAMPLE_EVERY_MS) {
        live.lastSampleAt = t
        s.samples.push({ t, rowsPerSec: rate.rowsPerSec, mbPerSec: rate.mbPerSec ?? 0 })
        if (s.samples.length > MAX_SAMPLES) {
          // Keep the whole run's shape: halve the resolution instead of dropping the start.
          s.samples = s.samples.filter((_, i) => i % 2 === 0)
          live.unsent = Math.min(live.unsent, s.samples.length)
        }
      }
    }
    this.push()
  }

  /** The live state of this workspace's run, or the last run's saved view, or an idle state. */
  status(root: string): MigrationStatus {
    if (this.live && this.live.root === root) return structuredClone(this.live.status)
    return readSavedStatus(root) ?? emptyStatus('agent_memory')
  }

  private table(live: Live, c: Counters, t: number): MigrationTable {
    let track = live.tracks.get(c.table)
    if (!track) {
      track = { window: [] }
      live.tracks.set(c.table, track)
    }
    const point = { t, done: c.done, bytes: c.bytes }
    let rowsPerSec: number | null = null
    let mbPerSec: number | null = null
    if (c.status === 'loading') {
      const r = windowRate(track.window, point)
      rowsPerSec = r.rowsPerSec
      mbPerSec = r.mbPerSec
    } else if (c.status === 'done' && c.ms) {
      // A finished table shows its average over the time this run loaded it (the worker's timing:
      // the table may have started and ended between two progress messages).
      rowsPerSec = ((c.done - (c.base ?? 0)) / c.ms) * 1000
      mbPerSec = (c.bytes / MB / c.ms) * 1000
    }
    const left = Math.max(0, c.total - c.done)
    return {
      table: c.table,
      totalRows: c.total,
      doneRows: c.done,
      rejectedRows: c.rejected,
      bytes: c.bytes,
      rowsPerSec,
      mbPerSec,
      etaSeconds:
        c.status === 'done' ? 0 : c.status === 'loading' && rowsPerSec ? left / rowsPerSec : null,
      status: c.status,
    }
  }

  private push(): void {
    const live = this.live
    if (!live) return
    const samples = live.status.samples.slice(live.unsent)
    live.unsent = live.status.samples.length
    this.opts.emit('migration.progress', { ...structuredClone(live.status), samples })
  }
}

function averageRate(
  rows: number,
  bytes: number,
  ms: number | null,
): { rowsPerSec: number | null; mbPerSec: number | null } {
  if (!ms || ms <= 0) return { rowsPerSec: null, mbPerSec: null }
  return { rowsPerSec: (rows / ms) * 1000, mbPerSec: (bytes / MB / ms) * 1000 }
}

/** Rows/s and MB/s over the last WINDOW_MS of points (the window is updated in place). */
function windowRate(
  window: Point[],
  p: Point,
): { rowsPerSec: number | null; mbPerSec: number | null } {
  window.push(p)
  while (window.length > 2 && p.t - window[0]!.t > WINDOW_MS) window.shift()
  const first = window[0]!
  const dt = p.t - first.t
  if (dt <= 0) return { rowsPerSec: null, mbPerSec: null }
  return {
    rowsPerSec: Math.max(0, ((p.done - first.done) / dt) * 1000),
    mbPerSec: Math.max(0, ((p.bytes - first.bytes) / MB / dt) * 1000),
  }
}

export function emptyStatus(schema: string): MigrationStatus {
  return {
    origin: 'live',
    state: 'idle',
    stepId: null,
    runId: null,
    schema,
    phase: null,
    startedAt: null,
    finishedAt: null,
    tables: [],
    totals: {
      totalRows: 0,
      doneRows: 0,
      rejectedRows: 0,
      bytes: 0,
      rowsPerSec: null,
      mbPerSec: null,
      etaSeconds: null,
    },
    samples: [] as MigrationSample[],
    error: null,
  }
}

function readSavedStatus(root: string): MigrationStatus | null {
  const file = path.join(root, PROGRESS_FILE)
  if (!existsSync(file)) return null
  try {
    const parsed = MigrationStatus.safeParse(JSON.parse(readFileSync(file, 'utf8')))
    return parsed.success ? { ...parsed.data, origin: 'report' } : null
  } catch {
    return null
  }
}
