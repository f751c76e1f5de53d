// The benchmark's values as they cross the contract (p4.benchmark's report, the Benchmarks
// screen's data). A backend or chart that was not measured carries the reason instead of numbers.
import { z } from 'zod'

export const BENCH_BACKENDS = ['files', 'state-before', 'state-after', 'memory', 'postgres'] as const
export const BenchBackendId = z.enum(BENCH_BACKENDS)
export type BenchBackendId = z.infer<typeof BenchBackendId>

const ms = z.number().nonnegative().nullable()

export const BenchQuery = z.object({
  query: z.string(),
  description: z.string(),
  p50: ms,
  p95: ms,
  p99: ms,
  mean: ms,
  /** Timed executions (0 when not measured). */
  iterations: z.number().int().nonnegative(),
  /** Rows returned for the first parameter set. */
  rows: z.number().int().nonnegative().nullable(),
  /** Why this query has no numbers on this backend. */
  skipped: z.string().nullable(),
})
export type BenchQuery = z.infer<typeof BenchQuery>

export const BenchBackend = z.object({
  id: BenchBackendId,
  label: z.string(),
  /** Which database or folder (relative to the workspace; a redacted URL for PostgreSQL). */
  database: z.string(),
  measured: z.boolean(),
  /** Why the backend was not measured (null when it was). */
  reason: z.string().nullable(),
  /** The workload_runs run these numbers come from, and when it was measured. */
  runId: z.string().nullable(),
  at: z.string().nullable(),
  queries: z.array(BenchQuery),
})
export type BenchBackend = z.infer<typeof BenchBackend>

export const BenchSize = z.object({
  name: z.string(),
  backend: BenchBackendId.nullable(),
  bytes: z.number().nonnegative().nullable(),
  note: z.string().nullable(),
})
export type BenchSize = z.infer<typeof BenchSize>

export const BenchReport = z.object({
  benchId: z.string(),
  at: z.string(),
  machine: z.object({
    platform: z.string(),
    arch: z.string(),
    cpus: z.number().int(),
    cpuModel: z.string(),
    memoryBytes: z.number().nonnegative(),
    node: z.string(),
    sqlite: z.string(),
    postgres: z.string().nullable(),
  }),
  iterations: z.number().int(),
  events: z.number().int().nonnegative().nullable(),
  sizes: z.array(BenchSize),
  backends: z.array(BenchBackend),
  /** The exported report files, relative to the workspace. */
  files: z.object({ markdown: z.string(), json: z.string() }),
})
export type BenchReport = z.infer<typeof BenchReport>

/** A chart's data, or why there is none. */
const NotMeasured = z.object({ measured: z.literal(false), reason: z.string() })

export const ThroughputPoint = z.object({ agents: z.number(), opsPerSec: z.number().nullable() })
export const ConcurrencyChart = z.union([
  NotMeasured,
  z.object({
    measured: z.literal(true),
    stepId: z.string(),
    at: z.string().nullable(),
    series: z.array(z.object({ backend: z.string(), points: z.array(ThroughputPoint) })),
  }),
])
export type ConcurrencyChart = z.infer<typeof ConcurrencyChart>

export const MigrationChart = z.union([
  NotMeasured,
  z.object({
    measured: z.literal(true),
    stepId: z.string(),
    at: z.string().nullable(),
    /** The whole load's rows per second. */
    rowsPerSec: z.number().nullable(),
    /** p3.migrate records per-table totals, not samples over time; said on the chart. */
    note: z.string(),
    points: z.array(
      z.object({ table: z.string(), rows: z.number(), ms: z.number(), rowsPerSec: z.number().nullable() }),
    ),
  }),
])
export type MigrationChart = z.infer<typeof MigrationChart>

export const BenchView = z.object({
  report: BenchReport.nullable(),
  /** Why there is no report yet (null when there is one). */
  reason: z.string().nullable(),
  concurrency: ConcurrencyChart,
  migration: MigrationChart,
})
export type BenchView = z.infer<typeof BenchView>
