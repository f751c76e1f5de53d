// The per-column part of the report: every column with its chosen type, and for each refused
// candidate type the reason, the count and sample row keys — the would-reject forecast, known
// before any data moves.
import type { MigrationPlan, RejectedCandidate } from './types'

export interface ColumnReport {
  table: string
  column: string
  target: string
  declaredType: string
  type: string
  rejectedCandidates: RejectedCandidate[]
  notes: string[]
  /** Values the loader is expected to send to the reject log. */
  forecastRejects: number
}

export function columnReport(plan: MigrationPlan): ColumnReport[] {
  return plan.tables.flatMap((t) =>
    t.columns.map((c) => ({
      table: t.source,
      column: c.source,
      target: c.target,
      declaredType: c.declaredType,
      type: c.typeSql + (c.identity ? ' (identity)' : ''),
      rejectedCandidates: c.rejected,
      notes: c.notes,
      forecastRejects: c.forecastRejects,
    })),
  )
}
