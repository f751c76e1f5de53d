// Delta sync's bookkeeping (issue 5, "Delta sync for the cut-over"), next to the ledger in the
// target schema:
//   ferry_delta_runs    one row per run: run 0 is the bulk load (its watermarks are taken before
//                       the first row is read), then one per `--delta` run. `marks` holds, per
//                       table, the time column used, the watermark taken at the run's start (the
//                       SQLite max of that column, in SQLite's own value, tagged), the previous
//                       run's watermark and the key high-water mark at the start.
//   ferry_delta_ledger  one row per committed delta batch (upserted changed rows, applied deletes),
//                       written in the same transaction as the batch: a killed run resumes after it.
// Rows past the key high-water mark are loaded by the bulk loader itself, so their batches are
// ordinary ferry_ledger rows.
import type pg from 'pg'
import { quoteIdent, type SqliteDb } from '../sqlite/open'
import { keyText, keyValues } from './keys'
import { qq } from './names'
import type { ColumnPlan, MigrationPlan, TableKey, TablePlan } from './types'

export interface TableMark {
  /** The time column whose moves are tracked (source name), or null when the table has none. */
  column: string | null
  /** SQLite max(column) at the run's start, tagged (keys.ts); null: no non-null value. */
  watermark: string | null
  /** The previous run's watermark; undefined: no earlier watermark (bulk load predates delta sync). */
  prev?: string | null
  /** The ledger's key high-water mark at the run's start (null: nothing loaded). */
  hwm: string | null
}

export type Marks = Record<string, TableMark>

export interface DeltaRun {
  run: number
  finished: boolean
  marks: Marks
}

// Names agents use for "this row last changed at". created_at is deliberately absent: it does not
// move when a row is updated.
const TIME_NAME =
  /^(updated|modified|changed|mtime|last_?(activity|active|modified|updated|update|changed|change|seen))(_?(at|on|time|ts|date))?$/i
const TIME_SUFFIX = /_(updated|modified|changed)_at$/i
const TIME_TYPES = new Set(['timestamptz', 'bigint', 'double precision', 'numeric', 'text'])

/** The column whose value moves when a row changes: updated_at first, then the first match. */
export function timeColumn(t: TablePlan): ColumnPlan | null {
  const usable = t.columns.filter(
    (c) => TIME_TYPES.has(c.type) && (TIME_NAME.test(c.source) || TIME_SUFFIX.test(c.source)),
  )
  return usable.find((c) => c.source.toLowerCase() === 'updated_at') ?? usable[0] ?? null
}

const MAX_TAG: TableKey = { kind: 'pk', columns: ['v'] }

/** SQLite's max of the time column now, tagged so integers, reals and text stay distinct. */
export function sourceWatermark(db: SqliteDb, t: TablePlan, column: string): string | null {
  const v = db
    .prepare(`SELECT max(${quoteIdent(column)}) FROM ${quoteIdent(t.source)}`)
    .pluck()
    .safeIntegers(true)
    .get()
  return v === null || v === undefined ? null : keyText(MAX_TAG, [v])
}

export function watermarkValue(tagged: string): unknown {
  return keyValues(MAX_TAG, tagged)[0]
}

