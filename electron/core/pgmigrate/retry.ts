// Lost connections during the load (RELIABILITY rule 8): a backend terminated by an admin, a
// failover, a network blip. Only these transient failures are retried, a bounded number of times
// with backoff and jitter, each time on a fresh connection that resumes from the ledger — which
// also answers "did my COMMIT land?", so a retry never loads a batch twice.
import { FerryError } from '../../../shared/contract/envelope'
import { throwIfCancelled } from '../jobs/job'
import { redactSecrets, secretsInUrl } from '../postgres/redact'

// A server restart (crash recovery, a failover) takes a few seconds: the reconnects' backoff
// (250 ms doubling to at most 4 s, plus jitter) adds up to 8–12 s, and each reconnect also waits
// for a server that is still starting (connect.ts, RECONNECT_WINDOW_MS).
export const MAX_RECONNECTS = 5
const MAX_BACKOFF_MS = 4_000
/** How long a reconnect waits for a server it reached before to accept connections again. */
export const RECONNECT_WINDOW_MS = 10_000
/** Whole-run resumes after a lost connection (resumeAfterLostConnection). */
export const MAX_RUN_RESUMES = 2

const TRANSIENT_SQLSTATE = /^(08...|57P0[123]|40001|40P01)$/
const TRANSIENT_ERRNO = new Set(['ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'ETIMEDOUT'])

export function isTransientPgError(err: unknown): boolean {
  if (err instanceof FerryError) return false
  const e = err as { code?: unknown; message?: unknown }
  const code = typeof e?.code === 'string' ? e.code : ''
  if (TRANSIENT_SQLSTATE.test(code) || TRANSIENT_ERRNO.has(code)) return true
  const msg = typeof e?.message === 'string' ? e.message : ''
  return /Connection terminated|Client has encountered a connection error|connection is closed/i.test(
    msg,
  )
}

/** Waits 250 ms · 2^(attempt-1) (at most 4 s) plus up to 50 % jitter, unless cancelled. */
export async function backoff(attempt: number, signal: AbortSignal): Promise<void> {
  const base = Math.min(250 * 2 ** (attempt - 1), MAX_BACKOFF_MS)
  await new Promise((res) => setTimeout(res, base + Math.floor(Math.random() * base * 0.5)))
  throwIfCancelled(signal)
}

export function connectionLost(table: string, attempts: number, err: unknown): FerryError {
  const e = err as { message?: string; code?: string }
  return new FerryError(
    'TARGET_CONNECTION_LOST',
    `The connection to the target was lost ${attempts} times while loading table "${table}": ${e.message ?? String(err)}${e.code ? ` (${e.code})` : ''}`,
    'Nothing of an unfinished batch was committed. Check the server, then run the same command again to resume from the ledger.',
  )
}

/**
 * Runs a whole resumable job (a migration) again after it lost its connection outside the batch
 * retry: a server restart also ends the session that holds the schema's advisory lock and runs
 * the DDL and bookkeeping, which cannot be retried statement by statement. Running it again is
 * the documented resume (fresh sessions, the lock taken again — or refused if another run took
 * it meanwhile — and the load continued from the ledger), bounded; then a clear, resumable stop.
 * The resumed run's first connection may be refused while the server is still starting: that is
 * waited for, within RECONNECT_WINDOW_MS of the loss.
 */
export async function resumeAfterLostConnection<T>(
  run: () => Promise<T>,
  opts: { url: string; signal: AbortSignal; log?: (level: 'warn', message: string) => void },
): Promise<T> {
  let resumes = 0
  let lostAt = 0
  for (let attempt = 1; ; attempt++) {
    try {
      return await run()
    } catch (err) {
      const comingBack =
        resumes > 0 && err instanceof FerryError && err.code === 'TARGET_UNREACHABLE'
      if (!comingBack && !isTransientPgError(err)) throw err
      const e = err as { message?: string; code?: string }
      const why = redactSecrets(e.message ?? String(err), secretsInUrl(opts.url))
      if (comingBack ? Date.now() - lostAt > RECONNECT_WINDOW_MS : ++resumes > MAX_RUN_RESUMES) {
        throw new FerryError(
          'TARGET_CONNECTION_LOST',
          `The connection to the target was lost during the run and could not be resumed: ${why}${!comingBack && e.code ? ` (${e.code})` : ''}`,
          'Nothing of an unfinished batch was committed. Check the server, then run the same command again to resume from the ledger.',
        )
      }
      if (!comingBack) lostAt = Date.now()
      opts.log?.(
        'warn',
        comingBack
          ? `The target is not accepting connections yet (${why}); waiting to resume the run`
          : `Lost the connection to the target (${why}); resuming the run from the ledger`,
      )
      await backoff(attempt, opts.signal)
    }
  }
}
