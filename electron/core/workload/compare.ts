// Before/after of two workload runs, query by query: the numbers, the speed-up, a verdict that
// ignores timer noise, and whether the rows are the same.
import type { QueryResult } from './run'

export type Verdict = 'faster' | 'slower' | 'same' | 'skipped'

export interface ComparisonRow {
  query: string
  description: string
  rows: number | null
  p50Before: number | null
  p95Before: number | null
  p99Before: number | null
  p50After: number | null
  p95After: number | null
  p99After: number | null
  /** before / after: 2 means twice as fast. */
  speedupP50: number | null
  speedupP95: number | null
  verdict: Verdict
  planBefore: string | null
  planAfter: string | null
  /** Same rows (by SHA-256) as the baseline; false can also mean the agents changed the data since. */
  sameResults: boolean | null
  skipped: string | null
}

/** before / after to three significant digits (0.00266 when a query got 376 times slower). */
export const ratio = (b: number | null, a: number | null): number | null =>
  b !== null && a !== null && b > 0 && a > 0 ? Number((b / a).toPrecision(3)) : null

/** Differences under 10 % or 0.05 ms are timer noise, not a verdict. */
function verdictOf(b: number | null, a: number | null): Verdict {
  if (b === null || a === null) return 'skipped'
  if (Math.abs(a - b) < Math.max(0.1 * b, 0.05)) return 'same'
  return a < b ? 'faster' : 'slower'
}

export function compareRuns(
  before: readonly QueryResult[],
  after: readonly QueryResult[],
): ComparisonRow[] {
  return after.map((a) => {
    const b = before.find((x) => x.query === a.query)
    const skipped = a.skipped ?? b?.skipped ?? (b ? null : 'not in the baseline')
    const s50 = skipped ? null : ratio(b!.p50, a.p50)
    const verdict: Verdict = skipped ? 'skipped' : verdictOf(b!.p50, a.p50)
    return {
      query: a.query,
      description: a.description,
      rows: a.rows,
      p50Before: b?.p50 ?? null,
      p95Before: b?.p95 ?? null,
      p99Before: b?.p99 ?? null,
      p50After: a.p50,
      p95After: a.p95,
      p99After: a.p99,
      speedupP50: s50,
      speedupP95: skipped ? null : ratio(b!.p95, a.p95),
      verdict,
      planBefore: b?.plan ?? null,
      planAfter: a.plan,
      sameResults:
        skipped || !b?.resultSha256 || !a.resultSha256 ? null : b.resultSha256 === a.resultSha256,
      skipped,
    }
  })
}
