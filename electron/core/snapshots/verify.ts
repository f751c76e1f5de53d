// The store's consistency: every file-stored snapshot is readable (its file exists, is named by
// the SHA-256 the row recorded and holds exactly those bytes), and no file lies around unneeded.
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { FerryError } from '../../../shared/contract/envelope'
import { throwIfCancelled } from '../jobs/job'
import { quoteIdent, type SqliteDb } from '../sqlite/open'
import type { WorkspacePaths } from '../workspace/resolve'
import { SNAPSHOT_TABLE, jsonSafeId } from './db'
import { listStore, readStoreFile, removeFiles, shaOfFileName, verifyContent } from './files'

export interface StoreTotals {
  rows: number
  inlineRows: number
  fileRows: number
  /** Sum of content_bytes over file-stored rows (duplicates counted once per row). */
  fileBytes: number
  /** Snapshot files in the store folder. */
  files: number
}

const T = quoteIdent(SNAPSHOT_TABLE)

/** Returns how many distinct files were checked; throws SNAPSHOT_CORRUPT / _MISSING naming the snapshot. */
export function verifyFileStoredRows(
  db: SqliteDb,
  paths: WorkspacePaths,
  key: string,
  signal: AbortSignal,
): number {
  const rows = db
    .prepare(
      `SELECT ${key} AS id, content_path AS path, content_sha256 AS sha, content_bytes AS bytes FROM ${T} WHERE content_path IS NOT NULL ORDER BY content_path, rowid`,
    )
    .safeIntegers(true)
    .iterate() as IterableIterator<{
    id: unknown
    path: string
    sha: string | null
    bytes: bigint | null
  }>
  let checked = 0
  let last: { path: string; sha: string; bytes: bigint } | null = null
  for (const r of rows) {
    const id = String(jsonSafeId(r.id))
    const name = r.path.split('/').pop() ?? ''
    if (r.sha === null || r.bytes === null || shaOfFileName(name) !== r.sha) {
      throw new FerryError(
        'SNAPSHOT_BAD_RECORD',
        `Snapshot ${id}: content_path ${r.path} does not match content_sha256 ${r.sha ?? 'NULL'}`,
        'The row was edited outside Ferry; restore state.db from a backup.',
      )
    }
    if (last && last.path === r.path) {
      if (last.sha !== r.sha || last.bytes !== r.bytes) {
        throw new FerryError(
          'SNAPSHOT_BAD_RECORD',
          `Snapshot ${id} records ${r.bytes} bytes for ${r.path}, another row ${last.bytes}`,
          'The row was edited outside Ferry; restore state.db from a backup.',
        )
      }
      continue
    }
    throwIfCancelled(signal)
    verifyContent(readStoreFile(paths, r.path, id), r.sha, Number(r.bytes), id, r.path)
    last = { path: r.path, sha: r.sha, bytes: r.bytes }
    checked++
  }
  return checked
}

export function storeTotals(db: SqliteDb, dir: string): StoreTotals {
  const r = db
    .prepare(
      `SELECT count(*) AS rows, count(content_path) AS fileRows, coalesce(sum(CASE WHEN content_path IS NOT NULL THEN content_bytes END), 0) AS fileBytes FROM ${T}`,
    )
    .get() as { rows: number; fileRows: number; fileBytes: number }
  return {
    rows: r.rows,
    inlineRows: r.rows - r.fileRows,
    fileRows: r.fileRows,
    fileBytes: r.fileBytes,
    files: listStore(dir).files.length,
  }
}

/**
 * Removes files no row points at: those this run wrote for rows that then changed, and leftovers
 * of an interrupted run. A file newer than this run that this run did not write may belong to a
 * writer that has not committed its row yet, so it stays.
 */
export function removeUnreferenced(
  db: SqliteDb,
  dir: string,
  created: Set<string>,
  runStarted: number,
): number {
  const paths = db
    .prepare(`SELECT DISTINCT content_path FROM ${T} WHERE content_path IS NOT NULL`)
    .pluck()
    .all() as string[]
  const referenced = new Set(paths.map((p) => p.split('/').pop()))
  const stale = listStore(dir).files.filter((name) => {
    if (referenced.has(name)) return false
    if (created.has(name)) return true
    try {
      return statSync(join(dir, name)).mtimeMs < runStarted
    } catch {
      return false
    }
  })
  return removeFiles(dir, stale)
}
