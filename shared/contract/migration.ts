// The Migration screen's values (issue 5 "Progress", issue 7 live view): the backend keeps the
// state of the running p3.migrate, so a reloaded page redraws exactly what it showed before.
import { z } from 'zod'

export const MigrationTableStatus = z.enum(['waiting', 'loading', 'done', 'failed'])

export const MigrationTable = z.object({
  table: z.string(),
  /** Rows in SQLite when the plan was made. */
  totalRows: z.number().nonnegative(),
  /** Rows processed: loaded + rejected (committed batches only). */
  doneRows: z.number().nonnegative(),
  rejectedRows: z.number().nonnegative(),
  /** COPY bytes sent by this run (batches redone after a resume are not counted twice). */
  bytes: z.number().nonnegative(),
  rowsPerSec: z.number().nonnegative().nullable(),
  mbPerSec: z.number().nonnegative().nullable(),
  etaSeconds: z.number().nonnegative().nullable(),
  status: MigrationTableStatus,
})
export type MigrationTable = z.infer<typeof MigrationTable>

/** One point of the throughput chart: the whole load's rate at time `t` (ms since the epoch). */
export const MigrationSample = z.object({
  t: z.number(),
  rowsPerSec: z.number().nonnegative(),
  mbPerSec: z.number().nonnegative(),
})
export type MigrationSample = z.infer<typeof MigrationSample>

export const MigrationStatus = z.object({
  /** 'live': this backend watched the run; 'report': read back from the last run's files. */
  origin: z.enum(['live', 'report']),
  state: z.enum(['idle', 'running', 'done', 'failed']),
  stepId: z.string().nullable(),
  runId: z.string().nullable(),
  schema: z.string(),
  phase: z.enum(['profile', 'load', 'constraints', 'validate']).nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  tables: z.array(MigrationTable),
  totals: z.object({
    totalRows: z.number().nonnegative(),
    doneRows: z.number().nonnegative(),
    rejectedRows: z.number().nonnegative(),
    bytes: z.number().nonnegative(),
    rowsPerSec: z.number().nonnegative().nullable(),
    mbPerSec: z.number().nonnegative().nullable(),
    etaSeconds: z.number().nonnegative().nullable(),
  }),
  /** The throughput chart. In a migration.progress event: only the samples taken since the last event. */
  samples: z.array(MigrationSample),
  error: z.string().nullable(),
})
export type MigrationStatus = z.infer<typeof MigrationStatus>

/** Delta sync's lag per table (issue 5, "Delta sync for the cut-over"), computed on demand. */
export const MigrationLagTable = z.object({
  table: z.string(),
  /** The updated_at / last_activity-like column whose moves are tracked, or null. */
  timeColumn: z.string().nullable(),
  /** ok: through the time column; compared: every copied row compared; full-recopy-needed. */
  status: z.enum(['ok', 'compared', 'full-recopy-needed']),
  /** Why changed rows cannot be found (full-recopy-needed), or why every row is compared. */
  reason: z.string().nullable(),
  /** Source rows past the key high-water mark. */
  newRows: z.number().nonnegative(),
  /** Rows already copied whose time column moved since (null: undetectable). */
  changedRows: z.number().nonnegative().nullable(),
  /** Rows not yet copied: newRows + changedRows. */
  lag: z.number().nonnegative(),
  /** Rows deleted in SQLite but still on the target. */
  deletedRows: z.number().nonnegative(),
})
export type MigrationLagTable = z.infer<typeof MigrationLagTable>

export const MigrationLag = z.object({
  schema: z.string(),
  available: z.boolean(),
  /** Why there is no lag to show (no completed load yet, target unreachable …). */
  note: z.string().nullable(),
  tables: z.array(MigrationLagTable),
  computedAt: z.string(),
})
export type MigrationLag = z.infer<typeof MigrationLag>

