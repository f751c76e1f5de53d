// `ferry migrate-sqlite … --delta`: after a completed bulk load, copy only what changed in SQLite
// since the last run — rows past each table's key high-water mark (the bulk loader continues its
// own ledger) and rows whose updated_at-like column moved past the last run's watermark (upserted)
// — so the final pause before switching agents to PostgreSQL is short. Rows deleted in SQLite are
// found and reported; they are deleted on the target only with --delta-deletes. `dryRun` computes
// the lag per table and writes nothing. Like the bulk load, a killed run resumes where it stopped.
import path from 'node:path'
import type pg from 'pg'
import { FerryError } from '../../../shared/contract/envelope'
import { throwIfCancelled } from '../jobs/job'
import { redactUrl } from '../postgres/redact'
import { openSqliteReadOnly, type SqliteDb } from '../sqlite/open'
import { checkServer, connect, createPool, lockSchema, unlockSchema } from './connect'
import { identitySequences } from './ddl'
import { deleteReplaced, findDeleted, upsertChanged, type DeletedResult } from './delta-apply'
import { copiedRowCount, deltaCapability, tableLag, type TableLag } from './delta-lag'
import {
  finishDeltaRun,
  insertDeltaRun,
  readDeltaRuns,
  sourceWatermark,
  type Marks,
} from './delta-marks'
import { ledgerState } from './ledger'
import { loadTable } from './loader'
import { differentSource, notMigrated, readRun } from './run-state'
import { sameSource } from './translate'
import type { MigrationPlan } from './types'

export interface DeltaOptions {
  file: string
  url: string
  schema: string
  dryRun: boolean
  /** Delete on the target the rows deleted in SQLite (default: report them only). */
  applyDeletes: boolean
  /**
   * Tables whose deletes are always applied: Ferry's own mirrors of the workspace files in
   * memory.db, where Phase 2 replaces a changed file's rows (the plan's p3.migrate passes them).
   */
  alwaysDelete?: readonly string[]
  batchRows?: number
  signal: AbortSignal
  onProgress?: (p: DeltaProgress) => void
  log?: (level: 'info' | 'warn', message: string) => void
}

export interface DeltaProgress {
  /** Tables finished, of `total`; `table` is the one in progress. */
  done: number
  total: number
  table: string
  /** A compared table's rows: checksummed (first pass), then read again for the differing buckets. */
  rows?: { phase: 'checksums' | 'compare'; done: number; total: number }
}

/** The progress line for a delta run ("delta events: checksums 400,000/1,000,000 rows"). */
export function deltaProgressMessage(p: DeltaProgress): string {
  if (!p.rows) return `delta ${p.table}`
  const nf = new Intl.NumberFormat('en-US')
  return `delta ${p.table}: ${p.rows.phase === 'checksums' ? 'checksums of' : 'comparing'} ${nf.format(p.rows.done)}/${nf.format(p.rows.total)} rows`
}

export interface TableDelta {
  table: string
  target: string
  timeColumn: string | null
  status: TableLag['status']
  reason: string | null
  /** Rows past the key high-water mark, loaded (ferry_ledger batches). */
  newRows: number
  /** Target rows whose primary key SQLite rewrote (INSERT OR REPLACE): replaced by the new rows. */
  replaced: number
  newBatches: number
  /** Rows examined (a moved time column, or every copied row when compared) / of those, inserted or updated on the target. */
  changedRows: number
  changedApplied: number
  changedBatches: number
  /** Changed rows whose new values PostgreSQL cannot take unchanged (not copied). */
  changedRejected: string[]
  /** Compared: the key-hash buckets checksummed, those that differed, the rows staged from them. */
  compared: { buckets: number; differing: number; staged: number } | null
  deleted: DeletedResult
}

export interface DeltaResult {
  source: { file: string }
  target: { url: string; schema: string; server: string }
  dryRun: boolean
  /** The delta run number (ferry_delta_runs), null in a dry run. */
  run: number | null
  resumed: boolean
  lag: TableLag[]
  tables: TableDelta[]
  copied: number
  ms: number
}

