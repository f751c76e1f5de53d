// Live monitoring of the PostgreSQL target (p4.monitor, the Monitoring screen): samples taken every
// few seconds in the backend while a target is connected, the latest details, and alerts when a
// success-metric threshold is crossed.
import { z } from 'zod'

export const MonitorSample = z.object({
  at: z.string(),
  /** false: the target did not answer this sample (counts against availability). */
  ok: z.boolean(),
  error: z.string().nullable(),
  connections: z.record(z.string(), z.number().int().nonnegative()),
  maxConnections: z.number().int().nullable(),
  /** Per second since the previous sample (null on the first one). */
  tps: z.number().nullable(),
  rowsWrittenPerSec: z.number().nullable(),
  /** Buffer cache hits / reads, 0..1, over the interval (or since the statistics reset). */
  cacheHitRatio: z.number().nullable(),
  lockWaits: z.number().int().nonnegative(),
  longestLockWaitMs: z.number().nullable(),
  longestQueryMs: z.number().nullable(),
  databaseBytes: z.number().nullable(),
  ferryRssBytes: z.number(),
  ferryHeapBytes: z.number(),
})
export type MonitorSample = z.infer<typeof MonitorSample>

export const MonitorDetail = z.object({
  at: z.string(),
  tables: z.array(z.object({ schema: z.string(), table: z.string(), bytes: z.number(), rows: z.number().nullable() })),
  longestQueries: z.array(z.object({ pid: z.number(), state: z.string().nullable(), ms: z.number(), query: z.string() })),
  locks: z.array(
    z.object({ pid: z.number(), blockedBy: z.array(z.number()), waitMs: z.number().nullable(), mode: z.string(), relation: z.string().nullable(), query: z.string() }),
  ),
  statements: z.union([
    z.object({
      available: z.literal(true),
      top: z.array(z.object({ query: z.string(), calls: z.number(), meanMs: z.number(), totalMs: z.number(), rows: z.number() })),
    }),
    z.object({ available: z.literal(false), howToEnable: z.string() }),
  ]),
})
export type MonitorDetail = z.infer<typeof MonitorDetail>

export const MonitorAlert = z.object({
  key: z.string(),
  level: z.enum(['warn', 'error']),
  metric: z.string(),
  message: z.string(),
  at: z.string(),
})
export type MonitorAlert = z.infer<typeof MonitorAlert>

export const MonitorView = z.object({
  /** Why nothing is being sampled (no target connected …); null while sampling. */
  idle: z.string().nullable(),
  intervalMs: z.number().int(),
  windowSec: z.number().int(),
  samples: z.array(MonitorSample),
  detail: MonitorDetail.nullable(),
  alerts: z.array(MonitorAlert),
  /** Share of samples in the window where the target answered (null: no samples). */
  availability: z.number().nullable(),
})
export type MonitorView = z.infer<typeof MonitorView>
