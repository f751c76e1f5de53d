// Lag per table, computed on demand: the rows a delta run would still have to copy — source rows
// past the ledger's key high-water mark, plus rows at or below it whose time column moved past the
// last finished run's watermark — and an estimate of rows deleted in SQLite since they were copied.
// Counting only (SQLite count(*) over key/time predicates, PostgreSQL count(*)): nothing is written.
import { fromTable } from '../sqlite/integrity'
import type pg from 'pg'
import { quoteIdent, type SqliteDb } from '../sqlite/open'
import { keySelectSql, keyValues, keyWidth } from './keys'
import { ledgerState, rejectedKeys } from './ledger'
import { qq } from './names'
import { timeColumn, watermarkValue, type Marks } from './delta-marks'
import type { TablePlan } from './types'

/**
 * ok: changed rows found through a time column; compared: no usable time column, so every copied
 * row is compared with the target (by key-hash bucket checksums, delta-compare.ts);
 * full-recopy-needed: changed rows cannot be found (no primary key to upsert them by).
 */
export type DeltaStatus = 'ok' | 'compared' | 'full-recopy-needed'

export interface TableLag {
  table: string
  target: string
  /** The time column whose moves are tracked, or null. */
  timeColumn: string | null
  status: DeltaStatus
  /** Why changed rows cannot be found (full-recopy-needed), or why every row is compared. */
  reason: string | null
  /** Source rows past the key high-water mark. */
  newRows: number
  /** Rows at or below it whose time column moved past the last watermark (null: undetectable, or known only by comparing). */
  changedRows: number | null
  /** newRows + changedRows: rows not yet copied. */
  lag: number
  /** Target rows minus the source rows they came from (> 0: rows deleted in SQLite). */
  deletedRows: number
}

/** `key <= (?…)`: the rows the bulk load (and earlier deltas) already copied. */
export function keyUpToSql(t: TablePlan): string {
  const cols = keySelectSql(t.key)
  const ph = Array.from({ length: keyWidth(t.key) }, () => '?').join(', ')
  return t.key.kind === 'rowid' ? `${cols} <= ?` : `(${cols}) <= (${ph})`
}

export function keyPastSql(t: TablePlan): string {
  const cols = keySelectSql(t.key)
  const ph = Array.from({ length: keyWidth(t.key) }, () => '?').join(', ')
  return t.key.kind === 'rowid' ? `${cols} > ?` : `(${cols}) > (${ph})`
}

/**
 * The time predicate and its parameters. `op` is '>' for lag (moved strictly past) and '>=' for
 * copying (a write in the same clock tick as the watermark is re-examined, never missed; the
 * upsert skips rows that did not actually change).
 */
export function movedSql(column: string, prev: string | null, op: '>' | '>='): [string, unknown[]] {
  if (prev === null) return [`${quoteIdent(column)} IS NOT NULL`, []]
  return [`${quoteIdent(column)} ${op} ?`, [watermarkValue(prev)]]
}

/**
 * Whether changed rows of the table can be found and upserted, and why not. `copiedRows`: the
 * source rows at or below the key high-water mark, when known (named in the reason of a table
 * whose rows are compared because it has no usable time column).
 */
export function deltaCapability(
  t: TablePlan,
  prev: Marks | null,
  copiedRows: number | null = null,
): { column: string | null; status: DeltaStatus; reason: string | null } {
  const col = timeColumn(t)?.source ?? null
  if (!t.primaryKey)
    return {
      column: col,
      status: 'full-recopy-needed',
      reason: 'no primary key on the target, so changed rows cannot be upserted',
    }
  const m = prev?.[t.source]
  if (col && m && m.column === col) return { column: col, status: 'ok', reason: null }
  const why = col
    ? 'no watermark recorded for this column by the bulk load (it predates delta sync)'
    : 'no updated_at / last_activity-like column'
  const rows =
    copiedRows === null ? 'copied row' : `${copiedRows.toLocaleString('en-US')} copied row(s)`
  return {
    column: col,
    status: 'compared',
    reason: `${why}: each delta checksums its ${rows} against the target's`,
  }
}

/** Source rows at or below the key high-water mark (0 before anything was copied). */
export function copiedRowCount(db: SqliteDb, t: TablePlan, hwm: string | null): number {
  if (hwm === null) return 0
  return count(
    db,
    `SELECT count(*) FROM ${fromTable(db, t.source)} WHERE ${keyUpToSql(t)}`,
    keyValues(t.key, hwm),
  )
}

const count = (db: SqliteDb, sql: string, params: unknown[]): number =>
  Number(
    db
      .prepare(sql)
      .pluck()
      .safeIntegers(true)
      .get(...params) as bigint,
  )

export async function tableLag(
  db: SqliteDb,
  client: pg.ClientBase,
  schema: string,
  t: TablePlan,
  prev: Marks | null,
): Promise<TableLag> {
  const from = `SELECT count(*) FROM ${fromTable(db, t.source)}`
  const hwm = (await ledgerState(client, schema, t.source)).last?.keyTo ?? null
  const hwmVals = hwm === null ? [] : keyValues(t.key, hwm)
  const copied = copiedRowCount(db, t, hwm)
  const cap = deltaCapability(t, prev, copied)
  const newRows =
    hwm === null ? count(db, from, []) : count(db, `${from} WHERE ${keyPastSql(t)}`, hwmVals)
  let changedRows: number | null = null
  if (cap.status === 'ok' && hwm !== null) {
    const [cond, params] = movedSql(cap.column!, prev![t.source]!.watermark, '>')
    changedRows = count(db, `${from} WHERE ${keyUpToSql(t)} AND ${cond}`, [...hwmVals, ...params])
  } else if (cap.status === 'ok') changedRows = 0
  const rejected = (await rejectedKeys(client, schema, t.source)).size
  const target = await client.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM ${qq(schema, t.target)}`,
  )
  return {
    table: t.source,
    target: t.target,
    timeColumn: cap.column,
    status: cap.status,
    reason: cap.reason,
    newRows,
    changedRows,
    lag: newRows + (changedRows ?? 0),
    deletedRows: Math.max(0, Number(target.rows[0]?.n ?? 0) - (copied - rejected)),
  }
}
