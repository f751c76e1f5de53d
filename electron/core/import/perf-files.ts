// p2.perf-test's "old system" column: each workload query's file-based equivalent timed by
// reading .claude/ (workload/files.ts), with the same question's count on memory.db's
// file-derived table next to it, so the answers are checked and Phase 4 can chart three columns:
// state.db (the baseline), memory.db, and the files.
import type { SqliteDb } from '../sqlite/open'
import { throwIfCancelled } from '../jobs/job'
import { answerFromFiles, FILE_EQUIVALENTS } from '../workload/files'
import { WORKLOAD } from '../workload/queries'
import { summarise } from '../workload/run'

export interface FileColumnRow {
  query: string
  source: 'logs' | 'config' | 'context' | null
  /** The parameter used: the baseline's first value for the query (the busiest agent). */
  param: unknown
  p50: number | null
  p95: number | null
  mean: number | null
  iterations: number
  filesRead: number | null
  /** Matching records found in the files, and the same question counted on memory.db. */
  count: number | null
  memoryDbCount: number | null
  sameCount: boolean | null
  rows: number | null
  skipped: string | null
}

/** Reading every log is slow by nature: a few samples within a budget, at least one. */
const ITERATIONS = 5
const BUDGET_MS = 5_000

export async function measureFileColumn(
  root: string,
  mem: SqliteDb,
  params: ReadonlyMap<string, unknown[][]>,
  o: { signal: AbortSignal; onQuery?: (i: number, n: number, name: string) => void },
): Promise<FileColumnRow[]> {
  const out: FileColumnRow[] = []
  for (const [i, w] of WORKLOAD.entries()) {
    throwIfCancelled(o.signal)
    o.onQuery?.(i, WORKLOAD.length, w.name)
    const q = FILE_EQUIVALENTS.find((f) => f.query === w.name)
    const base = {
      query: w.name,
      p50: null,
      p95: null,
      mean: null,
      iterations: 0,
      filesRead: null,
      count: null,
      memoryDbCount: null,
      sameCount: null,
      rows: null,
    }
    if (!q) {
      out.push({
        ...base,
        source: null,
        param: null,
        skipped: `no file equivalent: ${w.tables.join(', ')} live only in state.db`,
      })
      continue
    }
    const param = q.param ? params.get(w.name)?.[0]?.[0] : null
    if (q.param && param === undefined) {
      out.push({
        ...base,
        source: q.source,
        param: null,
        skipped: 'no parameter: the baseline skipped this query',
      })
      continue
    }
    const value = typeof param === 'bigint' ? Number(param) : param
    const samples: number[] = []
    const begin = performance.now()
    let answer = await answerFromFiles(root, q, value)
    samples.push(performance.now() - begin)
    while (samples.length < ITERATIONS && performance.now() - begin < BUDGET_MS) {
      throwIfCancelled(o.signal)
      const t0 = performance.now()
      answer = await answerFromFiles(root, q, value)
      samples.push(performance.now() - t0)
    }
    const memoryDbCount = mem
      .prepare(q.memoryCountSql)
      .pluck()
      .get(...(q.param ? [param] : [])) as number
    out.push({
      ...base,
      source: q.source,
      param: value ?? null,
      ...summarise(samples),
      iterations: samples.length,
      filesRead: answer.filesRead,
      count: answer.count,
      memoryDbCount,
      sameCount: answer.count === memoryDbCount,
      rows: answer.rows.length,
      skipped: null,
    })
  }
  return out
}
