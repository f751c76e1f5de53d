// `ferry migrate-sqlite`: any SQLite file → a PostgreSQL schema. Translate (profiled types), create
// the tables, load them in parallel batches with a ledger, then keys/indexes/foreign keys and
// sequences, then validation. Re-running the same command resumes from the ledger; the source is
// opened read-only and never changed.
import path from 'node:path'
import type pg from 'pg'
import { FerryError } from '../../../shared/contract/envelope'
import { faultPoint } from '../jobs/faults'
import { throwIfCancelled } from '../jobs/job'
import { redactUrl } from '../postgres/redact'
import { dataVersion, openSqliteReadOnly, type SqliteDb } from '../sqlite/open'
import { checkServer, connect, createPool, lockSchema, unlockSchema } from './connect'
import {
  foreignKey,
  identitySequences,
  preloadDdl,
  serverHasIcu,
  tableKeys,
  generatedColumns,
  type ConstraintResult,
  type SequenceResult,
} from './ddl'
import { rejectSummary } from './ledger'
import type { TableLoadResult } from './loader'
import { loadTask } from './load-task'
import { runInThreads, type ThreadTask } from './load-threads'
import { splitLargeTables, tableParts } from './parts'
import type { ProfileResult } from './profile'
import { profileLargeTables } from './profile-threads'
import {
  differentSource,
  schemaChanges,
  insertRun,
  markRun,
  notOurs,
  readRun,
  relationList,
  relationsIn,
} from './run-state'
import { sameSource, translateSchema } from './translate'
import type { MigrationPlan, TablePlan } from './types'
import { validateSqlite, type ValidationResult } from './validate'
import { columnReport, type ColumnReport } from './report'
import { rateTracker } from './progress'
import { checkSourceIntegrity } from './source-check'
import { casePreview, type CasePreview } from './case-preview'
import { checkConstraint, createViews } from './ddl-extra'
import type { IdentifierPolicy } from './names'
import { qq } from './names'
import { applyPreflight, runPreflight, type PreflightResult } from './preflight'
import type { ViolationChoice } from './types'
import { LoadTracker, type LoadTableCounters } from './load-tracker'
import { recordBulkMarks } from './delta-marks'

export interface MigrateProgress {
  phase: 'profile' | 'load' | 'constraints' | 'validate'
  done: number
  /** Null while the large tables are profiled in parallel (their count is not known yet). */
  total: number | null
  table: string | null
  rowsPerSec: number | null
  /** Per-table counters of the load (from the load phase on): the live migration view's source. */
  tables?: LoadTableCounters[]
  /** Wall time of the load so far (with `tables`). */
  loadMs?: number
}

export interface MigrateOptions {
  file: string
  url: string
  schema: string
  workers: number
  validate: boolean
  batchRows?: number
  batchBytes?: number
  /** Identifier policy (default preserve). */
  identifiers?: IdentifierPolicy
  /** Per-column type choices, "table.column" → type. */
  types?: Record<string, string>
  /**
   * Load on worker threads (load-threads.ts): 'auto' (default) when there are several workers and
   * enough rows to spread; 'on' / 'off' to force it.
   */
  threads?: 'auto' | 'on' | 'off' | boolean
  /** Tables with more rows are split into key ranges loaded side by side (parts.ts). */
  splitRows?: number
  /** What to do with constraints the data violates (default not-valid: nothing is lost). */
  onViolation?: ViolationChoice
  /** Per-constraint choices, by constraint name. */
  choices?: Record<string, ViolationChoice>
  /** The map choice: constraint name → { violating value → allowed value } (preflight.ts). */
  maps?: Record<string, Record<string, string>>
  signal: AbortSignal
  onProgress?: (p: MigrateProgress) => void
  log?: (level: 'info' | 'warn', message: string) => void
}

