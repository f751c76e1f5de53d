// p4.concurrency's evidence as chart rows: one row per agent count with each backend's p95, p99
// and lock waits over 100 ms, and the verdicts. Evidence is read defensively (it is JSON from a
// journal that may hold an older layout): anything unreadable is left out, never invented.
import type { Evidence } from '../../../shared/contract/types'

export const SWEEP_BACKENDS = ['sqlite', 'postgres'] as const
export type SweepBackend = (typeof SWEEP_BACKENDS)[number]

export interface SweepRow {
  n: number
  /** e.g. sqlite_p95, postgres_lockWaits */
  [key: string]: number | null
}

export interface SweepVerdict {
  label: string
  pass: boolean | null
  reason: string
}

export interface SweepView {
  rows: SweepRow[]
  verdicts: SweepVerdict[]
  opsPerAgent: number | null
}

type Obj = Record<string, unknown>
const obj = (v: unknown): Obj | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : null)
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)

function verdictOf(label: string, v: unknown): SweepVerdict | null {
  const o = obj(v)
  if (!o || typeof o.reason !== 'string') return null
  return { label, pass: typeof o.pass === 'boolean' ? o.pass : null, reason: o.reason }
}

export function sweepView(evidence: Evidence | null | undefined): SweepView | null {
  if (!evidence) return null
  const byN = new Map<number, SweepRow>()
  const verdicts: SweepVerdict[] = []
  for (const b of SWEEP_BACKENDS) {
    const side = obj(evidence[b])
    const runs = Array.isArray(side?.runs) ? side.runs : []
    for (const r of runs) {
      const run = obj(r)
      const n = num(run?.n)
      if (!run || n === null) continue
      const row = byN.get(n) ?? { n }
      const all = obj(run.all)
      row[`${b}_p95`] = num(all?.p95)
      row[`${b}_p99`] = num(all?.p99)
      row[`${b}_lockWaits`] = num(obj(run.lockWaits)?.over100)
      row[`${b}_failed`] = num(run.failed)
      byN.set(n, row)
    }
    const v = verdictOf(`${b}: 10 agents without blocking`, side?.verdict)
    if (v) verdicts.push(v)
  }
  const idx = verdictOf('postgres: during CREATE INDEX CONCURRENTLY', obj(evidence.duringIndex)?.verdict)
  if (idx) verdicts.push(idx)
  if (byN.size === 0) return null
  return { rows: [...byN.values()].sort((a, b) => a.n - b.n), verdicts, opsPerAgent: num(evidence.opsPerAgent) }
}
