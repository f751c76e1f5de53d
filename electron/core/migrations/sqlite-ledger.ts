// The ledger of applied migrations in a SQLite database: `schema_migrations`, compatible with the
// plan's `schema_migrations(version INTEGER PRIMARY KEY)` — when that table already exists it is
// extended with ADD COLUMN (nullable, so the plan's own code keeps working) and its rows are kept
// as legacy entries without a checksum.
import { FerryError } from '../../../shared/contract/envelope'
import type { SqliteDb } from '../sqlite/open'
import type { AppliedMigration } from './plan'

export const LEDGER = 'schema_migrations'

/** Ferry's own shape; the exact text also tells a ledger Ferry created from one it extended. */
export const LEDGER_CREATE_SQL = `CREATE TABLE schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT,
  checksum TEXT,
  applied_at TEXT,
  duration_ms INTEGER,
  success INTEGER,
  applied_by TEXT
)`

const COLUMNS: readonly (readonly [string, string])[] = [
  ['name', 'TEXT'],
  ['checksum', 'TEXT'],
  ['applied_at', 'TEXT'],
  ['duration_ms', 'INTEGER'],
  ['success', 'INTEGER'],
  ['applied_by', 'TEXT'],
]

export interface LedgerSetup {
  action: 'created' | 'extended' | 'present'
  columnsAdded: string[]
}

interface ColRow {
  name: string
  notnull: number
  dflt_value: string | null
  pk: number
}

function ledgerColumns(db: SqliteDb): ColRow[] {
  return db
    .prepare('SELECT name, "notnull", dflt_value, pk FROM pragma_table_info(?)')
    .all(LEDGER) as ColRow[]
}

export function ledgerSql(db: SqliteDb): string | null {
  const row = db
    .prepare("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?")
    .get(LEDGER) as { sql: string } | undefined
  return row ? row.sql : null
}

/** True when the ledger is exactly the table Ferry creates (so Ferry may drop it once empty). */
export function isFerryCreatedLedger(db: SqliteDb): boolean {
  return ledgerSql(db) === LEDGER_CREATE_SQL
}

/** Creates or extends the ledger. Call inside a write transaction. */
export function ensureLedger(db: SqliteDb): LedgerSetup {
  if (ledgerSql(db) === null) {
    db.exec(LEDGER_CREATE_SQL)
    return { action: 'created', columnsAdded: [] }
  }
  const cols = ledgerColumns(db)
  const have = new Set(cols.map((c) => c.name.toLowerCase()))
  if (!have.has('version')) {
    throw new FerryError(
      'LEDGER_INCOMPATIBLE',
      `state.db already has a ${LEDGER} table, but it has no "version" column (columns: ${cols.map((c) => c.name).join(', ')})`,
      'Rename that table if it belongs to another tool; Ferry records migrations in schema_migrations(version, …).',
    )
  }
  const known = new Set(['version', ...COLUMNS.map(([n]) => n)])
  const blocking = cols.filter(
    (c) =>
      !known.has(c.name.toLowerCase()) && c.notnull === 1 && c.dflt_value === null && c.pk === 0,
  )
  if (blocking.length) {
    throw new FerryError(
      'LEDGER_INCOMPATIBLE',
      `The existing ${LEDGER} table has required columns Ferry cannot fill: ${blocking.map((c) => c.name).join(', ')}`,
      'Ferry keeps its ledger compatible with schema_migrations(version INTEGER PRIMARY KEY); give those columns a default first.',
    )
  }
  const added: string[] = []
  for (const [name, type] of COLUMNS) {
    if (have.has(name)) continue
    db.exec(`ALTER TABLE ${LEDGER} ADD COLUMN ${name} ${type}`)
    added.push(name)
  }
  return { action: added.length ? 'extended' : 'present', columnsAdded: added }
}

/** The ledger's rows, ascending; an absent ledger has none. Reads whichever columns exist. */
export function readLedger(db: SqliteDb): AppliedMigration[] {
  if (ledgerSql(db) === null) return []
  const have = new Set(ledgerColumns(db).map((c) => c.name.toLowerCase()))
  const col = (name: string): string => (have.has(name) ? name : `NULL AS ${name}`)
  const rows = db
    .prepare(
      `SELECT version, ${COLUMNS.map(([n]) => col(n)).join(', ')} FROM ${LEDGER} ORDER BY version`,
    )
    .all() as {
    version: number | string
    name: string | null
    checksum: string | null
    applied_at: string | null
    duration_ms: number | null
    success: number | null
    applied_by: string | null
  }[]
  return rows.map((r) => ({
    version: Number(r.version),
    name: r.name,
    checksum: r.checksum,
    appliedAt: r.applied_at === null ? null : String(r.applied_at),
    durationMs: r.duration_ms === null ? null : Number(r.duration_ms),
    success: r.success === null ? null : Number(r.success) === 1,
    appliedBy: r.applied_by,
  }))
}

export function ledgerRow(db: SqliteDb, version: number): AppliedMigration | undefined {
  return readLedger(db).find((r) => r.version === version)
}

export function insertLedgerRow(db: SqliteDb, row: AppliedMigration): void {
  db.prepare(
    `INSERT INTO ${LEDGER} (version, name, checksum, applied_at, duration_ms, success, applied_by) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    row.version,
    row.name,
    row.checksum,
    row.appliedAt,
    row.durationMs,
    row.success === null ? null : row.success ? 1 : 0,
    row.appliedBy,
  )
}
