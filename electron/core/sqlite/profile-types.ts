// The data profile pre.document-schema writes into .ferry/schema.json: what the columns actually
// hold, as opposed to what they declare. Phase 3 chooses PostgreSQL types from it, so every
// figure is an exact count over the whole table unless a field says it was sampled.

/** A value as JSON: text as a string (cut to 100 characters), integers as numbers or strings past 2^53, blobs as `x'hex'`. */
export type ProfileValue = string | number | null

export type Affinity = 'INTEGER' | 'TEXT' | 'BLOB' | 'REAL' | 'NUMERIC'

export interface StorageCounts {
  integer: number
  real: number
  text: number
  blob: number
  null: number
}

export interface ColumnProfile {
  /** SQLite's type affinity for the declared type. */
  affinity: Affinity
  /** typeof() over every row. */
  storage: StorageCounts
  nulls: number
  /** Largest TEXT value in bytes (UTF-8), null when there is no TEXT. */
  maxTextBytes: number | null
  maxBlobBytes: number | null
  /** Smallest and largest INTEGER value (as strings: they may pass 2^53). */
  intMin: string | null
  intMax: string | null
  /** TEXT values with a NUL byte inside (PostgreSQL text rejects them). */
  nulBytes: number
  /** TEXT values that are not valid UTF-8 (PostgreSQL text rejects them). */
  invalidUtf8: number
  /** Present when the column holds JSON: most of its TEXT values start with `{` or `[`. */
  json: { valid: number; invalid: number; nulEscapes: number } | null
  /** Present for timestamp-like columns (by name, declared type, or values). */
  timestamps: { iso: number; notIso: number; withZone: number } | null
  /** Present when every INTEGER is 0 or 1, or the name/declared type says boolean. */
  boolean: { zeros: number; ones: number; other: number } | null
  /** Every distinct value with its exact count, when there are at most 20 (and none is over 200 bytes). */
  values: { value: ProfileValue; type: keyof StorageCounts; count: number }[] | null
  /** More than 20 distinct values. */
  highCardinality: boolean
}

export interface ForeignKeyProfile {
  columns: string[]
  refTable: string
  refColumns: string[]
  /** Child rows whose (non-NULL) key has no parent row. */
  orphans: number
  /** Up to 5 distinct dangling keys (a single value, or an array for composite keys). */
  samples: (ProfileValue | ProfileValue[])[]
  /** Set when the check could not run, with the reason. */
  skipped?: string
  parentMissing?: boolean
}

export interface CheckProfile {
  column: string
  allowed: string[]
  /** Where the list comes from: the table's own CHECK, or the plan's PostgreSQL schema. */
  source: 'table' | 'plan'
  outside: number
  samples: { value: ProfileValue; count: number }[]
}

export interface TableProfile {
  rowsScanned: number
  ms: number
  /** Scanned in rowid ranges (progress and cancel between ranges). */
  chunks: number
  foreignKeys: ForeignKeyProfile[]
  checks: CheckProfile[]
  skipped?: string
}

export type FindingKind =
  | 'orphans'
  | 'invalid-json'
  | 'json-nul-escape'
  | 'mixed-types'
  | 'nul-bytes'
  | 'invalid-utf8'
  | 'status-outside-check'
  | 'invalid-timestamp'
  | 'non-boolean'

export interface Finding {
  table: string
  /** The column (for composite foreign keys: the columns joined with ", "). */
  column: string
  kind: FindingKind
  count: number
  /** Up to 5: rowids of offending rows, or dangling keys / values for orphans and checks. */
  samples: (ProfileValue | ProfileValue[])[]
  /** One line for a person: what was found and why it matters. */
  detail: string
}
