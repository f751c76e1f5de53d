// The Benchmarks screen's charts as plain data (unit-testable without a DOM): one row per query
// with one value per measured backend, so recharts draws one bar series per backend.
import type { BenchBackend, BenchReport } from '../../../shared/contract/bench'

export type LatencyMetric = 'p50' | 'p95'

/** Fixed colours per backend, so "PostgreSQL" is the same colour on every chart and screenshot. */
export const BACKEND_COLORS: Record<string, string> = {
  files: '#8a5a00',
  'state-before': '#6e7781',
  'state-after': '#0969da',
  memory: '#8250df',
  postgres: '#1a7f37',
}

export interface LatencyRow {
  query: string
  description: string
  [backend: string]: string | number | null
}

export function measuredBackends(report: BenchReport): BenchBackend[] {
  return report.backends.filter((b) => b.measured)
}

/** Rows of the grouped bar chart; a query not measured on a backend has null there (no bar). */
export function latencyRows(report: BenchReport, metric: LatencyMetric): LatencyRow[] {
  const backends = measuredBackends(report)
  const names = report.backends.flatMap((b) => b.queries.map((q) => q.query))
  const order = [...new Set(names)]
  return order.map((query) => {
    const row: LatencyRow = { query, description: '' }
    for (const b of backends) {
      const q = b.queries.find((x) => x.query === query)
      if (q && !row.description) row.description = q.description
      // A log axis cannot show 0: a sub-microsecond sample is drawn at 1 µs.
      row[b.id] = q && !q.skipped && q[metric] !== null ? Math.max(q[metric], 0.001) : null
    }
    return row
  })
}

/** Each not-measured backend and query, with its reason, for the list under the charts. */
export function notMeasured(report: BenchReport): { key: string; what: string; reason: string }[] {
  const out: { key: string; what: string; reason: string }[] = []
  for (const b of report.backends) {
    if (!b.measured) out.push({ key: b.id, what: b.label, reason: b.reason ?? '' })
    else
      for (const q of b.queries)
        if (q.skipped) out.push({ key: `${b.id}:${q.query}`, what: `${b.label} · ${q.query}`, reason: q.skipped })
  }
  return out
}

/** Throughput lines: one row per agent count, one column per backend series. */
export function throughputRows(
  series: readonly { backend: string; points: readonly { agents: number; opsPerSec: number | null }[] }[],
): Record<string, number | null>[] {
  const agents = [...new Set(series.flatMap((s) => s.points.map((p) => p.agents)))].sort((a, b) => a - b)
  return agents.map((n) => {
    const row: Record<string, number | null> = { agents: n }
    for (const s of series) row[s.backend] = s.points.find((p) => p.agents === n)?.opsPerSec ?? null
    return row
  })
}
