// What p1.snapshot-store reports: the evidence shape the checklist UI is built from.
import type { ThresholdSource } from './threshold'
import type { StoreTotals } from './verify'
import type { VacuumResult } from './vacuum'

export interface MovedSnapshot {
  snapshotId: string | number
  bytes: number
  sha256: string
  /** Relative to the workspace, e.g. `.claude/memory_snapshots/<sha256>.json`. */
  path: string
  storage: 'text' | 'blob'
  /** written: this row's bytes made a new file; reused: an identical file was already there. */
  file: 'written' | 'reused'
}

export interface SnapshotStoreEvidence extends Record<string, unknown> {
  /** null when state.db has no memory_snapshots table (then `note` says so). */
  table: string | null
  note?: string
  /** The column whose large values move: `content`, or the one the table keeps snapshots in. */
  column: string | null
  thresholdBytes: number
  thresholdSource: ThresholdSource
  /** Relative to the workspace: `.claude/memory_snapshots`. */
  storeDir: string
  view: string | null
  /** What a moved row keeps in `content`: NULL, or the JSON marker when the column is NOT NULL. */
  placeholder: 'null' | 'marker' | null
  columnsAdded: string[]
  viewCreated: boolean
  /** Rows over the threshold still inline when the step started. */
  candidates: number
  rowsMoved: number
  bytesMoved: number
  filesWritten: number
  /** Files that were already there (an interrupted run, or content stored before) and now serve moved rows. */
  filesReused: number
  /** Moved rows whose exact bytes were already stored: they share one file. */
  duplicatesDeduplicated: number
  rowsSkipped: { snapshotId: string | number; reason: string }[]
  tempFilesRemoved: number
  unreferencedFilesRemoved: number
  /** Distinct files read back and checked against their rows' SHA-256 and size. */
  filesVerified: number
  after: StoreTotals
  dbBytesBefore: number
  dbBytesAfter: number
  vacuum: VacuumResult
  /** The moved rows (the first 500). */
  moved: MovedSnapshot[]
  movedTruncated: boolean
}

export function emptyStoreEvidence(
  base: Pick<
    SnapshotStoreEvidence,
    'thresholdBytes' | 'thresholdSource' | 'storeDir' | 'dbBytesBefore'
  >,
): SnapshotStoreEvidence {
  return {
    table: 'memory_snapshots',
    column: null,
    ...base,
    view: null,
    placeholder: null,
    columnsAdded: [],
    viewCreated: false,
    candidates: 0,
    rowsMoved: 0,
    bytesMoved: 0,
    filesWritten: 0,
    filesReused: 0,
    duplicatesDeduplicated: 0,
    rowsSkipped: [],
    tempFilesRemoved: 0,
    unreferencedFilesRemoved: 0,
    filesVerified: 0,
    after: { rows: 0, inlineRows: 0, fileRows: 0, fileBytes: 0, files: 0 },
    dbBytesAfter: base.dbBytesBefore,
    vacuum: { ran: false, reason: 'nothing was moved' },
    moved: [],
    movedTruncated: false,
  }
}
