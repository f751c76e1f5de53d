// import_files: one row per imported source file, the memory of what was read. For a log it holds
// the committed byte offset (rows before it are final) and the SHA-256 of the bytes before it, so
// a grown log imports only its new lines and a rewritten one is noticed and imported again.
import { createHash } from 'node:crypto'
import type { WalkEntry } from '../inventory/walk'
import type { MemoryDb } from './memory-db'

export interface LedgerRow {
  fileId: number
  size: number
  committedOffset: number
  committedLine: number
  prefixSha256: Buffer | null
  fileSha256: Buffer | null
  error: string | null
  format: string | null
}

export const EMPTY_SHA256 = createHash('sha256').digest()

/** The exact path bytes (relative to the workspace) as hex: the ledger's key. */
export function pathKey(e: WalkEntry): string {
  return e.pathHex ?? Buffer.from(e.path, 'utf8').toString('hex')
}

export function findLedger(mem: MemoryDb, e: WalkEntry): LedgerRow | undefined {
  return mem
    .prepare(
      'SELECT file_id AS fileId, size, committed_offset AS committedOffset, committed_line AS committedLine, prefix_sha256 AS prefixSha256, file_sha256 AS fileSha256, error, format FROM import_files WHERE path_hex = ?',
    )
    .get(pathKey(e)) as LedgerRow | undefined
}

export function createLedger(
  mem: MemoryDb,
  e: WalkEntry,
  importer: string,
  format: string | null,
  now: string,
): LedgerRow {
  const r = mem
    .prepare(
      'INSERT INTO import_files (path, path_hex, importer, format, size, committed_offset, committed_line, prefix_sha256, first_imported_at, updated_at) VALUES (?, ?, ?, ?, 0, 0, 1, ?, ?, ?)',
    )
    .run(e.path, pathKey(e), importer, format, EMPTY_SHA256, now, now)
  return {
    fileId: Number(r.lastInsertRowid),
    size: 0,
    committedOffset: 0,
    committedLine: 1,
    prefixSha256: EMPTY_SHA256,
    fileSha256: null,
    error: null,
    format,
  }
}

export function saveProgress(
  mem: MemoryDb,
  fileId: number,
  committedOffset: number,
  committedLine: number,
  prefix: Buffer,
  now: string,
): void {
  mem
    .prepare(
      'UPDATE import_files SET committed_offset = ?, committed_line = ?, prefix_sha256 = ?, updated_at = ? WHERE file_id = ?',
    )
    .run(committedOffset, committedLine, prefix, now, fileId)
}

export function saveFinished(
  mem: MemoryDb,
  fileId: number,
  f: { size: number; fileSha256: Buffer; error: string | null; now: string; format?: string },
): void {
  mem
    .prepare(
      'UPDATE import_files SET size = ?, file_sha256 = ?, error = ?, updated_at = ?, format = coalesce(?, format) WHERE file_id = ?',
    )
    .run(f.size, f.fileSha256, f.error, f.now, f.format ?? null, fileId)
}

export interface FileRowStats {
  rows: number
  parseErrors: number
  redactions: number
}

export function rowStats(mem: MemoryDb, table: string, fileId: number): FileRowStats {
  return mem
    .prepare(
      `SELECT count(*) AS rows, count(parse_error) AS parseErrors, coalesce(sum(redactions), 0) AS redactions FROM ${table} WHERE file_id = ?`,
    )
    .get(fileId) as FileRowStats
}