export interface MigrateResult {
  source: { file: string; tables: number; rows: number }
  target: { url: string; schema: string; server: string }
  resumed: boolean
  agentStore: boolean
  tables: TableLoadResult[]
  columns: ColumnReport[]
  names: MigrationPlan['names']
  notCarried: MigrationPlan['notCarried']
  /** The pre-flight's forecast of constraint violations and the choice made for each. */
  preflight: PreflightResult | null
  casePreview: CasePreview
  constraints: ConstraintResult[]
  sequences: SequenceResult[]
  rejects: Awaited<ReturnType<typeof rejectSummary>>
  validation: ValidationResult | null
  timings: {
    totalMs: number
    translateMs: number
    loadMs: number
    constraintsMs: number
    validateMs: number | null
  }
  rowsPerSec: number
}

export async function migrateSqlite(opts: MigrateOptions): Promise<MigrateResult> {
  const t0 = Date.now()
  refuseReservedSchema(opts.schema)
  const db = openSqliteReadOnly(opts.file)
  // Agents may keep writing while Ferry reads (the plan keeps the old system running): noted here,
  // so a validation that finds differences can say that the source moved during the run.
  const version = dataVersion(db)
  const sourceChanged = (): boolean => dataVersion(db) !== version
  try {
    checkSourceIntegrity(db, opts.file)
  } catch (err) {
    db.close()
    throw err
  }
  const pool = createPool(opts.url, { max: opts.workers + 1, log: opts.log })
  try {
    const lock = await connect(pool, opts.url)
    try {
      const server = await checkServer(lock, opts.url)
      await lockSchema(lock, opts.schema, opts.url, 'migration')
      try {
        return await migrateLocked(db, pool, lock, server.version, opts, t0, sourceChanged)
      } finally {
        await unlockSchema(lock, opts.schema)
      }
    } finally {
      lock.release()
    }
  } finally {
    await pool.end().catch(() => undefined)
    db.close()
  }
}

async function migrateLocked(
  db: SqliteDb,
  pool: pg.Pool,
  client: pg.PoolClient,
  server: string,
  opts: MigrateOptions,
  t0: number,
  sourceChanged: () => boolean,
): Promise<MigrateResult> {
  const progress = opts.onProgress ?? (() => undefined)
  const { plan, resumed, wasLoaded } = await ensurePlan(db, client, opts, progress)
  await faultPoint('pgmigrate:after-schema', opts.signal)
  const translateMs = Date.now() - t0

  const tLoad = Date.now()
  // Delta sync's starting watermarks (delta-marks.ts), taken before the first row is read.
  await recordBulkMarks(db, client, plan, opts.schema)
  const tracker = new LoadTracker(plan.tables)
  const tables = await loadAll(db, pool, plan, opts, progress, tracker)
  tracker.end()
  // Later phases carry the final per-table counters along, so a late viewer still sees them.
  const withTables = (p: MigrateProgress): void =>
    progress({ ...p, tables: tracker.snapshot(), loadMs: tracker.elapsedMs() })
  await markRun(client, opts.schema, 'loaded_at')
  const loadMs = Date.now() - tLoad
  await faultPoint('pgmigrate:after-load', opts.signal)

  const tCons = Date.now()
  const { constraints, sequences } = await postLoad(pool, client, plan, opts, withTables)
  await markRun(client, opts.schema, 'constraints_at')
  const constraintsMs = Date.now() - tCons

  // A table or column added to SQLite during the run is not in the target: validating only the
  // planned columns would call that equal. Checked when another connection wrote to the file.
  if (sourceChanged()) await refuseChangedSchema(db, client, opts)

  let validation: ValidationResult | null = null
  if (opts.validate) {
    const total = plan.tables.reduce((n, t) => n + t.rows, 0)
    const done = new Map<string, number>()
    const rate = rateTracker()
    validation = await validateSqlite(db, pool, plan, {
      schema: opts.schema,
      // A load finished before this run, or another program wrote to SQLite during this one: the
      // ledger's hashes would still match the stale target (an updated row would pass) — so
      // every row is re-read.
      source: wasLoaded || sourceChanged() ? 'sqlite' : 'ledger',
      workers: opts.workers,
      signal: opts.signal,
      sourceChanged,
      onProgress: (table, n) => {
        done.set(table, n)
        const sum = [...done.values()].reduce((a, b) => a + b, 0)
        withTables({ phase: 'validate', done: sum, total, table, rowsPerSec: rate(sum) })
      },
    })
  }
  const rows = tables.reduce((n, t) => n + t.sourceRows, 0)
  return {
    source: { file: opts.file, tables: plan.tables.length, rows },
    target: { url: redactUrl(opts.url), schema: opts.schema, server },
    resumed,
    agentStore: plan.agentStore,
    tables,
    columns: columnReport(plan),
    names: plan.names,
    notCarried: plan.notCarried,
    preflight: plan.preflight ?? null,
    casePreview: casePreview(plan),
    constraints,
    sequences,
    rejects: await rejectSummary(client, opts.schema),
    validation,
    timings: {
      totalMs: Date.now() - t0,
      translateMs,
      loadMs,
      constraintsMs,
      validateMs: validation?.ms ?? null,
    },
    rowsPerSec:
      loadMs > 0
        ? Math.round(
            (tables.reduce((n, t) => n + t.loadedRows + t.rejectedRows, 0) / loadMs) * 1000,
          )
        : 0,
  }
}

