// Evidence for an index: the query it exists for ("the rows that point at this parent"), its
// EXPLAIN QUERY PLAN, and its median time on the live data. The parameter is a real value taken
// from the middle of the table, so the same probe runs before and after.
import type { SqliteDb } from './open'
import { quoteIdent } from './open'
import { sampleTimes, summarise } from '../workload/run'

export interface Probe {
  sql: string
  params: unknown[]
}

export function probeFor(db: SqliteDb, table: string, columns: readonly string[]): Probe {
  const t = quoteIdent(table)
  const cols = columns.map(quoteIdent)
  const notNull = cols.map((c) => `${c} IS NOT NULL`).join(' AND ')
  const n = Number(
    db
      .prepare(`SELECT count(*) FROM ${t} WHERE ${notNull}`)
      .pluck()
      .safeIntegers(true)
      .get() as bigint,
  )
  const row = db
    .prepare(`SELECT ${cols.join(', ')} FROM ${t} WHERE ${notNull} LIMIT 1 OFFSET ?`)
    .raw()
    .safeIntegers(true)
    .get(Math.floor(n / 2)) as unknown[] | undefined
  return {
    sql: `SELECT * FROM ${t} WHERE ${cols.map((c) => `${c} = ?`).join(' AND ')}`,
    params: row ?? columns.map(() => null),
  }
}

/** EXPLAIN QUERY PLAN as one line: the detail of each step, in order, joined with "; ". */
export function explainPlan(db: SqliteDb, sql: string, params: readonly unknown[]): string {
  const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]
  return rows.map((r) => r.detail).join('; ')
}

export interface Timing {
  medianMs: number
  runs: number
}

/** Median wall time of a query over `runs` executions after `warmup` (fewer when the budget runs out). */
export function timeQuery(
  db: SqliteDb,
  sql: string,
  params: readonly unknown[],
  o: { runs?: number; warmup?: number; budgetMs?: number } = {},
): Timing {
  const stmt = db.prepare(sql).raw().safeIntegers(true)
  const samples = sampleTimes((p) => void stmt.all(...p), [[...params]], {
    iterations: o.runs ?? 15,
    warmup: o.warmup ?? 2,
    budgetMs: o.budgetMs ?? 4000,
  })
  return { medianMs: summarise(samples).p50, runs: samples.length }
}

export function round3(n: number): number {
  return Math.round(n * 1000) / 1000
}
