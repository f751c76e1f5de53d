// One monitoring sample of a PostgreSQL target, read from the statistics views: connections by
// state (pg_stat_activity), the cumulative counters of pg_stat_database (turned into rates against
// the previous sample), lock waits (pg_locks + pg_blocking_pids), the longest-running queries,
// table sizes and — when the extension is installed — pg_stat_statements' slowest statements.
// Read-only, parameterized, and cheap enough to run every few seconds.
import type pg from 'pg'
import type { MonitorDetail, MonitorSample } from '../../../shared/contract/monitor'

/** pg_stat_database's cumulative counters, kept between samples to compute rates. */
export interface Counters {
  t: number
  xacts: number
  written: number
  hit: number
  read: number
}

const QUERY_TEXT_MAX = 500
const clip = (s: string | null): string => (s ?? '').replace(/\s+/g, ' ').slice(0, QUERY_TEXT_MAX)

export const HOW_TO_ENABLE_STATEMENTS =
  "pg_stat_statements is not installed in this database. Add it to shared_preload_libraries in postgresql.conf (shared_preload_libraries = 'pg_stat_statements'), restart PostgreSQL, then run CREATE EXTENSION pg_stat_statements; in this database."

export async function sampleTarget(
  c: pg.ClientBase,
  prev: Counters | null,
  now: () => number = Date.now,
): Promise<{ sample: MonitorSample; counters: Counters }> {
  const t = now()
  const conn = await c.query<{ state: string | null; n: string }>(
    // Ferry's own monitoring session counts too: it is a connection to this database.
    `SELECT coalesce(state, 'background') AS state, count(*)::text AS n FROM pg_stat_activity
      WHERE datname = current_database() GROUP BY 1`,
  )
  const db = await c.query<{ xacts: string; written: string; hit: string; read: string; bytes: string; max: string }>(
    `SELECT (xact_commit + xact_rollback)::text AS xacts,
            (tup_inserted + tup_updated + tup_deleted)::text AS written,
            blks_hit::text AS hit, blks_read::text AS read,
            pg_database_size(current_database())::text AS bytes,
            current_setting('max_connections') AS max
       FROM pg_stat_database WHERE datname = current_database()`,
  )
  const waits = await c.query<{ n: string; ms: number | null }>(
    `SELECT count(*)::text AS n, max(extract(epoch FROM now() - a.state_change) * 1000)::float8 AS ms
       FROM pg_stat_activity a WHERE a.datname = current_database() AND a.wait_event_type = 'Lock'`,
  )
  const longest = await c.query<{ ms: number | null }>(
    `SELECT max(extract(epoch FROM now() - query_start) * 1000)::float8 AS ms FROM pg_stat_activity
      WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()`,
  )
  const d = db.rows[0]
  const counters: Counters = {
    t,
    xacts: Number(d?.xacts ?? 0),
    written: Number(d?.written ?? 0),
    hit: Number(d?.hit ?? 0),
    read: Number(d?.read ?? 0),
  }
  const dt = prev ? (t - prev.t) / 1000 : 0
  const rate = (k: 'xacts' | 'written'): number | null =>
    prev && dt > 0 ? Math.max(0, Math.round(((counters[k] - prev[k]) / dt) * 10) / 10) : null
  // The ratio over the interval when there was I/O in it, else since the statistics were reset.
  const dh = prev ? counters.hit - prev.hit : 0
  const dr = prev ? counters.read - prev.read : 0
  const ratio = dh + dr > 0 ? dh / (dh + dr) : counters.hit + counters.read > 0 ? counters.hit / (counters.hit + counters.read) : null
  const mem = process.memoryUsage()
  const sample: MonitorSample = {
    at: new Date(t).toISOString(),
    ok: true,
    error: null,
    connections: Object.fromEntries(conn.rows.map((r) => [r.state ?? 'background', Number(r.n)])),
    maxConnections: d ? Number(d.max) : null,
    tps: rate('xacts'),
    rowsWrittenPerSec: rate('written'),
    cacheHitRatio: ratio === null ? null : Math.round(ratio * 10000) / 10000,
    lockWaits: Number(waits.rows[0]?.n ?? 0),
    longestLockWaitMs: waits.rows[0]?.ms ?? null,
    longestQueryMs: longest.rows[0]?.ms ?? null,
    databaseBytes: d ? Number(d.bytes) : null,
    ferryRssBytes: mem.rss,
    ferryHeapBytes: mem.heapUsed,
  }
  return { sample, counters }
}