async function refuseChangedSchema(
  db: SqliteDb,
  client: pg.PoolClient,
  opts: MigrateOptions,
): Promise<void> {
  const run = await readRun(client, opts.schema)
  if (!run || sameSource(db, run.fingerprint)) return
  throw new FerryError(
    'SOURCE_SCHEMA_CHANGED',
    `The schema of ${path.basename(opts.file)} changed while it was being migrated: ${schemaChanges(db, run.plan)}. The rows loaded so far are in schema "${opts.schema}", which does not follow such changes.`,
    `Another program altered the database during the run. Nothing of the source was changed by Ferry. Migrate again into a new --schema (or drop "${opts.schema}" and run the same command), ideally with the programs that write to it stopped.`,
  )
}

/** The plan stored by an earlier run of this migration, or a new one (tables created with it). */
async function ensurePlan(
  db: SqliteDb,
  client: pg.PoolClient,
  opts: MigrateOptions,
  progress: (p: MigrateProgress) => void,
): Promise<{ plan: MigrationPlan; resumed: boolean; wasLoaded: boolean }> {
  const run = await readRun(client, opts.schema)
  if (run) {
    if (!sameSource(db, run.fingerprint))
      throw differentSource(opts.schema, opts.url, path.basename(run.sourcePath), db, run.plan)
    const stored = run.plan.options ?? { identifiers: 'preserve', onViolation: 'not-valid' }
    if (
      Object.keys(opts.types ?? {}).length > 0 ||
      Object.keys(opts.choices ?? {}).length > 0 ||
      Object.keys(opts.maps ?? {}).length > 0 ||
      (opts.identifiers !== undefined && opts.identifiers !== stored.identifiers) ||
      (opts.onViolation !== undefined && opts.onViolation !== stored.onViolation)
    )
      opts.log?.(
        'warn',
        `Schema "${opts.schema}" already has its translation (stored in ferry_run); the type, identifier and violation options given now are not applied to it`,
      )
    // A run prepared by p3.schema (tables created, nothing loaded yet) is a fresh start, not a resume.
    const batches = await client.query(`SELECT 1 FROM ${qq(opts.schema, 'ferry_ledger')} LIMIT 1`)
    const resumed = (batches.rowCount ?? 0) > 0 || run.loadedAt !== null
    if (resumed)
      opts.log?.('info', `Resuming the migration into schema "${opts.schema}" from its ledger`)
    return { plan: run.plan, resumed, wasLoaded: run.loadedAt !== null }
  }
  const n = await relationsIn(client, opts.schema)
  if (n > 0) throw notOurs(opts.schema, opts.url, n, await relationList(client, opts.schema))
  const plan = translateSchema(db, {
    schema: opts.schema,
    identifiers: opts.identifiers,
    types: opts.types,
    profiles: await parallelProfiles(db, opts, progress),
    icu: await serverHasIcu(client),
    onTable: (table, i, count) =>
      progress({ phase: 'profile', done: i, total: count, table, rowsPerSec: null }),
  })
  // Large tables are cut into key ranges now, and the cut is stored with the plan (parts.ts).
  splitLargeTables(db, plan, { workers: opts.workers, splitRows: opts.splitRows })
  // Before anything is written: every violating row is known, and a 'stop' choice ends here.
  applyPreflight(
    plan,
    runPreflight(db, plan, {
      onViolation: opts.onViolation ?? 'not-valid',
      choices: opts.choices,
      maps: opts.maps,
    }),
  )
  await client.query('BEGIN')
  try {
    for (const sql of preloadDdl(plan)) await client.query(sql)
    await insertRun(client, opts.schema, path.resolve(opts.file), plan)
    await client.query('COMMIT')
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw err
  }
  return { plan, resumed: false, wasLoaded: false }
}

