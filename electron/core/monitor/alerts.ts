// Alerts: which success-metric thresholds (MIGRATION-PLAN.md "Success Metrics") the latest
// samples cross. Pure, so the thresholds are unit-tested and the same in the step and the screen.
import type { MonitorAlert, MonitorDetail, MonitorSample } from '../../../shared/contract/monitor'

export const THRESHOLDS = {
  /** "Query response time < 100ms". */
  queryMs: 100,
  /** "10+ concurrent agents without blocking": no operation waiting more than 100 ms on a lock. */
  lockWaitMs: 100,
  /** "Database memory usage < 500MB" — the nearest the statistics views show is the database size. */
  databaseBytes: 500 * 1024 * 1024,
  /** A healthy OLTP cache; not a plan metric, a warning only. */
  cacheHitRatio: 0.99,
  /** Share of max_connections in use before agents start being refused. */
  connectionShare: 0.8,
} as const

export function alertsFor(samples: readonly MonitorSample[], detail: MonitorDetail | null): MonitorAlert[] {
  const last = samples.at(-1)
  if (!last) return []
  const out: MonitorAlert[] = []
  const add = (key: string, level: MonitorAlert['level'], metric: string, message: string): void => {
    out.push({ key, level, metric, message, at: last.at })
  }
  if (!last.ok) {
    add('availability', 'error', 'Availability', `The target did not answer the last sample: ${last.error ?? 'unknown error'}`)
    return out
  }
  if (last.longestLockWaitMs !== null && last.longestLockWaitMs > THRESHOLDS.lockWaitMs)
    add('locks', 'error', '10+ concurrent agents without blocking', `${last.lockWaits} session(s) waiting on a lock, the longest for ${Math.round(last.longestLockWaitMs)} ms (threshold ${THRESHOLDS.lockWaitMs} ms)`)
  if (last.longestQueryMs !== null && last.longestQueryMs > THRESHOLDS.queryMs)
    add('query', 'warn', 'Query response time < 100 ms', `A query has been running for ${Math.round(last.longestQueryMs)} ms (threshold ${THRESHOLDS.queryMs} ms)`)
  const slow = detail?.statements.available ? detail.statements.top.filter((s) => s.meanMs > THRESHOLDS.queryMs) : []
  if (slow.length)
    add('statements', 'warn', 'Query response time < 100 ms', `${slow.length} statement(s) in pg_stat_statements average over ${THRESHOLDS.queryMs} ms (slowest ${Math.round(slow[0]!.meanMs)} ms)`)
  if (last.databaseBytes !== null && last.databaseBytes > THRESHOLDS.databaseBytes)
    add('size', 'warn', 'Database memory < 500 MB', `The database takes ${Math.round(last.databaseBytes / 1024 / 1024)} MB on disk (threshold 500 MB)`)
  if (last.cacheHitRatio !== null && last.cacheHitRatio < THRESHOLDS.cacheHitRatio)
    add('cache', 'warn', 'Cache hit ratio', `Cache hit ratio ${(last.cacheHitRatio * 100).toFixed(1)} % (below ${THRESHOLDS.cacheHitRatio * 100} %)`)
  const used = Object.values(last.connections).reduce((a, b) => a + b, 0)
  if (last.maxConnections && used > THRESHOLDS.connectionShare * last.maxConnections)
    add('connections', 'warn', 'Connections', `${used} of ${last.maxConnections} connections in use`)
  return out
}

/** Share of samples where the target answered, or null without samples. */
export function availabilityOf(samples: readonly MonitorSample[]): number | null {
  return samples.length ? samples.filter((s) => s.ok).length / samples.length : null
}