export function failedSample(error: string, now: number = Date.now()): MonitorSample {
  const mem = process.memoryUsage()
  return {
    at: new Date(now).toISOString(),
    ok: false,
    error,
    connections: {},
    maxConnections: null,
    tps: null,
    rowsWrittenPerSec: null,
    cacheHitRatio: null,
    lockWaits: 0,
    longestLockWaitMs: null,
    longestQueryMs: null,
    databaseBytes: null,
    ferryRssBytes: mem.rss,
    ferryHeapBytes: mem.heapUsed,
  }
}

/** The slower-changing details, shown beside the charts (taken less often than samples). */
type TableRow = { schema: string; table: string; bytes: string; rows: string | null }
const TABLES = (size: string): string => `SELECT n.nspname AS schema, c.relname AS table, ${size}::text AS bytes, s.n_live_tup::text AS rows
   FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
  WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
  ORDER BY 3::bigint DESC LIMIT 15`

/**
 * Table sizes. pg_total_relation_size takes a lock, so a table locked by a migration or a
 * CREATE INDEX would stall the monitor: the query runs under a short lock_timeout and falls back
 * to the planner's page counts (no lock, updated by VACUUM/ANALYZE) when it times out.
 */
async function tableSizes(c: pg.ClientBase): Promise<TableRow[]> {
  try {
    await c.query("SET lock_timeout = '200ms'")
    return (await c.query<TableRow>(TABLES('pg_total_relation_size(c.oid)'))).rows
  } catch {
    return (await c.query<TableRow>(TABLES("(c.relpages::bigint * current_setting('block_size')::bigint)"))).rows
  } finally {
    await c.query('RESET lock_timeout')
  }
}

export async function detailOf(c: pg.ClientBase): Promise<MonitorDetail> {
  const tables = { rows: await tableSizes(c) }
  const queries = await c.query<{ pid: number; state: string | null; ms: number; query: string | null }>(
    `SELECT pid, state, (extract(epoch FROM now() - query_start) * 1000)::float8 AS ms, query
       FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid() AND query_start IS NOT NULL AND state <> 'idle'
      ORDER BY query_start LIMIT 5`,
  )
  const locks = await c.query<{ pid: number; blocked_by: number[]; ms: number | null; mode: string; relation: string | null; query: string | null }>(
    `SELECT l.pid, pg_blocking_pids(l.pid) AS blocked_by,
            (extract(epoch FROM now() - a.state_change) * 1000)::float8 AS ms,
            l.mode, l.relation::regclass::text AS relation, a.query
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE NOT l.granted AND a.datname = current_database()
      ORDER BY a.state_change LIMIT 10`,
  )
  const ext = await c.query<{ ok: boolean }>(
    "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements') AS ok",
  )
  let statements: MonitorDetail['statements'] = { available: false, howToEnable: HOW_TO_ENABLE_STATEMENTS }
  if (ext.rows[0]?.ok) {
    try {
      const top = await c.query<{ query: string; calls: string; mean: number; total: number; rows: string }>(
        `SELECT query, calls::text, mean_exec_time AS mean, total_exec_time AS total, rows::text
           FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
          ORDER BY mean_exec_time DESC LIMIT 10`,
      )
      statements = {
        available: true,
        top: top.rows.map((r) => ({ query: clip(r.query), calls: Number(r.calls), meanMs: r.mean, totalMs: r.total, rows: Number(r.rows) })),
      }
    } catch (err) {
      // Installed but not preloaded: the view exists and errors on read.
      statements = { available: false, howToEnable: `${(err as Error).message}. ${HOW_TO_ENABLE_STATEMENTS}` }
    }
  }
  return {
    at: new Date().toISOString(),
    tables: tables.rows.map((r) => ({ schema: r.schema, table: r.table, bytes: Number(r.bytes), rows: r.rows === null ? null : Number(r.rows) })),
    longestQueries: queries.rows.map((r) => ({ pid: r.pid, state: r.state, ms: r.ms, query: clip(r.query) })),
    locks: locks.rows.map((r) => ({ pid: r.pid, blockedBy: r.blocked_by, waitMs: r.ms, mode: r.mode, relation: r.relation, query: clip(r.query) })),
    statements,
  }
}