async function loadAll(
  db: SqliteDb,
  pool: pg.Pool,
  plan: MigrationPlan,
  opts: MigrateOptions,
  progress: (p: MigrateProgress) => void,
  tracker: LoadTracker,
): Promise<TableLoadResult[]> {
  const total = plan.tables.reduce((n, t) => n + t.rows, 0)
  const rate = rateTracker()
  // Whole tables and the parts of split ones (parts.ts); largest first, so the long ones start
  // early and the small ones fill the gaps.
  const tasks: ThreadTask[] = plan.tables
    .flatMap((t) => tableParts(t).map((part) => ({ plan: t, part })))
    .sort((a, b) => partRows(b.plan) - partRows(a.plan))
    .map((t, id) => ({ id, ...t }))
  const agg = new PartSums(plan.tables)
  const report = (table: string): void => {
    const sum = tracker.sum()
    progress({
      phase: 'load',
      done: sum,
      total,
      table,
      rowsPerSec: rate(sum),
      tables: tracker.snapshot(),
      loadMs: tracker.elapsedMs(),
    })
  }
  const onStart = (t: ThreadTask): void => {
    if (agg.start(t)) tracker.started(t.plan.source)
  }
  const onProgress = (t: ThreadTask, done: number, bytes: number, rejected: number): void => {
    const s = agg.progress(t, done, bytes, rejected)
    tracker.update(t.plan.source, s.done, { bytes: s.bytes, rejected: s.rejected })
    tracker.setBase(t.plan.source, s.base)
    report(t.plan.source)
  }
  const onDone = (t: ThreadTask, r: TableLoadResult): void => {
    if (agg.done(t, r)) {
      tracker.finished(t.plan.source, true)
      report(t.plan.source)
    }
  }
  const onFailed = (t: ThreadTask): void => tracker.finished(t.plan.source, false)
  const batchRows = opts.batchRows ?? 10_000
  const batchBytes = opts.batchBytes ?? 32 * 1024 * 1024
  if (useThreads(opts, total, tasks.length)) {
    await runInThreads(tasks, {
      threads: opts.workers,
      data: { file: opts.file, url: opts.url, schema: opts.schema, batchRows, batchBytes },
      signal: opts.signal,
      onStart,
      onProgress,
      onDone,
      onFailed,
      log: opts.log,
    })
  } else {
    const queue = [...tasks]
    const stop = new AbortController()
    const signal = AbortSignal.any([opts.signal, stop.signal])
    const worker = async (): Promise<void> => {
      for (let t = queue.shift(); t; t = queue.shift()) {
        throwIfCancelled(signal)
        const task = t
        onStart(task)
        try {
          const r = await loadTask(
            db,
            pool,
            opts.url,
            task.plan,
            {
              schema: opts.schema,
              batchRows,
              batchBytes,
              part: task.part,
              signal,
              onProgress: (_table, n, sent) =>
                onProgress(task, n, sent?.bytes ?? 0, sent?.rejected ?? 0),
            },
            opts.log,
          )
          onDone(task, r)
        } catch (err) {
          onFailed(task)
          stop.abort()
          throw err
        }
      }
    }
    const outcomes = await Promise.allSettled(
      Array.from({ length: Math.max(1, opts.workers) }, worker),
    )
    // The first real failure, not the cancellations it caused in the other workers.
    const errors = outcomes
      .filter((o): o is PromiseRejectedResult => o.status === 'rejected')
      .map((o) => o.reason as unknown)
    if (errors.length) throw errors.find((e) => !isCancel(e)) ?? errors[0]
  }
  return plan.tables.map((t) => agg.result(t))
}

