// The old, file-based system's column: each workload question answered by reading .claude/ from
// scratch (list, read, parse — workload/files.ts, the same equivalents p2.perf-test times, so the
// two steps agree), cycling through the baseline's parameter values like the SQLite backends.
// Questions whose data only ever lived in state.db have no equivalent and say so.
import { throwIfCancelled } from '../jobs/job'
import { answerFromFiles, FILE_EQUIVALENTS } from '../workload/files'
import type { WorkloadQuery } from '../workload/queries'
import { encodeParams, summarise, type QueryResult } from '../workload/run'
import type { TimingOptions } from './pg-measure'

const skipped = (q: WorkloadQuery, reason: string): QueryResult => ({
  query: q.name,
  description: q.description,
  sql: '',
  params: [],
  p50: null,
  p95: null,
  p99: null,
  mean: null,
  iterations: 0,
  rows: null,
  plan: null,
  resultSha256: null,
  skipped: reason,
})

export async function runFileWorkload(
  root: string,
  queries: readonly WorkloadQuery[],
  params: ReadonlyMap<string, unknown[][]>,
  o: TimingOptions,
): Promise<QueryResult[]> {
  const results: QueryResult[] = []
  for (const [i, q] of queries.entries()) {
    if (o.signal) throwIfCancelled(o.signal)
    o.onQuery?.(i, queries.length, q.name)
    const eq = FILE_EQUIVALENTS.find((f) => f.query === q.name)
    if (!eq) {
      results.push(
        skipped(q, `no file equivalent: ${q.tables.join(', ')} lived only in state.db in the old system (see "state.db before Phase 1")`),
      )
      continue
    }
    const sets = eq.param ? (params.get(q.name) ?? []) : [[]]
    if (!sets.length) {
      results.push(skipped(q, 'no parameter values in the baseline (the query was skipped there)'))
      continue
    }
    // The file readers compare agent ids as JS values: a bigint id becomes a number.
    const value = (k: number): unknown => {
      const v = sets[k % sets.length]![0]
      return typeof v === 'bigint' ? Number(v) : (v ?? null)
    }
    const rows = (await answerFromFiles(root, eq, value(0))).rows.length
    const samples: number[] = []
    const begin = performance.now()
    for (let k = 0; k < o.iterations; k++) {
      if (o.signal) throwIfCancelled(o.signal)
      const t0 = performance.now()
      await answerFromFiles(root, eq, value(k))
      samples.push(performance.now() - t0)
      if (samples.length >= 3 && performance.now() - begin > o.budgetMs) break
    }
    results.push({
      query: q.name,
      description: q.description,
      sql: `files: ${eq.source}/ read and parsed on every call (workload/files.ts)`,
      params: encodeParams(sets),
      ...summarise(samples),
      iterations: samples.length,
      rows,
      plan: `reads every file under .claude/${eq.source}/`,
      resultSha256: null,
      skipped: null,
    })
  }
  return results
}