export function deltaDdl(schema: string): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${qq(schema, 'ferry_delta_runs')} (
      run int PRIMARY KEY,
      marks text NOT NULL,
      started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      finished_at timestamptz)`,
    `CREATE TABLE IF NOT EXISTS ${qq(schema, 'ferry_delta_ledger')} (
      run int NOT NULL,
      table_name text NOT NULL,
      phase text NOT NULL CHECK (phase IN ('changed', 'delete')),
      batch int NOT NULL,
      key_from text NOT NULL,
      key_to text NOT NULL,
      rows int NOT NULL,
      applied int NOT NULL,
      committed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      PRIMARY KEY (run, table_name, phase, batch))`,
  ]
}

/**
 * Called by the bulk load before its first batch: run 0's watermarks. Kept from the first attempt
 * when a killed load resumes (earlier is the safe side: more rows count as changed, none missed).
 */
export async function recordBulkMarks(
  db: SqliteDb,
  client: pg.ClientBase,
  plan: MigrationPlan,
  schema: string,
): Promise<void> {
  for (const sql of deltaDdl(schema)) await client.query(sql)
  const marks: Marks = {}
  for (const t of plan.tables) {
    const col = timeColumn(t)
    marks[t.source] = {
      column: col?.source ?? null,
      watermark: col ? sourceWatermark(db, t, col.source) : null,
      hwm: null,
    }
  }
  await client.query(
    `INSERT INTO ${qq(schema, 'ferry_delta_runs')} (run, marks, finished_at) VALUES (0, $1, clock_timestamp()) ON CONFLICT (run) DO NOTHING`,
    [JSON.stringify(marks)],
  )
}

async function hasDeltaTables(client: pg.ClientBase, schema: string): Promise<boolean> {
  const r = await client.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [
    qq(schema, 'ferry_delta_runs'),
  ])
  return !!r.rows[0]?.t
}

/** The latest run (finished or not) and the latest finished one. */
export async function readDeltaRuns(
  client: pg.ClientBase,
  schema: string,
): Promise<{ latest: DeltaRun | null; finished: DeltaRun | null }> {
  if (!(await hasDeltaTables(client, schema))) return { latest: null, finished: null }
  const r = await client.query<{ run: number; marks: string; done: boolean }>(
    `SELECT run, marks, finished_at IS NOT NULL AS done FROM ${qq(schema, 'ferry_delta_runs')} ORDER BY run DESC`,
  )
  const runs = r.rows.map((x) => ({
    run: x.run,
    finished: x.done,
    marks: JSON.parse(x.marks) as Marks,
  }))
  return { latest: runs[0] ?? null, finished: runs.find((x) => x.finished) ?? null }
}

export async function insertDeltaRun(
  client: pg.ClientBase,
  schema: string,
  run: number,
  marks: Marks,
): Promise<void> {
  for (const sql of deltaDdl(schema)) await client.query(sql)
  await client.query(`INSERT INTO ${qq(schema, 'ferry_delta_runs')} (run, marks) VALUES ($1, $2)`, [
    run,
    JSON.stringify(marks),
  ])
}

export async function finishDeltaRun(
  client: pg.ClientBase,
  schema: string,
  run: number,
): Promise<void> {
  await client.query(
    `UPDATE ${qq(schema, 'ferry_delta_runs')} SET finished_at = clock_timestamp() WHERE run = $1`,
    [run],
  )
}

export interface DeltaBatch {
  run: number
  table: string
  phase: 'changed' | 'delete'
  batch: number
  keyFrom: string
  keyTo: string
  rows: number
  applied: number
}

export async function insertDeltaBatch(
  client: pg.ClientBase,
  schema: string,
  b: DeltaBatch,
): Promise<void> {
  await client.query(
    `INSERT INTO ${qq(schema, 'ferry_delta_ledger')} (run, table_name, phase, batch, key_from, key_to, rows, applied) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [b.run, b.table, b.phase, b.batch, b.keyFrom, b.keyTo, b.rows, b.applied],
  )
}

/** The last committed batch of a run's phase for a table (where a killed run resumes). */
export async function lastDeltaBatch(
  client: pg.ClientBase,
  schema: string,
  run: number,
  table: string,
  phase: 'changed' | 'delete',
): Promise<{ batch: number; keyTo: string; rows: number; applied: number } | null> {
  const r = await client.query<{ batch: number; key_to: string }>(
    `SELECT batch, key_to FROM ${qq(schema, 'ferry_delta_ledger')} WHERE run = $1 AND table_name = $2 AND phase = $3 ORDER BY batch DESC LIMIT 1`,
    [run, table, phase],
  )
  const s = await client.query<{ rows: string; applied: string }>(
    `SELECT coalesce(sum(rows), 0)::text AS rows, coalesce(sum(applied), 0)::text AS applied FROM ${qq(schema, 'ferry_delta_ledger')} WHERE run = $1 AND table_name = $2 AND phase = $3`,
    [run, table, phase],
  )
  const l = r.rows[0]
  if (!l) return null
  return {
    batch: l.batch,
    keyTo: l.key_to,
    rows: Number(s.rows[0]?.rows ?? 0),
    applied: Number(s.rows[0]?.applied ?? 0),
  }
}