/**
 * The large tables' type profiles, computed on threads (profile-threads.ts) when the load will use
 * several workers too; on any failure translateSchema profiles them itself, as before.
 */
async function parallelProfiles(
  db: SqliteDb,
  opts: MigrateOptions,
  progress: (p: MigrateProgress) => void,
): Promise<Map<string, ProfileResult> | undefined> {
  const forced = opts.threads ?? process.env.FERRY_LOAD_THREADS
  if (opts.workers < 2 || forced === 'off' || forced === false) return undefined
  progress({ phase: 'profile', done: 0, total: null, table: null, rowsPerSec: null })
  try {
    return await profileLargeTables(opts.file, db, { threads: opts.workers })
  } catch (err) {
    // A named problem of the file itself (NO_ROW_KEY …): the one scan meets it again and stops
    // with its way out; only a failure of the threads is worth a warning.
    const code = (err as { code?: string }).code
    if (!code || code.startsWith('SQLITE_') || code === 'INTERNAL')
      opts.log?.(
        'warn',
        `Profiling the large tables on threads failed (${(err as Error).message}); profiling them in one scan instead`,
      )
    return undefined
  }
}

/** Rows of one part of the table (for ordering the tasks, largest first). */
const partRows = (t: TablePlan): number => t.rows / ((t.parts?.length ?? 0) + 1)

/**
 * Threads pay off once there is CPU work to spread: several workers and a load of some size.
 * FERRY_LOAD_THREADS=on|off overrides (tests use it to run the threaded path on small data).
 */
function useThreads(opts: MigrateOptions, rows: number, tasks: number): boolean {
  const forced = opts.threads ?? process.env.FERRY_LOAD_THREADS
  if (forced === 'on' || forced === true) return true
  if (forced === 'off' || forced === false) return false
  return opts.workers > 1 && tasks > 1 && rows >= THREAD_MIN_ROWS
}

/** Below this many rows a load is over before threads would have started. */
const THREAD_MIN_ROWS = 50_000

/** A table's counters and result, summed over its parts. */
class PartSums {
  private readonly parts = new Map<
    string,
    { n: number; started: number; finished: number; results: TableLoadResult[] }
  >()
  private readonly reports = new Map<
    number,
    { done: number; bytes: number; rejected: number; base: number }
  >()
  private readonly tablesOf = new Map<string, Set<number>>()
  private readonly firstStart = new Map<string, number>()

  constructor(tables: readonly TablePlan[]) {
    for (const t of tables)
      this.parts.set(t.source, { n: tableParts(t).length, started: 0, finished: 0, results: [] })
  }

  /** True for the table's first part. */
  start(t: ThreadTask): boolean {
    const p = this.parts.get(t.plan.source)!
    if (p.started++ === 0) this.firstStart.set(t.plan.source, Date.now())
    return p.started === 1
  }

