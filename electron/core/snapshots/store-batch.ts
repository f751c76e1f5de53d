// One batch of the snapshot store: each row's bytes go to a verified file first; then a single
// transaction points the rows at their files, row by row only if the content is still exactly
// the bytes that were written (an agent may have changed it in between: that row stays inline).
import type Database from 'better-sqlite3'
import { FerryError } from '../../../shared/contract/envelope'
import { faultPoint } from '../jobs/faults'
import { quoteIdent, type SqliteDb } from '../sqlite/open'
import { SNAPSHOT_TABLE, jsonSafeId, markerSql } from './db'
import { fileNameFor, hasVerifiedFile, relPathOf, sha256, writeStoreFile } from './files'

export interface Prepared {
  rid: bigint
  id: string | number
  bytes: Buffer
  sha: string
  name: string
  rel: string
  storage: 'text' | 'blob'
  file: 'written' | 'reused'
}

const T = quoteIdent(SNAPSHOT_TABLE)
const marker = markerSql({ path: '@path', sha: '@sha', bytes: '@bytes', storage: '@storage' })

export interface BatchStatements {
  readRow: Database.Statement
  update: Database.Statement
}

/** `column`: the table's content column (SnapshotTable.contentColumn). */
export function batchStatements(db: SqliteDb, column: string): BatchStatements {
  const C = quoteIdent(column)
  const readRow = db
    .prepare(
      `SELECT typeof(${C}) AS t, CAST(${C} AS BLOB) AS b FROM ${T} WHERE rowid = ? AND content_path IS NULL`,
    )
    .safeIntegers(true)
  const update = db.prepare(
    `UPDATE ${T} SET content_path = @path, content_sha256 = @sha, content_bytes = @bytes, content_storage = @storage, ${C} = ` +
      `CASE WHEN @nullable THEN NULL WHEN @storage = 'blob' THEN CAST(${marker} AS BLOB) ELSE ${marker} END ` +
      `WHERE rowid = @rid AND content_path IS NULL AND typeof(${C}) = @storage AND ferry_sha256(CAST(${C} AS BLOB)) = @sha`,
  )
  return { readRow, update }
}

/**
 * Reads one row and makes sure a verified file holds its bytes (`handled`: names already dealt
 * with in this run). Returns null when the row is gone or no longer TEXT/BLOB.
 */
export async function prepareRow(
  s: BatchStatements,
  dir: string,
  rid: bigint,
  rawId: unknown,
  handled: Set<string>,
  signal: AbortSignal,
): Promise<Prepared | null> {
  const row = s.readRow.get(rid) as { t: string; b: Buffer | null } | undefined
  if (!row || row.b === null || (row.t !== 'text' && row.t !== 'blob')) return null
  const id = jsonSafeId(rawId)
  const sha = sha256(row.b)
  const name = fileNameFor(row.b, sha)
  let file: Prepared['file'] = 'reused'
  if (!handled.has(name) && !hasVerifiedFile(dir, name, sha, row.b.length)) {
    await writeStoreFile(dir, name, row.b, signal)
    if (!hasVerifiedFile(dir, name, sha, row.b.length)) {
      throw new FerryError(
        'SNAPSHOT_WRITE_UNVERIFIED',
        `Snapshot ${id}: .claude/${relPathOf(name)} reads back different from what was written`,
        'Check the disk (space, errors); nothing was changed in state.db for this snapshot.',
      )
    }
    file = 'written'
  }
  handled.add(name)
  return { rid, id, bytes: row.b, sha, name, rel: relPathOf(name), storage: row.t, file }
}

/** Points the batch's rows at their files in one transaction; true per row that was updated. */
export async function commitBatch(
  db: SqliteDb,
  s: BatchStatements,
  batch: Prepared[],
  contentNullable: boolean,
  signal: AbortSignal,
): Promise<boolean[]> {
  await faultPoint('snapshot:after-file-before-row-update', signal)
  return db
    .transaction(() =>
      batch.map(
        (p) =>
          s.update.run({
            path: p.rel,
            sha: p.sha,
            // A BigInt binds as INTEGER (a number would bind as REAL and print as 123.0 in the marker).
            bytes: BigInt(p.bytes.length),
            storage: p.storage,
            nullable: contentNullable ? 1 : 0,
            rid: p.rid,
          }).changes === 1,
      ),
    )
    .immediate()
}
