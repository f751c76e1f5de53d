// Lost connections during the load (RELIABILITY rule 8): a backend terminated by an admin, a
// failover, a network blip. Only these transient failures are retried, a bounded number of times
// with backoff and jitter, each time on a fresh connection that resumes from the ledger — which
// also answers "did my COMMIT land?", so a retry never loads a batch twice.
import { FerryError } from '../../../shared/contract/envelope'
import { throwIfCancelled } from '../jobs/job'

export const MAX_RECONNECTS = 3

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

/** Waits 250 ms · 2^(attempt-1) plus up to 50 % jitter, unless cancelled. */
export async function backoff(attempt: number, signal: AbortSignal): Promise<void> {
  const base = 250 * 2 ** (attempt - 1)
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
