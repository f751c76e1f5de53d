// The target connection: one pg.Pool per run with explicit session settings (RELIABILITY rule 8),
// an error handler on the pool (an idle client killed by the server must not crash the worker),
// and a session-scoped advisory lock per target schema (rule 4: it dies with the session, so a
// kill -9 never leaves a stuck lock; a second run on the same schema is refused clearly).
import pg from 'pg'
import { FerryError } from '../../../shared/contract/envelope'
import { throwIfCancelled } from '../jobs/job'
import { redactSecrets, redactUrl, secretsInUrl } from '../postgres/redact'
import { isTransientPgError, RECONNECT_WINDOW_MS } from './retry'

export interface PoolOptions {
  max: number
  statementTimeoutMs?: number
  log?: (level: 'warn', message: string) => void
}

/**
 * Sessions read and print values in one fixed way: UTC (text timestamps without an offset are
 * UTC), ISO dates, shortest exact floats — the canonical encoding depends on these.
 */
const SESSION_OPTIONS =
  '-c TimeZone=UTC -c DateStyle=ISO -c extra_float_digits=1 -c client_encoding=UTF8 -c lock_timeout=30000'

export function createPool(url: string, opts: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max,
    application_name: 'ferry',
    connectionTimeoutMillis: 15_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: opts.statementTimeoutMs ?? 30 * 60_000,
    options: SESSION_OPTIONS,
  })
  pool.on('error', (err) =>
    opts.log?.(
      'warn',
      `A pooled PostgreSQL connection failed while idle: ${redactSecrets(err.message, secretsInUrl(url))}`,
    ),
  )
  // The pool only listens to a client while it is idle. A checked-out client whose session is
  // terminated between two queries (pg_terminate_backend, a failover) emits 'error' with no
  // listener, which kills the process. With this one, the next query on it fails instead, and
  // the loader retries that on a fresh connection (retry.ts).
  pool.on('connect', (client) =>
    client.on('error', (err) =>
      opts.log?.(
        'warn',
        `A PostgreSQL connection in use was closed by the server: ${redactSecrets(err.message, secretsInUrl(url))}`,
      ),
    ),
  )
  return pool
}

/** Pools that have had a session: their server was there earlier in this run. */
const reached = new WeakSet<pg.Pool>()

/**
 * A session from the pool. A pool's first connection fails at once (a wrong URL, a server that is
 * down, must not make anyone wait); once the pool has reached its server, a refused connection
 * (ECONNREFUSED, 57P03 "the database system is starting up", a reset) is the server restarting —
 * a crash, a failover — so it is retried with backoff for up to RECONNECT_WINDOW_MS.
 */
export async function connect(
  pool: pg.Pool,
  url: string,
  signal?: AbortSignal,
): Promise<pg.PoolClient> {
  const deadline = Date.now() + RECONNECT_WINDOW_MS
  for (let attempt = 1; ; attempt++) {
    try {
      const client = await pool.connect()
      reached.add(pool)
      return client
    } catch (err) {
      const why = redactSecrets((err as Error).message, secretsInUrl(url))
      const wait = Math.min(200 * 2 ** (attempt - 1), 2_000)
      if (reached.has(pool) && isTransientPgError(err)) {
        if (Date.now() + wait < deadline) {
          await new Promise((res) => setTimeout(res, wait))
          // A Ctrl+C during an outage ends the wait, not only the next batch.
          if (signal) throwIfCancelled(signal)
          continue
        }
        // It was there earlier in this run: not a wrong URL but a server that went away.
        throw new FerryError(
          'TARGET_CONNECTION_LOST',
          `${redactUrl(url)} stopped accepting connections during the run and was still unreachable after ${RECONNECT_WINDOW_MS / 1000} s: ${why}`,
          'Nothing of an unfinished batch was committed. Check that the server is running again, then run the same command again to resume from the ledger.',
        )
      }
      throw new FerryError(
        'TARGET_UNREACHABLE',
        `Cannot connect to ${redactUrl(url)}: ${why}`,
        'Check that the server is running, and the URL (host, port, user, database, password).',
      )
    }
  }
}

/** PostgreSQL 13+ (trim_scale) with a UTF8 database: anything else is refused up front. */
export async function checkServer(
  client: pg.ClientBase,
  url: string,
): Promise<{ version: string; versionNum: number }> {
  const r = await client.query<{ v: string; n: string; enc: string }>(
    "SELECT current_setting('server_version') AS v, current_setting('server_version_num') AS n, current_setting('server_encoding') AS enc",
  )
  const row = r.rows[0]!
  const num = Number(row.n)
  if (num < 130000) {
    throw new FerryError(
      'TARGET_TOO_OLD',
      `${redactUrl(url)} runs PostgreSQL ${row.v}; Ferry's loader needs 13 or newer`,
      'Use a newer server, or the embedded PostgreSQL.',
    )
  }
  if (row.enc !== 'UTF8') {
    throw new FerryError(
      'TARGET_ENCODING',
      `The database at ${redactUrl(url)} uses the ${row.enc} encoding; text from SQLite is UTF-8 and could not all be stored`,
      "Create the database with ENCODING 'UTF8' and migrate into it.",
    )
  }
  return { version: row.v, versionNum: num }
}

/** Holds the schema's advisory lock on `client` for as long as that session lives. */
export async function lockSchema(
  client: pg.ClientBase,
  schema: string,
  url: string,
  purpose: string,
): Promise<void> {
  const r = await client.query<{ ok: boolean }>(
    "SELECT pg_try_advisory_lock(hashtext('ferry:pgmigrate'), hashtext($1)) AS ok",
    [schema],
  )
  if (!r.rows[0]?.ok) {
    throw new FerryError(
      'TARGET_BUSY',
      `Another Ferry run is using schema "${schema}" on ${redactUrl(url)}, so this ${purpose} was refused`,
      'Wait for the other run to finish (or stop it), then run this command again; or use a different --schema.',
    )
  }
}

export async function unlockSchema(client: pg.ClientBase, schema: string): Promise<void> {
  await client
    .query("SELECT pg_advisory_unlock(hashtext('ferry:pgmigrate'), hashtext($1))", [schema])
    .catch(() => undefined)
}
