// Retrying transient failures only: a lost connection, a serialization failure or deadlock, a
// server shutting down, SQLite busy/locked. Anything else (a constraint, a type error, a bug) is
// thrown at once — retrying it would only repeat it. Retries are safe because every write carries
// an idempotency key (see sqlite.ts / postgres.ts).
import type { StoreStats } from './types'

/** PostgreSQL SQLSTATEs worth another attempt. */
const PG_TRANSIENT = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '57P01', // admin_shutdown (pg_terminate_backend)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up)
  '08000', // connection_exception
  '08003', // connection_does_not_exist
  '08006', // connection_failure
])
const NODE_TRANSIENT = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE'])
/**
 * node-postgres reports a socket closed under a running query without a code: these are the
 * same event as ECONNRESET (the server went away), so they count as a reset connection.
 */
const PG_LOST = [/Connection terminated/i, /not queryable/i, /terminating connection/i]

export function isTransient(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false
  const code = (err as { code?: unknown }).code
  if (typeof code === 'string') {
    if (PG_TRANSIENT.has(code) || NODE_TRANSIENT.has(code)) return true
    // SQLITE_BUSY, SQLITE_BUSY_SNAPSHOT, SQLITE_LOCKED, SQLITE_LOCKED_SHAREDCACHE …
    if (/^SQLITE_(BUSY|LOCKED)(_|$)/.test(code)) return true
    return false
  }
  const message = (err as { message?: unknown }).message
  return typeof message === 'string' && PG_LOST.some((re) => re.test(message))
}

export interface RetryOptions {
  /** Attempts in all, the first included (default 8). */
  attempts?: number
  /** First backoff ceiling in ms (default 25); doubles per attempt up to capMs. */
  baseMs?: number
  capMs?: number
  /** Called before each retry (tests and the concurrency simulator count them). */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Exponential backoff with full jitter: a random wait in [0, min(cap, base·2^n)). */
export function backoffMs(attempt: number, baseMs: number, capMs: number): number {
  return Math.random() * Math.min(capMs, baseMs * 2 ** attempt)
}

export async function withRetry<T>(
  fn: () => Promise<T>,
  stats: StoreStats,
  opts: RetryOptions = {},
): Promise<T> {
  const attempts = Math.max(1, opts.attempts ?? 8)
  const base = opts.baseMs ?? 25
  const cap = opts.capMs ?? 2000
  stats.ops++
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn()
    } catch (err) {
      const transient = isTransient(err)
      if (transient) stats.transientErrors++
      if (!transient || attempt + 1 >= attempts) {
        stats.failures++
        throw err
      }
      const delay = backoffMs(attempt, base, cap)
      stats.retries++
      opts.onRetry?.(err, attempt + 1, delay)
      await sleep(delay)
    }
  }
}
