// The target's connection pool as the contract shows it (p3.pooling): its configuration and live
// statistics (total / idle / waiting clients), and how many idle clients the server dropped.
import { z } from 'zod'

export const PoolConfig = z.object({
  /** Most clients the pool opens. */
  max: z.number().int().min(1).max(1000),
  idleTimeoutMillis: z.number().int().min(0),
  connectionTimeoutMillis: z.number().int().min(0),
  /** Server-side limit per statement (SET statement_timeout on every client), ms. */
  statementTimeoutMillis: z.number().int().min(0),
  applicationName: z.string(),
})
export type PoolConfig = z.infer<typeof PoolConfig>

export const PoolStats = z.object({
  /** Where the pool connects, password shown as ***; null when no target is connected. */
  target: z.string().nullable(),
  state: z.enum(['none', 'open']),
  config: PoolConfig.nullable(),
  total: z.number().int().nonnegative(),
  idle: z.number().int().nonnegative(),
  waiting: z.number().int().nonnegative(),
  /** Idle clients that failed (e.g. the server terminated their backend); each was dropped, not fatal. */
  idleErrors: z.number().int().nonnegative(),
  lastError: z.string().nullable(),
  /** Round trip of a SELECT 1 through the pool when sampled, ms (null without a target). */
  pingMs: z.number().nonnegative().nullable(),
  sampledAt: z.string(),
})
export type PoolStats = z.infer<typeof PoolStats>
