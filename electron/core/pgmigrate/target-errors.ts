// Failures of the target server that are not about the data: a full disk (SQLSTATE 53100) and a
// lost connection. Where PostgreSQL refuses a statement for one of these, the step must stop with
// the real cause — never be recorded as "the loaded values do not satisfy this key" — and the
// message says what to do: free space (or wait for the server), then run the same command again.
import { FerryError } from '../../../shared/contract/envelope'
import { isTransientPgError } from './retry'

/** TARGET_DISK_FULL for PostgreSQL's "could not extend file … No space left on device"; else null. */
export function targetDiskFull(err: unknown, while_: string): FerryError | null {
  if (err instanceof FerryError) return null
  const e = err as { code?: unknown; message?: unknown }
  if (e?.code !== '53100') return null
  const message = typeof e.message === 'string' ? e.message : String(err)
  return new FerryError(
    'TARGET_DISK_FULL',
    `The PostgreSQL server ran out of disk space while ${while_}: ${message} (53100)`,
    'Nothing of the unfinished step was committed. Free space on the PostgreSQL server (the disk or tablespace that holds the target schema), then run the same command again to resume from the ledger.',
  )
}

/**
 * For the catch blocks of the post-load DDL: the error to throw instead of recording the key or
 * index as failed — a full disk (mapped), or a lost connection (rethrown as is, for the run's
 * resume); null for a refusal about the data itself.
 */
export function ddlStopError(err: unknown, while_: string): unknown {
  const full = targetDiskFull(err, while_)
  if (full) return full
  return isTransientPgError(err) ? err : null
}
