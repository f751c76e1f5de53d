// What the Benchmarks screen shows (bench.get): the latest p4.benchmark report, throughput vs
// agents from p4.concurrency's evidence, and the migration's throughput from p3.migrate's — each
// chart "not measured" with the reason when its step has not produced numbers.
import type { BenchView, ConcurrencyChart, MigrationChart } from '../../../shared/contract/bench'
import type { StepState } from '../../../shared/contract/types'
import type { WorkspacePaths } from '../workspace/resolve'
import { latestReport } from './report'

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const numOf = (o: Obj, keys: RegExp): number | null => {
  for (const [k, v] of Object.entries(o)) if (keys.test(k) && typeof v === 'number' && Number.isFinite(v)) return v
  return null
}
const AGENTS = /^(agents|n|concurrency|workers)$/i
const THROUGHPUT = /^(opsPerSec|opsPerSecond|throughput|throughputOpsPerSec|ops_per_sec)$/i

/**
 * Finds the sweep in p4.concurrency's evidence without binding to one layout: arrays of points
 * with an agent count and a throughput, grouped by their `backend` field or by the key holding them.
 */
export function concurrencySeries(evidence: unknown): { backend: string; points: { agents: number; opsPerSec: number | null }[] }[] {
  const series = new Map<string, { agents: number; opsPerSec: number | null }[]>()
  const walk = (v: unknown, key: string, depth: number): void => {
    if (depth > 5) return
    if (Array.isArray(v)) {
      for (const item of v) {
        if (!isObj(item)) continue
        const agents = numOf(item, AGENTS)
        const ops = numOf(item, THROUGHPUT)
        if (agents !== null && ops !== null) {
          const backend = typeof item.backend === 'string' ? item.backend : key
          const list = series.get(backend) ?? []
          list.push({ agents, opsPerSec: ops })
          series.set(backend, list)
        } else walk(item, typeof item.backend === 'string' ? item.backend : key, depth + 1)
      }
      // A run during an index build is not a point of the sweep.
    } else if (isObj(v)) for (const [k, x] of Object.entries(v)) if (!/index/i.test(k)) walk(x, k, depth + 1)
  }
  walk(evidence, 'sweep', 0)
  return [...series].map(([backend, points]) => ({ backend, points: points.sort((a, b) => a.agents - b.agents) }))
}

export function concurrencyChart(state: StepState | null): ConcurrencyChart {
  if (!state || state.status !== 'done' || !state.evidence)
    return { measured: false, reason: 'p4.concurrency has not run in this workspace' }
  const series = concurrencySeries(state.evidence)
  if (!series.length)
    return { measured: false, reason: "p4.concurrency's evidence has no throughput per agent count" }
  return { measured: true, stepId: 'p4.concurrency', at: state.finishedAt, series }
}

export function migrationChart(state: StepState | null): MigrationChart {
  if (!state || state.status !== 'done' || !state.evidence)
    return { measured: false, reason: 'p3.migrate has not run in this workspace' }
  const ev = state.evidence
  const tables = Array.isArray(ev.tables) ? ev.tables.filter(isObj) : []
  const points = tables
    .map((t) => {
      const rows = typeof t.loadedRows === 'number' ? t.loadedRows : 0
      const ms = typeof t.ms === 'number' ? t.ms : 0
      return { table: String(t.table ?? '?'), rows, ms, rowsPerSec: ms > 0 ? Math.round((rows / ms) * 1000) : null }
    })
    .filter((p) => p.rows > 0)
  if (!points.length) return { measured: false, reason: "p3.migrate's evidence has no per-table load times" }
  return {
    measured: true,
    stepId: 'p3.migrate',
    at: state.finishedAt,
    rowsPerSec: typeof ev.rowsPerSec === 'number' ? ev.rowsPerSec : null,
    note: 'p3.migrate records each table\u2019s rows and load time, not samples over time: one bar per table.',
    points,
  }
}

export function benchView(paths: WorkspacePaths, state: (stepId: string) => StepState): BenchView {
  const report = latestReport(paths.journalDb)
  return {
    report,
    reason: report ? null : 'p4.benchmark has not run in this workspace yet',
    concurrency: concurrencyChart(state('p4.concurrency')),
    migration: migrationChart(state('p3.migrate')),
  }
}
