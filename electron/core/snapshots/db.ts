// The memory_snapshots table as the snapshot store sees it: which column is the snapshot's key,
// whether `content` may hold NULL, whether the store's columns are installed. Every question is
// asked of the live schema, because a real state.db need not look like the demo's.
import { createHash } from 'node:crypto'
import Database from 'better-sqlite3'
import { FerryError } from '../../../shared/contract/envelope'
import { refuseLinkOut } from '../fs/link-out'
import type { SqliteDb } from '../sqlite/open'

export const SNAPSHOT_TABLE = 'memory_snapshots'
export const CONTENT_COLUMN = 'content'
export const VIEW_NAME = 'memory_snapshots_full'
/** Written into the view's SQL so undo only ever drops what the store itself installed. */
export const VIEW_SIGNATURE = 'ferry:snapshot-store v1'

/** The columns the store adds, in the order it adds them (undo drops them in reverse). */
export const STORE_COLUMNS = [
  ['content_path', 'TEXT'],
  ['content_sha256', 'TEXT'],
  ['content_bytes', 'INTEGER'],
  ['content_storage', 'TEXT'],
] as const

export interface SnapshotTable {
  /** The column that names a snapshot (its single-column primary key), or `rowid`. */
  keyColumn: string
  /** Every column of the table as it is now, in order. */
  columns: string[]
  contentNotNull: boolean
  /** All four store columns exist and the view carries the store's signature. */
  installed: boolean
  /** Some store column exists: with `installed` false, it belongs to someone else. */
  anyStoreColumn: boolean
  /** All four store columns exist (what a reader needs to know, whatever became of the view). */
  hasStoreColumns: boolean
}

/** Opens state.db for the store's writes: foreign keys off (real workspaces never enforce them). */
export function openStateDbForWrite(path: string): SqliteDb {
  refuseLinkOut(path)
  let db: SqliteDb
  try {
    db = new Database(path, { fileMustExist: true })
  } catch (err) {
    throw new FerryError(
      'SQLITE_OPEN_FAILED',
      `Cannot open ${path}: ${(err as Error).message}`,
      'Check that the file exists and is writable by this user.',
    )
  }
  try {
    db.pragma('busy_timeout = 10000')
    db.pragma('foreign_keys = OFF')
    db.pragma('synchronous = FULL')
    db.prepare('SELECT count(*) FROM sqlite_schema').get()
  } catch (err) {
    db.close()
    throw new FerryError(
      'SQLITE_NOT_A_DATABASE',
      `${path} is not a readable SQLite database: ${(err as Error).message}`,
      'Restore it from a backup, or check that it is the right file.',
    )
  }
  addSha256Function(db)
  return db
}

/** `ferry_sha256(blob)`: lets an UPDATE check, inside its transaction, that content is unchanged. */
export function addSha256Function(db: SqliteDb): void {
  db.function('ferry_sha256', { deterministic: true }, (v: unknown) =>
    v === null
      ? null
      : createHash('sha256')
          .update(Buffer.isBuffer(v) ? v : Buffer.from(String(v), 'utf8'))
          .digest('hex'),
  )
}

export function describeSnapshotTable(db: SqliteDb): SnapshotTable | null {
  const row = db
    .prepare("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?")
    .get(SNAPSHOT_TABLE) as { sql: string | null } | undefined
  if (!row) return null
  if (/WITHOUT\s+ROWID/i.test(row.sql ?? '')) {
    throw new FerryError(
      'SNAPSHOT_TABLE_UNSUPPORTED',
      `${SNAPSHOT_TABLE} is a WITHOUT ROWID table`,
      'The snapshot store handles ordinary rowid tables only; leave this step out.',
    )
  }
  type Col = { name: string; type: string; notnull: number; pk: number }
  const cols = db
    .prepare('SELECT name, type, "notnull", pk FROM pragma_table_xinfo(?)')
    .all(SNAPSHOT_TABLE) as Col[]
  const content = cols.find((c) => c.name === CONTENT_COLUMN)
  if (!content) {
    throw new FerryError(
      'SNAPSHOT_NO_CONTENT_COLUMN',
      `${SNAPSHOT_TABLE} has no "${CONTENT_COLUMN}" column`,
      'The snapshot store moves memory_snapshots.content; this database keeps snapshots differently.',
    )
  }
  if (cols.some((c) => ['rowid', '_rowid_', 'oid'].includes(c.name.toLowerCase()))) {
    throw new FerryError(
      'SNAPSHOT_TABLE_UNSUPPORTED',
      `${SNAPSHOT_TABLE} has a column named like the rowid`,
      'The snapshot store addresses rows by rowid; leave this step out for this database.',
    )
  }
  const pk = cols.filter((c) => c.pk > 0)
  const names = new Set(cols.map((c) => c.name))
  const have = STORE_COLUMNS.filter(([n]) => names.has(n)).length
  const view = db
    .prepare("SELECT sql FROM sqlite_schema WHERE type = 'view' AND name = ?")
    .pluck()
    .get(VIEW_NAME) as string | undefined
  return {
    keyColumn: pk.length === 1 && pk[0] ? pk[0].name : 'rowid',
    columns: cols.map((c) => c.name),
    contentNotNull: content.notnull === 1,
    installed: have === STORE_COLUMNS.length && (view ?? '').includes(VIEW_SIGNATURE),
    anyStoreColumn: have > 0,
    hasStoreColumns: have === STORE_COLUMNS.length,
  }
}

/** The storage key of a snapshot as JSON-safe evidence (64-bit ids as strings past 2^53). */
export function jsonSafeId(v: unknown): string | number {
  if (typeof v === 'bigint')
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(v)
      : v.toString()
  if (typeof v === 'number' || typeof v === 'string') return v
  if (Buffer.isBuffer(v)) return `x'${v.toString('hex')}'`
  return String(v)
}

/**
 * The SQL expression of the marker that stands for file-stored content, in the view and (when the
 * column is NOT NULL) in the row itself: JSON, so CHECK (json_valid(content)) still holds, and it
 * names the file, so an old reader that meets it learns where the content went.
 */
export function markerSql(e: {
  path: string
  sha: string
  bytes: string
  storage: string
}): string {
  return `json_object('ferry_snapshot_file', ${e.path}, 'sha256', ${e.sha}, 'bytes', ${e.bytes}, 'storage', ${e.storage})`
}

/** The marker built from the row's own store columns (for the view). */
export function markerFromColumns(): string {
  return markerSql({
    path: '"content_path"',
    sha: '"content_sha256"',
    bytes: '"content_bytes"',
    storage: '"content_storage"',
  })
}

/** User triggers that an UPDATE of memory_snapshots would fire (and so change other data). */
export function updateTriggers(db: SqliteDb): string[] {
  const rows = db
    .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = ?")
    .all(SNAPSHOT_TABLE) as { name: string; sql: string | null }[]
  return rows
    .filter((r) => /\bUPDATE\b/i.test((r.sql ?? '').split(/\bBEGIN\b/i)[0] ?? ''))
    .map((r) => r.name)
}

export function encodingIsUtf8(db: SqliteDb): boolean {
  return String(db.pragma('encoding', { simple: true })).toUpperCase() === 'UTF-8'
}
