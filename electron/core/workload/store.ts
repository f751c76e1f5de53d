// Workload results live in .ferry/journal.db (table workload_runs), one row per query of a run, so
// Phase 4's charts can compare baseline, after-Phase-1, memory.db and PostgreSQL. The backend keeps
// the journal open too: WAL, busy_timeout, and Ferry's own durability (synchronous=FULL).
import Database from 'better-sqlite3'
import type { QueryResult } from './run'

export type StoreDb = Database.Database

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS workload_runs (
     run_id TEXT NOT NULL,
     label TEXT NOT NULL,
     backend TEXT NOT NULL,
     database TEXT NOT NULL,
     query TEXT NOT NULL,
     description TEXT,
     sql TEXT,
     p50 REAL,
     p95 REAL,
     p99 REAL,
     mean REAL,
     iterations INTEGER NOT NULL,
     rows INTEGER,
     params TEXT,
     plan TEXT,
     result_sha256 TEXT,
     note TEXT,
     at TEXT NOT NULL,
     PRIMARY KEY (run_id, query)
   )`,
  'CREATE INDEX IF NOT EXISTS idx_workload_runs_label ON workload_runs(label, backend, database, at)',
]

export function openWorkloadStore(journalPath: string): StoreDb {
  const db = new Database(journalPath)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  db.pragma('busy_timeout = 5000')
  db.transaction(() => {
    for (const s of SCHEMA) db.exec(s)
  })()
  return db
}

export interface WorkloadRun {
  runId: string
  label: string
  /** 'sqlite', 'postgres', … */
  backend: string
  /** Which database: a path relative to the workspace, or a redacted URL. */
  database: string
  at: string
  results: QueryResult[]
}

export function saveRun(db: StoreDb, run: WorkloadRun): void {
  const insert = db.prepare(
    `INSERT INTO workload_runs (run_id, label, backend, database, query, description, sql, p50, p95, p99, mean, iterations, rows, params, plan, result_sha256, note, at)
     VALUES (@runId, @label, @backend, @database, @query, @description, @sql, @p50, @p95, @p99, @mean, @iterations, @rows, @params, @plan, @resultSha256, @note, @at)`,
  )
  db.transaction(() => {
    for (const r of run.results) {
      insert.run({
        runId: run.runId,
        label: run.label,
        backend: run.backend,
        database: run.database,
        at: run.at,
        query: r.query,
        description: r.description,
        sql: r.sql,
        p50: r.p50,
        p95: r.p95,
        p99: r.p99,
        mean: r.mean,
        iterations: r.iterations,
        rows: r.rows,
        params: JSON.stringify(r.params),
        plan: r.plan,
        resultSha256: r.resultSha256,
        note: r.skipped,
      })
    }
  })()
}

interface Row {
  run_id: string
  label: string
  backend: string
  database: string
  query: string
  description: string | null
  sql: string | null
  p50: number | null
  p95: number | null
  p99: number | null
  mean: number | null
  iterations: number
  rows: number | null
  params: string | null
  plan: string | null
  result_sha256: string | null
  note: string | null
  at: string
}

function toRun(rows: Row[]): WorkloadRun | null {
  const first = rows[0]
  if (!first) return null
  return {
    runId: first.run_id,
    label: first.label,
    backend: first.backend,
    database: first.database,
    at: first.at,
    results: rows.map((r) => ({
      query: r.query,
      description: r.description ?? '',
      sql: r.sql ?? '',
      params: r.params ? (JSON.parse(r.params) as unknown[][]) : [],
      p50: r.p50,
      p95: r.p95,
      p99: r.p99,
      mean: r.mean,
      iterations: r.iterations,
      rows: r.rows,
      plan: r.plan,
      resultSha256: r.result_sha256,
      skipped: r.note,
    })),
  }
}

/** The first (order: 'first') or latest run with this label on this database, or null. */
export function findRun(
  db: StoreDb,
  label: string,
  backend: string,
  database: string,
  order: 'first' | 'latest' = 'first',
): WorkloadRun | null {
  const id = db
    .prepare(
      `SELECT run_id FROM workload_runs WHERE label = ? AND backend = ? AND database = ? ORDER BY at ${order === 'first' ? 'ASC' : 'DESC'}, rowid ${order === 'first' ? 'ASC' : 'DESC'} LIMIT 1`,
    )
    .pluck()
    .get(label, backend, database) as string | undefined
  if (!id) return null
  return toRun(
    db.prepare('SELECT * FROM workload_runs WHERE run_id = ? ORDER BY rowid').all(id) as Row[],
  )
}