/** Post-load reconciliation (issue 5): sequences, foreign keys, CHECK constraints. */
export const Reconciliation = z.object({
  schema: z.string(),
  available: z.boolean(),
  /** Why nothing is shown (no migration yet, target unreachable …). */
  note: z.string().nullable(),
  sequences: z.array(
    z.object({
      table: z.string(),
      column: z.string(),
      maxId: z.string().nullable(),
      sqliteSequence: z.string().nullable(),
      /** The sequence's last value before setval (null: never used, it would hand out 1). */
      before: z.string().nullable(),
      setTo: z.string().nullable(),
      /** What the sequence says now, read live. */
      now: z.string().nullable(),
      ok: z.boolean(),
    }),
  ),
  foreignKeys: z.array(
    z.object({
      table: z.string(),
      name: z.string(),
      references: z.string(),
      status: z.string(),
      validated: z.boolean(),
      orphanRows: z.number().nonnegative(),
      /** Up to 10 orphan rows: their key columns as text. */
      orphanSample: z.array(z.string()),
      detail: z.string().nullable(),
    }),
  ),
  checks: z.array(
    z.object({
      table: z.string(),
      name: z.string(),
      definition: z.string(),
      validated: z.boolean(),
      violatingRows: z.number().nonnegative(),
      sample: z.array(z.string()),
    }),
  ),
})
export type Reconciliation = z.infer<typeof Reconciliation>

/** A transform the user chose for one column of rejected rows; never applied without being chosen. */
export const RejectTransform = z.enum([
  'strip-nul',
  'replace-invalid-utf8',
  'to-null',
  'cast-text',
  'set-value',
])
export type RejectTransform = z.infer<typeof RejectTransform>

export const RejectRule = z
  .object({
    column: z.string().min(1).max(200),
    transform: RejectTransform,
    /** The new value for 'set-value' (text; null stores NULL). */
    value: z.string().max(1_000_000).nullable().optional(),
  })
  .strict()
export type RejectRule = z.infer<typeof RejectRule>

export const RejectEntry = z.object({
  table: z.string(),
  key: z.string(),
  column: z.string().nullable(),
  reason: z.string(),
  storage: z.string().nullable(),
  /** The raw value, hex (up to 4 KB of it). */
  rawHex: z.string().nullable(),
  /** The whole source row as loaded into the reject log (JSON text). */
  row: z.string(),
  batch: z.number(),
})
export type RejectEntry = z.infer<typeof RejectEntry>

export const RecordedRule = z.object({
  id: z.number(),
  table: z.string(),
  column: z.string(),
  transform: z.string(),
  value: z.string().nullable(),
  keys: z.array(z.string()),
  at: z.string(),
})
export type RecordedRule = z.infer<typeof RecordedRule>

export const RejectList = z.object({
  schema: z.string(),
  total: z.number().nonnegative(),
  entries: z.array(RejectEntry),
  rules: z.array(RecordedRule),
  /** Rows fixed by a rule and loaded. */
  resolved: z.number().nonnegative(),
})
export type RejectList = z.infer<typeof RejectList>

export const RetryResult = z.object({
  table: z.string(),
  retried: z.number().nonnegative(),
  loaded: z.array(z.string()),
  stillRejected: z.array(
    z.object({ key: z.string(), column: z.string().nullable(), reason: z.string() }),
  ),
  ruleIds: z.array(z.number()),
})
export type RetryResult = z.infer<typeof RetryResult>

export const CompareCell = z.object({ text: z.string().nullable(), different: z.boolean() })

export const CompareRow = z.object({
  key: z.string(),
  state: z.enum(['equal', 'different', 'missing-in-target', 'extra-in-target', 'rejected']),
  source: z.array(z.string().nullable()).nullable(),
  target: z.array(z.string().nullable()).nullable(),
  differentColumns: z.array(z.string()),
})
export type CompareRow = z.infer<typeof CompareRow>

export const CompareResult = z.object({
  table: z.string(),
  columns: z.array(z.object({ source: z.string(), target: z.string(), type: z.string() })),
  rows: z.array(CompareRow),
  /** The key to pass as `after` for the next page (null: no more rows). */
  nextAfter: z.string().nullable(),
  /** Keys validation's bisection found different (from the last run's report). */
  bisectKeys: z.array(z.string()),
  keyed: z.boolean(),
})
export type CompareResult = z.infer<typeof CompareResult>