export async function deltaSync(opts: DeltaOptions): Promise<DeltaResult> {
  const t0 = Date.now()
  const db = openSqliteReadOnly(opts.file)
  const pool = createPool(opts.url, { max: 2, log: opts.log })
  try {
    const client = await connect(pool, opts.url)
    try {
      const server = await checkServer(client, opts.url)
      // A dry run only counts: it may run beside a load (the Migration screen asks while one runs).
      if (!opts.dryRun) await lockSchema(client, opts.schema, opts.url, 'delta sync')
      try {
        const run = await readRun(client, opts.schema)
        if (!run) throw notMigrated(opts.schema, opts.url, 'take a delta of')
        if (!sameSource(db, run.fingerprint))
          throw differentSource(opts.schema, opts.url, path.basename(run.sourcePath), db, run.plan)
        if (!run.loadedAt) throw notLoaded(opts.schema)
        const base = {
          source: { file: opts.file },
          target: { url: redactUrl(opts.url), schema: opts.schema, server: server.version },
        }
        const runs = await readDeltaRuns(client, opts.schema)
        const prev = runs.finished?.marks ?? null
        if (opts.dryRun) {
          const lag = await lagOf(db, client, opts.schema, run.plan, prev)
          return {
            ...base,
            dryRun: true,
            run: null,
            resumed: false,
            lag,
            tables: [],
            copied: 0,
            ms: Date.now() - t0,
          }
        }
        const r = await deltaLocked(db, client, run.plan, runs, opts)
        const lag = await lagOf(db, client, opts.schema, run.plan, r.marks)
        const copied = r.tables.reduce((n, t) => n + t.newRows + t.changedApplied, 0)
        return {
          ...base,
          dryRun: false,
          run: r.run,
          resumed: r.resumed,
          lag,
          tables: r.tables,
          copied,
          ms: Date.now() - t0,
        }
      } finally {
        if (!opts.dryRun) await unlockSchema(client, opts.schema)
      }
    } finally {
      client.release()
    }
  } finally {
    await pool.end().catch(() => undefined)
    db.close()
  }
}

/** The lag of every table, against the last finished run's watermarks. */
export async function lagOf(
  db: SqliteDb,
  client: pg.ClientBase,
  schema: string,
  plan: MigrationPlan,
  prev: Marks | null,
): Promise<TableLag[]> {
  const out: TableLag[] = []
  for (const t of plan.tables) out.push(await tableLag(db, client, schema, t, prev))
  return out
}

