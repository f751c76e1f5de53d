// VACUUM returns the space the moved snapshots left behind, but it also renumbers the implicit
// rowids of a table that has no INTEGER PRIMARY KEY and no index (verified on SQLite 3.53). Such
// rowids may be referenced from outside, so VACUUM runs only when no table is exposed to that.
import { statSync } from 'node:fs'
import { quoteIdent, type SqliteDb } from '../sqlite/open'

export interface VacuumResult {
  ran: boolean
  /** Why it did not run, when it did not. */
  reason?: string
  ms?: number
}

/** The database's size on disk: the main file plus its WAL, if any. */
export function dbFileBytes(path: string): number {
  const size = (p: string) => {
    try {
      return statSync(p).size
    } catch {
      return 0
    }
  }
  return size(path) + size(`${path}-wal`)
}

/** Tables whose implicit rowids VACUUM could renumber: no INTEGER PRIMARY KEY, no index, gaps. */
export function rowidsAtRisk(db: SqliteDb): string[] {
  const tables = db
    .prepare(
      "SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
    )
    .all() as { name: string; sql: string | null }[]
  const risky: string[] = []
  for (const t of tables) {
    const sql = t.sql ?? ''
    if (/^\s*CREATE\s+VIRTUAL/i.test(sql) || /WITHOUT\s+ROWID/i.test(sql)) continue
    const pk = db
      .prepare('SELECT type FROM pragma_table_info(?) WHERE pk > 0')
      .pluck()
      .all(t.name) as string[]
    if (pk.length === 1 && pk[0]?.toUpperCase() === 'INTEGER') continue
    const indexes = db
      .prepare('SELECT count(*) FROM pragma_index_list(?)')
      .pluck()
      .get(t.name) as number
    if (indexes > 0) continue
    const r = db
      .prepare(
        `SELECT count(*) AS n, min(rowid) AS lo, max(rowid) AS hi FROM ${quoteIdent(t.name)}`,
      )
      .safeIntegers(true)
      .get() as { n: bigint; lo: bigint | null; hi: bigint | null }
    if (r.n === 0n || (r.lo === 1n && r.hi === r.n)) continue
    risky.push(t.name)
  }
  return risky
}

export function vacuumIfSafe(db: SqliteDb): VacuumResult {
  const risky = rowidsAtRisk(db)
  if (risky.length) {
    return {
      ran: false,
      reason: `VACUUM would renumber the implicit rowids of ${risky.join(', ')} (no INTEGER PRIMARY KEY, no index, gaps in rowid); the freed pages stay on the free list`,
    }
  }
  const started = Date.now()
  try {
    db.exec('VACUUM')
    if (String(db.pragma('journal_mode', { simple: true })).toLowerCase() === 'wal')
      db.pragma('wal_checkpoint(TRUNCATE)')
  } catch (err) {
    return {
      ran: false,
      reason: `VACUUM could not run: ${(err as Error).message} (another connection holds the database, or the disk is full); the freed pages stay on the free list`,
    }
  }
  return { ran: true, ms: Date.now() - started }
}
