// p1.snapshot-store: moves memory_snapshots.content over the threshold into content-addressed
// files under .claude/memory_snapshots/. Order per batch: write each file (temp, fsync, rename,
// fsync dir), read it back and check its SHA-256, then one transaction updates the rows — and
// only if each row's content is still the bytes that were written. A kill at any point leaves
// every snapshot readable from its row or from a verified file; a re-run finishes the job.
import { relative } from 'node:path'
import { FerryError } from '../../../shared/contract/envelope'
import { faultPoint } from '../jobs/faults'
import { throwIfCancelled, type JobContext } from '../jobs/job'
import { quoteIdent, type SqliteDb } from '../sqlite/open'
import type { WorkspacePaths } from '../workspace/resolve'
import {
  SNAPSHOT_TABLE,
  VIEW_NAME,
  describeSnapshotTable,
  encodingIsUtf8,
  jsonSafeId,
  openStateDbForWrite,
  updateTriggers,
  type SnapshotTable,
} from './db'
import { ensureStoreDir, listStore, removeFiles } from './files'
import { installStoreSchema } from './schema'
import { batchStatements, commitBatch, prepareRow, type Prepared } from './store-batch'
import { emptyStoreEvidence, type SnapshotStoreEvidence } from './store-evidence'
import type { ThresholdSource } from './threshold'
import { removeUnreferenced, storeTotals, verifyFileStoredRows } from './verify'
import { dbFileBytes, vacuumIfSafe } from './vacuum'

export type { MovedSnapshot, SnapshotStoreEvidence } from './store-evidence'

export interface SnapshotStoreOptions {
  thresholdBytes: number
  thresholdSource: ThresholdSource
  /** The column to move when the table has no `content` (FERRY_SNAPSHOT_COLUMN). */
  column?: string
  /** A batch's rows are committed in one transaction once all its files are verified. */
  batchBytes?: number
  batchRows?: number
}

const MOVED_LIST_MAX = 500
const T = quoteIdent(SNAPSHOT_TABLE)

export async function storeLargeSnapshots(
  paths: WorkspacePaths,
  ctx: JobContext,
  opts: SnapshotStoreOptions,
): Promise<SnapshotStoreEvidence> {
  const db = openStateDbForWrite(paths.stateDb)
  try {
    return await run(db, paths, ctx, opts)
  } finally {
    db.close()
  }
}

/** Checks the table can be handled and installs the columns and the view; null without a table. */
function prepareTable(
  db: SqliteDb,
  paths: WorkspacePaths,
  ev: SnapshotStoreEvidence,
  opts: SnapshotStoreOptions,
): SnapshotTable | { nothing: string } | null {
  const stateDb = relative(paths.root, paths.stateDb)
  if (!encodingIsUtf8(db)) {
    throw new FerryError(
      'SNAPSHOT_ENCODING_UNSUPPORTED',
      `${stateDb} stores text as UTF-16`,
      'The snapshot store keeps text as UTF-8 bytes; leave this step out for this database.',
    )
  }
  const table = describeSnapshotTable(db, {
    thresholdBytes: opts.thresholdBytes,
    ...(opts.column !== undefined ? { column: opts.column } : {}),
  })
  if (!table) return null
  if (table.contentColumn === null)
    return {
      nothing: `${SNAPSHOT_TABLE} has no "content" column and no column holding values over ${opts.thresholdBytes} bytes: nothing to move`,
    }
  const triggers = updateTriggers(db)
  if (triggers.length) {
    throw new FerryError(
      'SNAPSHOT_TRIGGERS',
      `${SNAPSHOT_TABLE} has UPDATE triggers (${triggers.join(', ')}) that moving content would fire`,
      'Ferry does not change rows a trigger would react to. Leave this step out, or drop the triggers first.',
    )
  }
  Object.assign(ev, installStoreSchema(db, table))
  const installed = describeSnapshotTable(db)
  if (!installed) {
    throw new FerryError(
      'SNAPSHOT_TABLE_MISSING',
      `${SNAPSHOT_TABLE} disappeared while the step ran`,
      'Run the step again.',
    )
  }
  ev.view = VIEW_NAME
  ev.placeholder = installed.contentNotNull ? 'marker' : 'null'
  return installed
}