  progress(
    t: ThreadTask,
    done: number,
    bytes: number,
    rejected: number,
  ): { done: number; bytes: number; rejected: number; base: number } {
    const prev = this.reports.get(t.id)
    this.reports.set(t.id, { done, bytes, rejected, base: prev ? prev.base : done })
    const ids = this.tablesOf.get(t.plan.source) ?? new Set<number>()
    ids.add(t.id)
    this.tablesOf.set(t.plan.source, ids)
    const sum = { done: 0, bytes: 0, rejected: 0, base: 0 }
    for (const id of ids) {
      const r = this.reports.get(id)!
      sum.done += r.done
      sum.bytes += r.bytes
      sum.rejected += r.rejected
      sum.base += r.base
    }
    return sum
  }

  /** True once the table's last part is done. */
  done(t: ThreadTask, r: TableLoadResult): boolean {
    const p = this.parts.get(t.plan.source)!
    p.results.push(r)
    return ++p.finished === p.n
  }

  result(t: TablePlan): TableLoadResult {
    const rs = this.parts.get(t.source)!.results
    const sum = (f: (r: TableLoadResult) => number): number => rs.reduce((n, r) => n + f(r), 0)
    return {
      table: t.source,
      target: t.target,
      sourceRows: t.rows,
      loadedRows: sum((r) => r.loadedRows),
      rejectedRows: sum((r) => r.rejectedRows),
      batches: sum((r) => r.batches),
      resumedBatches: sum((r) => r.resumedBatches),
      retries: sum((r) => r.retries),
      bytes: sum((r) => r.bytes),
      // Wall time from the first part's start to the last part's end.
      ms: rs.length === 1 ? rs[0]!.ms : Date.now() - (this.firstStart.get(t.source) ?? Date.now()),
    }
  }
}

const isCancel = (err: unknown): boolean => (err as { code?: string })?.code === 'CANCELLED'

async function postLoad(
  pool: pg.Pool,
  client: pg.PoolClient,
  plan: MigrationPlan,
  opts: MigrateOptions,
  progress: (p: MigrateProgress) => void,
): Promise<{ constraints: ConstraintResult[]; sequences: SequenceResult[] }> {
  const steps = plan.tables.length * 2
  let done = 0
  const tick = (table: string): void =>
    progress({ phase: 'constraints', done: ++done, total: steps, table, rowsPerSec: null })
  const queue = [...plan.tables].sort((a, b) => b.rows - a.rows)
  const keyResults = new Map<string, ConstraintResult[]>()
  const worker = async (): Promise<void> => {
    for (let t = queue.shift(); t; t = queue.shift()) {
      throwIfCancelled(opts.signal)
      const c = await connect(pool, opts.url)
      try {
        // Generated columns first: making one drops and re-adds the column, keys come after.
        const generated = await generatedColumns(c, opts.schema, t)
        keyResults.set(t.source, [...generated, ...(await tableKeys(c, opts.schema, t))])
      } finally {
        c.release()
      }
      tick(t.source)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, opts.workers) }, worker))
  const constraints = plan.tables.flatMap((t) => keyResults.get(t.source) ?? [])
  const sequences: SequenceResult[] = []
  for (const t of plan.tables) {
    throwIfCancelled(opts.signal)
    for (const fk of t.foreignKeys) constraints.push(await foreignKey(client, opts.schema, t, fk))
    for (const ck of t.checks ?? [])
      constraints.push(await checkConstraint(client, opts.schema, t, ck))
    sequences.push(...(await identitySequences(client, opts.schema, t)))
    tick(t.source)
  }
  constraints.push(...(await createViews(client, plan)))
  return { constraints, sequences }
}

/** PostgreSQL keeps schema names that begin with "pg_" for itself (CREATE SCHEMA fails, 42939). */
export function refuseReservedSchema(schema: string): void {
  if (!schema.startsWith('pg_')) return
  throw new FerryError(
    'SCHEMA_NAME_RESERVED',
    `Schema name "${schema}" is reserved: PostgreSQL keeps names that begin with "pg_" for its own schemas`,
    'Choose another --schema (by default Ferry names it after the SQLite file).',
  )
}