async function deltaLocked(
  db: SqliteDb,
  client: pg.PoolClient,
  plan: MigrationPlan,
  runs: Awaited<ReturnType<typeof readDeltaRuns>>,
  opts: DeltaOptions,
): Promise<{ run: number; resumed: boolean; marks: Marks; tables: TableDelta[] }> {
  // An unfinished run is resumed with the marks it started with (its batches are in the ledger).
  const resumed = !!runs.latest && !runs.latest.finished && runs.latest.run > 0
  let runNo: number
  let marks: Marks
  const prev = resumed ? null : (runs.finished?.marks ?? null)
  if (resumed) {
    runNo = runs.latest!.run
    marks = runs.latest!.marks
    opts.log?.('info', `Resuming delta run ${runNo} into schema "${opts.schema}"`)
  } else {
    runNo = (runs.latest?.run ?? 0) + 1
    marks = {}
    for (const t of plan.tables) {
      const cap = deltaCapability(t, prev)
      marks[t.source] = {
        column: cap.column,
        // Taken before anything is read: a row changed from now on is past it next time.
        watermark: cap.column ? sourceWatermark(db, t, cap.column) : null,
        prev: cap.status === 'ok' ? (prev![t.source]!.watermark ?? null) : undefined,
        hwm: (await ledgerState(client, opts.schema, t.source)).last?.keyTo ?? null,
      }
    }
    await insertDeltaRun(client, opts.schema, runNo, marks)
  }
  const batchRows = opts.batchRows ?? 10_000
  const tables: TableDelta[] = []
  let i = 0
  for (const t of plan.tables) {
    throwIfCancelled(opts.signal)
    const progress = { done: i++, total: plan.tables.length, table: t.source }
    opts.onProgress?.(progress)
    const m = marks[t.source]!
    // The capability as this run started (a resumed run keeps it: prev undefined = no watermark).
    const prevMark = m.prev === undefined ? null : { [t.source]: { ...m, watermark: m.prev } }
    let cap = deltaCapability(t, prevMark)
    // Counted only where it is used: a compared table's buckets are sized by it.
    const copied = cap.status === 'compared' ? copiedRowCount(db, t, m.hwm) : 0
    if (cap.status === 'compared') cap = deltaCapability(t, prevMark, copied)
    // Through the time column, or (compared) every copied row: the upsert applies only changes.
    const changed =
      cap.status !== 'full-recopy-needed' && m.hwm !== null
        ? await upsertChanged(db, client, opts.schema, t, {
            run: runNo,
            hwm: m.hwm,
            column: cap.status === 'ok' ? m.column! : null,
            prev: m.prev ?? null,
            copied,
            batchRows,
            signal: opts.signal,
            onRows: (phase, done) =>
              opts.onProgress?.({ ...progress, rows: { phase, done, total: copied } }),
          })
        : { rows: 0, applied: 0, rejectedKeys: [], batches: 0, compared: null }
    // Deletes that will be applied go first: a key a deleted row held may come back in a new row.
    const applyDeletes = opts.applyDeletes || (opts.alwaysDelete ?? []).includes(t.source)
    // Found only when the counts say some are missing (tableLag); applied, or only listed.
    const deletes = async (apply: boolean): Promise<DeletedResult> =>
      (await tableLag(db, client, opts.schema, t, null)).deletedRows > 0
        ? await findDeleted(db, client, opts.schema, t, { run: runNo, apply, signal: opts.signal })
        : { count: 0, keys: [], applied: 0, note: null }
    let deleted: DeletedResult | null = applyDeletes ? await deletes(true) : null
    const before = await ledgerState(client, opts.schema, t.source)
    // Rows SQLite rewrote under the same primary key come back past the high-water mark.
    const replaced = before.last
      ? await deleteReplaced(db, client, opts.schema, t, before.last.keyTo)
      : 0
    const loaded = await loadTable(db, client, t, {
      schema: opts.schema,
      batchRows,
      batchBytes: 32 * 1024 * 1024,
      signal: opts.signal,
      verifyLast: false,
      onProgress: () => undefined,
    })
    const newRows = loaded.loadedRows + loaded.rejectedRows - before.rows - before.rejected
    if (newRows > 0) await identitySequences(client, opts.schema, t)
    deleted ??= await deletes(false)
    if (deleted.count > 0 && !applyDeletes)
      opts.log?.(
        'warn',
        `${deleted.count} row(s) of "${t.source}" were deleted in SQLite; kept on the target (pass --delta-deletes to delete them)`,
      )
    tables.push({
      table: t.source,
      target: t.target,
      timeColumn: cap.column,
      status: cap.status,
      reason: cap.reason,
      newRows,
      replaced,
      newBatches: loaded.batches - (before.last?.batch ?? 0),
      changedRows: changed.rows,
      changedApplied: changed.applied,
      changedBatches: changed.batches,
      changedRejected: changed.rejectedKeys,
      compared: changed.compared,
      deleted,
    })
  }
  await finishDeltaRun(client, opts.schema, runNo)
  return { run: runNo, resumed, marks, tables }
}

function notLoaded(schema: string): FerryError {
  return new FerryError(
    'NOT_LOADED',
    `Schema "${schema}" holds a migration whose bulk load has not completed, so there is no delta to take yet`,
    'Run "ferry migrate-sqlite" without --delta first (re-running it resumes the load), then --delta.',
  )
}
