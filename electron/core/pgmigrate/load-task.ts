// One unit of the load — a table, or one key range of a split table — on a connection of its own,
// with the bounded retry of RELIABILITY rule 8: a lost connection (admin kill, failover, restart)
// is retried on a fresh one, which resumes from the ledger, so a retry never loads a batch twice.
// Used alike by the in-process loader and by the load threads (load-worker.ts).
import type pg from 'pg'
import type { SqliteDb } from '../sqlite/open'
import { connect } from './connect'
import { loadTable, type LoadOptions, type TableLoadResult } from './loader'
import { backoff, connectionLost, isTransientPgError, MAX_RECONNECTS } from './retry'
import type { TablePlan } from './types'

export type LoadLog = (level: 'info' | 'warn', message: string) => void

export async function loadTask(
  db: SqliteDb,
  pool: pg.Pool,
  url: string,
  plan: TablePlan,
  opts: LoadOptions,
  log?: LoadLog,
): Promise<TableLoadResult> {
  let client: pg.PoolClient | null = await connect(pool, url, opts.signal)
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        return await loadTable(db, client!, plan, opts)
      } catch (err) {
        if (!isTransientPgError(err)) throw err
        if (attempt > MAX_RECONNECTS) throw connectionLost(plan.source, attempt, err)
        // The broken connection is destroyed, not returned; the next one resumes from the ledger.
        client!.release(true)
        client = null
        log?.(
          'warn',
          `Lost the connection while loading "${plan.source}" (${(err as Error).message}); retrying on a fresh connection from the ledger`,
        )
        await backoff(attempt, opts.signal)
        client = await connect(pool, url, opts.signal)
      }
    }
  } finally {
    client?.release()
  }
}
