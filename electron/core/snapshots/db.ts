// The memory_snapshots table as the snapshot store sees it: which column is the snapshot's key,
// whether `content` may hold NULL, whether the store's columns are installed. Every question is
// asked of the live schema, because a real state.db need not look like the demo's.
import { createHash } from 'node:crypto'
import Database from 'better-sqlite3'
import { FerryError } from '../../../shared/contract/envelope'
import { refuseLinkOut } from '../fs/link-out'
import { quoteIdent, type SqliteDb } from '../sqlite/open'

export const SNAPSHOT_TABLE = 'memory_snapshots'
export const CONTENT_COLUMN = 'content'
export const VIEW_NAME = 'memory_snapshots_full'
/** Written into the view's SQL so undo only ever drops what the store itself installed. */
export const VIEW_SIGNATURE = 'ferry:snapshot-store v1'
/** Names the column to move in a memory_snapshots without `content` (or the journal setting). */
export const COLUMN_ENV = 'FERRY_SNAPSHOT_COLUMN'

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
  /**
   * The column whose large values move: the one the installed store recorded, else `content`, else
   * (when the store step asks, chooseContentColumn) the only column holding values over the
   * threshold. Null: none (the table keeps snapshots in no column the store can tell).
   */
  contentColumn: string | null
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

/** How the store step picks the content column of a table without `content`. */
export interface ContentChoice {
  thresholdBytes: number
  /** The user's choice (FERRY_SNAPSHOT_COLUMN or the setting), if any. */
  column?: string
}

/** The content column an installed store recorded in its view (hex, so any name is safe in SQL). */
const COLUMN_TAG = /ferry:snapshot-store v1 column=([0-9a-f]*)/

export function viewColumnTag(column: string): string {
  return `${VIEW_SIGNATURE} column=${Buffer.from(column, 'utf8').toString('hex')}`
}

export function describeSnapshotTable(db: SqliteDb, choice?: ContentChoice): SnapshotTable | null {
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
  const cols = db
    .prepare('SELECT name, type, "notnull", pk, hidden FROM pragma_table_xinfo(?)')
    .all(SNAPSHOT_TABLE) as Col[]
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
  const installed = have === STORE_COLUMNS.length && (view ?? '').includes(VIEW_SIGNATURE)
  const tag = installed ? COLUMN_TAG.exec(view ?? '') : null
  // Installed: the column it moves is fixed (a store from before the tag moved `content`).
  // Otherwise the user's named column, then `content`, then one told by the values.
  const contentColumn = tag
    ? Buffer.from(tag[1]!, 'hex').toString('utf8')
    : installed
      ? CONTENT_COLUMN
      : choice && (choice.column !== undefined || !names.has(CONTENT_COLUMN))
        ? chooseContentColumn(db, cols, choice)
        : names.has(CONTENT_COLUMN)
          ? CONTENT_COLUMN
          : null
  const content = cols.find((c) => c.name === contentColumn)
  return {
    keyColumn: pk.length === 1 && pk[0] ? pk[0].name : 'rowid',
    columns: cols.map((c) => c.name),
    contentColumn: content ? content.name : null,
    contentNotNull: content?.notnull === 1,
    installed,
    anyStoreColumn: have > 0,
    hasStoreColumns: have === STORE_COLUMNS.length,
  }
}

type Col = { name: string; type: string; notnull: number; pk: number; hidden: number }

/**
 * A table without `content` (a state.db that keeps snapshots as `snapshot`, `data`, …): the user's
 * choice if any, else the only column holding TEXT or BLOB values over the threshold, counted in
 * one scan. Several such columns are refused (which one holds the snapshots is the user's call);
 * none: null, nothing to move.
 */
function chooseContentColumn(db: SqliteDb, cols: Col[], choice: ContentChoice): string | null {
  const store = new Set<string>(STORE_COLUMNS.map(([n]) => n))
  // Not the key, not a generated column (it cannot be updated), not the store's own columns.
  const eligible = cols.filter((c) => c.pk === 0 && c.hidden === 0 && !store.has(c.name))
  if (choice.column !== undefined) {
    const c = eligible.find((x) => x.name === choice.column)
    if (!c)
      throw new FerryError(
        'SNAPSHOT_COLUMN_UNKNOWN',
        `${SNAPSHOT_TABLE} has no column "${choice.column}" the store can move (${COLUMN_ENV} names it)`,
        `Name one of ${eligible.map((x) => `"${x.name}"`).join(', ') || 'its non-key columns'}, or unset ${COLUMN_ENV}.`,
      )
    return c.name
  }
  if (!eligible.length) return null
  const over = (c: Col): string =>
    `coalesce(sum(typeof(${quoteIdent(c.name)}) IN ('text', 'blob') AND length(CAST(${quoteIdent(c.name)} AS BLOB)) > @t), 0)`
  const counts = db
    .prepare(`SELECT ${eligible.map(over).join(', ')} FROM ${quoteIdent(SNAPSHOT_TABLE)}`)
    .raw(true)
    .safeIntegers(true)
    .get({ t: BigInt(choice.thresholdBytes) }) as bigint[]
  const large = eligible
    .map((c, i) => ({ name: c.name, n: counts[i] ?? 0n }))
    .filter((c) => c.n > 0n)
  if (large.length <= 1) return large[0]?.name ?? null
  throw new FerryError(
    'SNAPSHOT_COLUMN_AMBIGUOUS',
    `${SNAPSHOT_TABLE} has no "${CONTENT_COLUMN}" column, and ${large.length} columns hold values over ${choice.thresholdBytes} bytes: ${large.map((c) => `"${c.name}" (${c.n} rows)`).join(', ')}`,
    `Say which one holds the snapshots: set ${COLUMN_ENV} to its name (e.g. ${COLUMN_ENV}=${large[0]!.name}) and run the step again.`,
  )
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