async function run(
  db: SqliteDb,
  paths: WorkspacePaths,
  ctx: JobContext,
  opts: SnapshotStoreOptions,
): Promise<SnapshotStoreEvidence> {
  const started = Date.now()
  const ev = emptyStoreEvidence({
    thresholdBytes: opts.thresholdBytes,
    thresholdSource: opts.thresholdSource,
    storeDir: `${relative(paths.root, paths.claudeDir)}/memory_snapshots`,
    dbBytesBefore: dbFileBytes(paths.stateDb),
  })
  const table = prepareTable(db, paths, ev, opts)
  if (!table) {
    return {
      ...ev,
      table: null,
      note: `${relative(paths.root, paths.stateDb)} has no ${SNAPSHOT_TABLE} table: nothing to move`,
    }
  }
  if ('nothing' in table) return { ...ev, note: table.nothing }
  const column = table.contentColumn ?? 'content'
  const C = quoteIdent(column)
  ev.column = column
  const dir = ensureStoreDir(paths)
  ev.tempFilesRemoved = removeFiles(dir, listStore(dir).temps)

  const key = table.keyColumn === 'rowid' ? 'rowid' : quoteIdent(table.keyColumn)
  const candidates = db
    .prepare(
      `SELECT rowid AS rid, ${key} AS id, length(CAST(${C} AS BLOB)) AS bytes FROM ${T} ` +
        `WHERE content_path IS NULL AND typeof(${C}) IN ('text', 'blob') AND length(CAST(${C} AS BLOB)) > ? ORDER BY rowid`,
    )
    .safeIntegers(true)
    .all(BigInt(opts.thresholdBytes)) as { rid: bigint; id: unknown; bytes: bigint }[]
  ev.candidates = candidates.length
  const totalBytes = candidates.reduce((n, c) => n + Number(c.bytes), 0)
  // Content already in files before this batch: a moved row with the same bytes is a duplicate.
  const stored = new Set(
    db
      .prepare(`SELECT DISTINCT content_sha256 FROM ${T} WHERE content_path IS NOT NULL`)
      .pluck()
      .all() as string[],
  )
  const handled = new Set<string>()
  const reused = new Set<string>()
  const created = new Set<string>()
  const stmts = batchStatements(db, column)
  const batchBytes = opts.batchBytes ?? 16 * 1024 * 1024
  const batchRows = opts.batchRows ?? 64
  ctx.progress(
    0,
    totalBytes,
    'bytes',
    `${candidates.length} snapshots over ${opts.thresholdBytes} bytes`,
  )
  let done = 0
  for (let i = 0; i < candidates.length;) {
    const batch: Prepared[] = []
    let size = 0
    while (
      i < candidates.length &&
      batch.length < batchRows &&
      (batch.length === 0 || size < batchBytes)
    ) {
      const c = candidates[i++] as (typeof candidates)[number]
      throwIfCancelled(ctx.signal)
      size += Number(c.bytes)
      const p = await prepareRow(stmts, dir, c.rid, c.id, handled, ctx.signal)
      if (p) batch.push(p)
      else
        ev.rowsSkipped.push({
          snapshotId: jsonSafeId(c.id),
          reason: 'changed or deleted while the step ran',
        })
      if (p?.file === 'written') created.add(p.name)
    }
    const applied = await commitBatch(db, stmts, batch, !table.contentNotNull, ctx.signal)
    batch.forEach((p, k) => {
      if (!applied[k]) {
        ev.rowsSkipped.push({
          snapshotId: p.id,
          reason: 'content changed while the step ran; it stays inline',
        })
        return
      }
      ev.rowsMoved++
      ev.bytesMoved += p.bytes.length
      if (p.file === 'written') ev.filesWritten++
      else if (!created.has(p.name)) reused.add(p.name)
      if (stored.has(p.sha)) ev.duplicatesDeduplicated++
      stored.add(p.sha)
      if (ev.moved.length >= MOVED_LIST_MAX) ev.movedTruncated = true
      else {
        const path = `${relative(paths.root, paths.claudeDir)}/${p.rel}`
        ev.moved.push({
          snapshotId: p.id,
          bytes: p.bytes.length,
          sha256: p.sha,
          path,
          storage: p.storage,
          file: p.file,
        })
      }
    })
    done += size
    ctx.progress(
      done,
      totalBytes,
      'bytes',
      `Moved ${ev.rowsMoved} of ${candidates.length} snapshots`,
    )
    await faultPoint('snapshot:after-batch-commit', ctx.signal)
  }
  ev.filesReused = reused.size
  ev.unreferencedFilesRemoved = removeUnreferenced(db, dir, created, started)
  ctx.progress(done, totalBytes, 'bytes', 'Verifying every file-stored snapshot')
  ev.filesVerified = verifyFileStoredRows(db, paths, key, ctx.signal)
  ev.after = storeTotals(db, dir)
  ctx.progress(done, totalBytes, 'bytes', 'Compacting state.db (VACUUM)')
  const free = db.pragma('freelist_count', { simple: true }) as number
  ev.vacuum =
    ev.rowsMoved > 0 || free > 0
      ? vacuumIfSafe(db)
      : { ran: false, reason: 'no free pages to reclaim' }
  ev.dbBytesAfter = dbFileBytes(paths.stateDb)
  ctx.log(
    'info',
    `Moved ${ev.rowsMoved} snapshots (${ev.bytesMoved} bytes) to ${ev.storeDir}; state.db ${ev.dbBytesBefore} → ${ev.dbBytesAfter} bytes`,
  )
  return ev
}
