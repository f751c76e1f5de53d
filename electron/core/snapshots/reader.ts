// Reading a memory snapshot whether it lives in its row or in the store: the one function the
// agent store library (and anything else that needs snapshot content) calls. File content is
// checked against the SHA-256 and size the row recorded before it is returned.
import { FerryError } from '../../../shared/contract/envelope'
import { quoteIdent, type SqliteDb } from '../sqlite/open'
import type { WorkspacePaths } from '../workspace/resolve'
import { SNAPSHOT_TABLE, describeSnapshotTable } from './db'
import { readStoreFile, verifyContent } from './files'

export type StorageClass = 'text' | 'blob' | 'integer' | 'real' | 'null'

export interface SnapshotContent {
  /** The exact bytes: TEXT as its UTF-8 bytes, BLOB as is. */
  bytes: Buffer
  /** The storage class the content has (or had, before it moved to a file). */
  storage: StorageClass
  location: 'inline' | 'file'
  /** For file-stored content: relative to .claude/, e.g. `memory_snapshots/<sha256>.json`. */
  path?: string
}

type SnapshotKey = number | bigint | string

interface Row {
  t: StorageClass
  b: Buffer | null
  path: string | null
  sha: string | null
  bytes: bigint | null
  storage: string | null
}

/** The content of one snapshot as exact bytes and storage class. Throws naming the snapshot and file. */
export function loadSnapshotContent(
  db: SqliteDb,
  paths: WorkspacePaths,
  snapshotId: SnapshotKey,
): SnapshotContent {
  const table = describeSnapshotTable(db)
  if (!table)
    throw new FerryError(
      'SNAPSHOT_TABLE_MISSING',
      `state.db has no ${SNAPSHOT_TABLE} table`,
      'Check that the workspace is the right folder.',
    )
  if (table.contentColumn === null)
    throw new FerryError(
      'SNAPSHOT_NO_CONTENT_COLUMN',
      `${SNAPSHOT_TABLE} has no "content" column`,
      'This database keeps snapshots in another column; read it with SQL.',
    )
  const C = quoteIdent(table.contentColumn)
  const key = table.keyColumn === 'rowid' ? 'rowid' : quoteIdent(table.keyColumn)
  const store = table.hasStoreColumns
    ? 'content_path AS path, content_sha256 AS sha, content_bytes AS bytes, content_storage AS storage'
    : 'NULL AS path, NULL AS sha, NULL AS bytes, NULL AS storage'
  const row = db
    .prepare(
      `SELECT typeof(${C}) AS t, CAST(${C} AS BLOB) AS b, ${store} FROM ${quoteIdent(SNAPSHOT_TABLE)} WHERE ${key} = ?`,
    )
    .safeIntegers(true)
    .get(snapshotId) as Row | undefined
  const label = String(snapshotId)
  if (!row)
    throw new FerryError(
      'SNAPSHOT_NOT_FOUND',
      `No snapshot ${label} in ${SNAPSHOT_TABLE}`,
      `Check the ${table.keyColumn}.`,
    )
  if (row.path === null)
    return { bytes: row.b ?? Buffer.alloc(0), storage: row.t, location: 'inline' }
  if (
    row.sha === null ||
    row.bytes === null ||
    (row.storage !== 'text' && row.storage !== 'blob')
  ) {
    throw new FerryError(
      'SNAPSHOT_BAD_RECORD',
      `Snapshot ${label} points at ${row.path} but its hash, size or storage class is missing`,
      'The row was edited outside Ferry; restore state.db from a backup.',
    )
  }
  const bytes = readStoreFile(paths, row.path, label)
  verifyContent(bytes, row.sha, Number(row.bytes), label, row.path)
  return { bytes, storage: row.storage, location: 'file', path: row.path }
}

/**
 * A snapshot's content as an inline reader would have seen it: TEXT as a string, BLOB as a
 * Buffer, NULL as null (integer and real content, which no agent writes, as SQLite's text form).
 */
export function loadSnapshot(
  db: SqliteDb,
  paths: WorkspacePaths,
  snapshotId: SnapshotKey,
): Buffer | string | null {
  const c = loadSnapshotContent(db, paths, snapshotId)
  if (c.storage === 'null') return null
  if (c.storage === 'blob') return c.bytes
  return c.bytes.toString('utf8')
}
