// What every importer receives and reports. Every source file ends as one FileOutcome: imported
// (with its row count now in memory.db) or skipped (with the reason), which is what the
// reconciliation adds up.
import type { MemoryDb } from './memory-db'
import type { Scrubber } from './secrets'

export interface ImportContext {
  mem: MemoryDb
  scrub: Scrubber
  batchRows: number
  now: () => string
  /** Raw bytes read, for progress. */
  bytes: (n: number) => void
  /** Rows written (committed), for progress. */
  rows?: (n: number) => void
  /** After each committed batch: cancellation, fault points. */
  afterBatch: () => Promise<void>
}

export interface FileOutcome {
  path: string
  pathHex?: string
  importer: 'log' | 'context' | 'config' | 'state-db' | null
  format?: string
  /** memory.db table the rows are in. */
  table?: string
  status: 'imported' | 'skipped'
  /** What this run did to the file's rows. */
  action?: 'new' | 'appended' | 'replaced' | 'unchanged'
  /** Rows of this file now in memory.db. */
  rows?: number
  added?: number
  removed?: number
  parseErrors?: number
  redactions?: number
  /** Secret-looking config values stored as "***". */
  secrets?: number
  /** A problem reading the file that did not stop the import (e.g. a truncated .gz). */
  error?: string | null
  skip?: { code: string; reason: string }
}
