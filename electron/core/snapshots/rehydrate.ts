// undo:p1.snapshot-store: puts every file-stored snapshot back into its row, byte-identical and
// with its original storage class (TEXT stays TEXT, BLOB stays BLOB), then drops the view and the
// columns and removes the files no row needs. Each batch commits only after every restored row
// reads back with the recorded SHA-256; the files go last, so a kill never loses content.
import { relative } from 'node:path'
import { rmdirSync } from 'node:fs'
import { FerryError } from '../../../shared/contract/envelope'
import { faultPoint } from '../jobs/faults'
import { throwIfCancelled, type JobContext } from '../jobs/job'
import { quoteIdent, type SqliteDb } from '../sqlite/open'
import type { WorkspacePaths } from '../workspace/resolve'
import { SNAPSHOT_TABLE, describeSnapshotTable, jsonSafeId, openStateDbForWrite } from './db'
import { listStore, readStoreFile, removeFiles, storeDir, verifyContent } from './files'
import { removeStoreSchema } from './schema'
import { dbFileBytes } from './vacuum'

export interface RehydrateEvidence extends Record<string, unknown> {
  table: string | null
  note?: string
  rowsRehydrated: number
  bytesRehydrated: number
  columnsDropped: string[]
  viewDropped: boolean
  filesRemoved: number
  storeDirRemoved: boolean
  dbBytesBefore: number
  dbBytesAfter: number
}

const T = quoteIdent(SNAPSHOT_TABLE)

interface FileRow {
  rid: bigint
  id: unknown
  path: string
  sha: string
  bytes: bigint
  storage: string
}

export async function rehydrateSnapshots(
  paths: WorkspacePaths,
  ctx: JobContext,
  batchBytes = 16 * 1024 * 1024,
): Promise<RehydrateEvidence> {
  const db = openStateDbForWrite(paths.stateDb)
  try {
    return await run(db, paths, ctx, batchBytes)
  } finally {
    db.close()
  }
}

async function run(
  db: SqliteDb,
  paths: WorkspacePaths,
  ctx: JobContext,
  batchBytes: number,
): Promise<RehydrateEvidence> {
  const dbBytesBefore = dbFileBytes(paths.stateDb)
  const ev: RehydrateEvidence = {
    table: SNAPSHOT_TABLE,
    rowsRehydrated: 0,
    bytesRehydrated: 0,
    columnsDropped: [],
    viewDropped: false,
    filesRemoved: 0,
    storeDirRemoved: false,
    dbBytesBefore,
    dbBytesAfter: dbBytesBefore,
  }
  const table = describeSnapshotTable(db)
  if (!table)
    return {
      ...ev,
      table: null,
      note: `${relative(paths.root, paths.stateDb)} has no ${SNAPSHOT_TABLE} table`,
    }
  if (table.installed) {
    const key = table.keyColumn === 'rowid' ? 'rowid' : quoteIdent(table.keyColumn)
    const rows = db
      .prepare(
        `SELECT rowid AS rid, ${key} AS id, content_path AS path, content_sha256 AS sha, content_bytes AS bytes, content_storage AS storage FROM ${T} WHERE content_path IS NOT NULL ORDER BY rowid`,
      )
      .safeIntegers(true)
      .all() as FileRow[]
    const total = rows.reduce((n, r) => n + Number(r.bytes), 0)
    const C = quoteIdent(table.contentColumn ?? 'content')
    const restore = db.prepare(
      `UPDATE ${T} SET ${C} = CASE WHEN @storage = 'text' THEN CAST(@b AS TEXT) ELSE @b END, content_path = NULL, content_sha256 = NULL, content_bytes = NULL, content_storage = NULL ` +
        'WHERE rowid = @rid AND content_path = @path AND content_sha256 = @sha',
    )
    const check = db
      .prepare(
        `SELECT typeof(${C}) AS t, ferry_sha256(CAST(${C} AS BLOB)) AS sha FROM ${T} WHERE rowid = ?`,
      )
      .safeIntegers(true)
    ctx.progress(0, total, 'bytes', `Putting ${rows.length} snapshots back into ${SNAPSHOT_TABLE}`)
    for (let i = 0; i < rows.length;) {
      const batch: { row: FileRow; id: string; b: Buffer }[] = []
      let size = 0
      while (i < rows.length && (batch.length === 0 || size < batchBytes)) {
        const row = rows[i++] as FileRow
        throwIfCancelled(ctx.signal)
        const id = String(jsonSafeId(row.id))
        if (row.storage !== 'text' && row.storage !== 'blob') {
          throw new FerryError(
            'SNAPSHOT_BAD_RECORD',
            `Snapshot ${id} records storage class "${row.storage}"`,
            'The row was edited outside Ferry; restore state.db from a backup.',
          )
        }
        const b = readStoreFile(paths, row.path, id)
        verifyContent(b, row.sha, Number(row.bytes), id, row.path)
        batch.push({ row, id, b })
        size += b.length
      }
      db.transaction(() => {
        for (const { row, id, b } of batch) {
          if (
            restore.run({ storage: row.storage, b, rid: row.rid, path: row.path, sha: row.sha })
              .changes !== 1
          ) {
            throw new FerryError(
              'SNAPSHOT_CHANGED',
              `Snapshot ${id} changed while the undo ran`,
              'Run the undo again.',
            )
          }
          const back = check.get(row.rid) as { t: string; sha: string }
          if (back.t !== row.storage || back.sha !== row.sha) {
            throw new FerryError(
              'SNAPSHOT_REHYDRATE_MISMATCH',
              `Snapshot ${id} reads back as ${back.t} with a different SHA-256 after restoring it`,
              'Nothing was changed for this batch. The content column may convert values (its type affinity); report this with the snapshot id.',
            )
          }
        }
      }).immediate()
      ev.rowsRehydrated += batch.length
      ev.bytesRehydrated += size
      ctx.progress(
        ev.bytesRehydrated,
        total,
        'bytes',
        `Restored ${ev.rowsRehydrated} of ${rows.length} snapshots`,
      )
      await faultPoint('snapshot:undo-after-batch', ctx.signal)
    }
    const fresh = describeSnapshotTable(db)
    if (fresh) Object.assign(ev, removeStoreSchema(db, fresh))
    await faultPoint('snapshot:undo-after-schema', ctx.signal)
  }
  // With the columns gone (or never added) no row points at a file: what is left is unneeded.
  const still = describeSnapshotTable(db)
  if (!still?.hasStoreColumns) {
    const dir = storeDir(paths)
    const { files, temps } = listStore(dir)
    ev.filesRemoved = removeFiles(dir, [...files, ...temps])
    try {
      rmdirSync(dir)
      ev.storeDirRemoved = true
    } catch {
      // Not empty (something else lives there) or already gone: either way, leave it.
    }
  }
  ev.dbBytesAfter = dbFileBytes(paths.stateDb)
  ctx.log(
    'info',
    `Put ${ev.rowsRehydrated} snapshots (${ev.bytesRehydrated} bytes) back into ${SNAPSHOT_TABLE}; removed ${ev.filesRemoved} files`,
  )
  return ev
}
