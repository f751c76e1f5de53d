// Runs the workload against a SQLite database opened read-only: per query, a warm-up, then N timed
// executions cycling through the picked parameter sets; p50/p95/p99 in milliseconds. Also records
// each query's plan and a hash of its rows, so "after" can be checked to return the same answer.
import { createHash } from 'node:crypto'
import type { Statement } from 'better-sqlite3'
import { throwIfCancelled } from '../jobs/job'
import { quoteIdent, type SqliteDb } from '../sqlite/open'
import { pickSql, type WorkloadQuery } from './queries'

export interface WorkloadOptions {
  iterations?: number
  warmup?: number
  /** Per query: stop timing after this long (at least 3 samples are always taken). */
  budgetMs?: number
  /** How many parameter sets to pick per query. */
  paramSets?: number
  /** Reuse these parameter sets (e.g. the baseline's), by query name. */
  params?: ReadonlyMap<string, unknown[][]>
  signal?: AbortSignal
  onQuery?: (index: number, total: number, name: string) => void
}

export interface QueryResult {
  query: string
  description: string
  sql: string
  /** JSON-safe parameter sets (integers beyond 2^53 kept exact as {"int": "…"}). */
  params: unknown[][]
  p50: number | null
  p95: number | null
  p99: number | null
  mean: number | null
  iterations: number
  /** Rows returned for the first parameter set. */
  rows: number | null
  plan: string | null
  resultSha256: string | null
  skipped: string | null
}

export const DEFAULT_ITERATIONS = 30

/** Nearest-rank percentile (p in 0..1) of samples sorted ascending; the median averages the middle pair. */
export function percentileOf(sorted: readonly number[], p: number): number {
  if (p === 0.5 && sorted.length % 2 === 0 && sorted.length)
    return (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2
  const rank = Math.max(1, Math.ceil(p * sorted.length))
  return sorted[Math.min(rank, sorted.length) - 1]!
}

const r3 = (n: number): number => Math.round(n * 1000) / 1000

export function summarise(samples: readonly number[]): {
  p50: number
  p95: number
  p99: number
  mean: number
} {
  const s = [...samples].sort((a, b) => a - b)
  return {
    p50: r3(percentileOf(s, 0.5)),
    p95: r3(percentileOf(s, 0.95)),
    p99: r3(percentileOf(s, 0.99)),
    mean: r3(s.reduce((a, b) => a + b, 0) / s.length),
  }
}

/** Times `run` over the parameter sets: `warmup` untimed passes, then `iterations` samples in ms. */
export function sampleTimes(
  run: (params: unknown[]) => void,
  sets: readonly unknown[][],
  o: { iterations: number; warmup: number; budgetMs: number },
): number[] {
  const use = sets.length ? sets : [[]]
  for (let i = 0; i < o.warmup; i++) run(use[i % use.length]!)
  const samples: number[] = []
  const begin = performance.now()
  for (let i = 0; i < o.iterations; i++) {
    const t0 = performance.now()
    run(use[i % use.length]!)
    samples.push(performance.now() - t0)
    if (samples.length >= 3 && performance.now() - begin > o.budgetMs) break
  }
  return samples
}

export function encodeParams(sets: readonly unknown[][]): unknown[][] {
  return sets.map((s) => s.map((v) => (typeof v === 'bigint' ? { int: v.toString() } : v)))
}

export function decodeParams(sets: readonly unknown[][]): unknown[][] {
  return sets.map((s) =>
    s.map((v) =>
      v && typeof v === 'object' && 'int' in v ? BigInt((v as { int: string }).int) : v,
    ),
  )
}

function rowsHash(rows: unknown[][], hash: ReturnType<typeof createHash>): void {
  hash.update(
    JSON.stringify(rows, (_k, v: unknown) =>
      typeof v === 'bigint' ? v.toString() : Buffer.isBuffer(v) ? v.toString('hex') : v,
    ),
  )
  hash.update('\n')
}

export function pickParams(db: SqliteDb, q: WorkloadQuery, n: number): unknown[][] {
  if (!q.pick) return [[]]
  const values = db
    .prepare(pickSql(q.pick, quoteIdent))
    .pluck()
    .safeIntegers(true)
    .all(n) as unknown[]
  return values.map((v) => [v])
}

function skipped(q: WorkloadQuery, reason: string, params: unknown[][] = []): QueryResult {
  return {
    query: q.name,
    description: q.description,
    sql: q.sql,
    params: encodeParams(params),
    p50: null,
    p95: null,
    p99: null,
    mean: null,
    iterations: 0,
    rows: null,
    plan: null,
    resultSha256: null,
    skipped: reason,
  }
}

export async function runWorkload(
  db: SqliteDb,
  queries: readonly WorkloadQuery[],
  o: WorkloadOptions = {},
): Promise<QueryResult[]> {
  const iterations = o.iterations ?? DEFAULT_ITERATIONS
  const tables = new Set(
    db
      .prepare("SELECT lower(name) FROM sqlite_schema WHERE type IN ('table', 'view')")
      .pluck()
      .all() as string[],
  )
  const results: QueryResult[] = []
  for (const [i, q] of queries.entries()) {
    if (o.signal) throwIfCancelled(o.signal)
    o.onQuery?.(i, queries.length, q.name)
    const missing = q.tables.filter((t) => !tables.has(t.toLowerCase()))
    if (missing.length) {
      results.push(skipped(q, `no table ${missing.join(', ')} in this database`))
      continue
    }
    let params: unknown[][]
    let stmt: Statement<unknown[]>
    try {
      params = o.params?.get(q.name) ?? pickParams(db, q, o.paramSets ?? 5)
      stmt = db.prepare<unknown[]>(q.sql).raw().safeIntegers(true)
    } catch (err) {
      results.push(skipped(q, `cannot run here: ${(err as Error).message}`))
      continue
    }
    if (!params.length) {
      results.push(skipped(q, `no values of ${q.pick!.table}.${q.pick!.column} to sample`))
      continue
    }
    const hash = createHash('sha256')
    let rows: number | null = null
    for (const p of params) {
      const out = stmt.all(...p) as unknown[][]
      rows ??= out.length
      rowsHash(out, hash)
    }
    const plan = (
      db.prepare(`EXPLAIN QUERY PLAN ${q.sql}`).all(...params[0]!) as { detail: string }[]
    )
      .map((r) => r.detail)
      .join('; ')
    const samples = sampleTimes((p) => void stmt.all(...p), params, {
      iterations,
      warmup: o.warmup ?? 3,
      budgetMs: o.budgetMs ?? 20_000,
    })
    results.push({
      query: q.name,
      description: q.description,
      sql: q.sql,
      params: encodeParams(params),
      ...summarise(samples),
      iterations: samples.length,
      rows,
      plan,
      resultSha256: hash.digest('hex'),
      skipped: null,
    })
    // Yield so a cancel message can arrive between queries.
    await new Promise((r) => setImmediate(r))
  }
  return results
}
