// Summaries of a run: percentiles per operation (nearest rank on the sorted latencies), slow
// operations, throughput. Latencies are in milliseconds, measured inside each agent.

export interface OpStats {
  count: number
  p50: number
  p95: number
  p99: number
  max: number
}

/** Operations slower than this count as having waited too long (the plan's "without blocking"). */
export const LOCK_WAIT_MS = 100

const round = (x: number): number => Math.round(x * 1000) / 1000

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!
}

export function opStats(latencies: number[]): OpStats {
  const s = [...latencies].sort((a, b) => a - b)
  return {
    count: s.length,
    p50: round(percentile(s, 50)),
    p95: round(percentile(s, 95)),
    p99: round(percentile(s, 99)),
    max: round(s[s.length - 1] ?? 0),
  }
}
