// `ferry migrate-sqlite`: any SQLite file → a PostgreSQL schema. Translate (profiled types), create
// the tables, load them in parallel batches with a ledger, then keys/indexes/foreign keys and
// sequences, then validation. Re-running the same command resumes from the ledger; the source is
// opened read-only and never changed.
import path from 'node:path'
import type pg from 'pg'
import { faultPoint } from '../jobs/faults'
import { throwIfCancelled } from '../jobs/job'
import { redactUrl } from '../postgres/redact'
import { openSqliteReadOnly, type SqliteDb } from '../sqlite/open'
import { checkServer, connect, createPool, lockSchema, unlockSchema } from './connect'
import {
  foreignKey,
  identitySequences,
  preloadDdl,
  tableKeys,
  type ConstraintResult,
  type SequenceResult,
} from './ddl'
import { rejectSummary } from './ledger'
import { loadTable, type TableLoadResult } from './loader'
import {
  differentSource,
  insertRun,
  markRun,
  notOurs,
  readRun,
  relationList,
  relationsIn,
} from './run-state'
import { sourceFingerprint, translateSchema } from './translate'
import type { MigrationPlan } from './types'
import { validateSqlite, type ValidationResult } from './validate'
import { columnReport, type ColumnReport } from './report'
import { rateTracker } from './progress'
import { checkSourceIntegrity } from './source-check'
import { backoff, connectionLost, isTransientPgError, MAX_RECONNECTS } from './retry'
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
  total: number
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
  /** What to do with constraints the data violates (default not-valid: nothing is lost). */
  onViolation?: ViolationChoice
  /** Per-constraint choices, by constraint name. */
  choices?: Record<string, ViolationChoice>
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
  const db = openSqliteReadOnly(opts.file)
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
        return await migrateLocked(db, pool, lock, server.version, opts, t0)
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

  let validation: ValidationResult | null = null
  if (opts.validate) {
    const total = plan.tables.reduce((n, t) => n + t.rows, 0)
    const done = new Map<string, number>()
    const rate = rateTracker()
    validation = await validateSqlite(db, pool, plan, {
      schema: opts.schema,
      // A load finished before this run: SQLite may have changed since (agents keep writing), and
      // the ledger's hashes would still match the stale target — so every row is re-read.
      source: wasLoaded ? 'sqlite' : 'ledger',
      workers: opts.workers,
      signal: opts.signal,
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

/** The plan stored by an earlier run of this migration, or a new one (tables created with it). */
async function ensurePlan(
  db: SqliteDb,
  client: pg.PoolClient,
  opts: MigrateOptions,
  progress: (p: MigrateProgress) => void,
): Promise<{ plan: MigrationPlan; resumed: boolean; wasLoaded: boolean }> {
  const run = await readRun(client, opts.schema)
  if (run) {
    const fp = sourceFingerprint(db)
    if (run.fingerprint !== fp)
      throw differentSource(opts.schema, opts.url, path.basename(run.sourcePath))
    const stored = run.plan.options ?? { identifiers: 'preserve', onViolation: 'not-valid' }
    if (
      Object.keys(opts.types ?? {}).length > 0 ||
      Object.keys(opts.choices ?? {}).length > 0 ||
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
    onTable: (table, i, count) =>
      progress({ phase: 'profile', done: i, total: count, table, rowsPerSec: null }),
  })
  // Before anything is written: every violating row is known, and a 'stop' choice ends here.
  applyPreflight(
    plan,
    runPreflight(db, plan, { onViolation: opts.onViolation ?? 'not-valid', choices: opts.choices }),
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
  // Largest first, so the long tables start early and the small ones fill the gaps.
  const queue = [...plan.tables].sort((a, b) => b.rows - a.rows)
  const results = new Map<string, TableLoadResult>()
  const stop = new AbortController()
  const signal = AbortSignal.any([opts.signal, stop.signal])
  const worker = async (): Promise<void> => {
    for (let t = queue.shift(); t; t = queue.shift()) {
      throwIfCancelled(signal)
      let client: pg.PoolClient | null = await connect(pool, opts.url)
      tracker.started(t.source)
      try {
        const loadOpts: Parameters<typeof loadTable>[3] = {
          schema: opts.schema,
          batchRows: opts.batchRows ?? 10_000,
          batchBytes: opts.batchBytes ?? 32 * 1024 * 1024,
          signal,
          onProgress: (table, n, sent) => {
            tracker.update(table, n, sent)
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
          },
        }
        let r: TableLoadResult | null = null
        for (let attempt = 1; !r; attempt++) {
          try {
            r = await loadTable(db, client!, t, loadOpts)
          } catch (err) {
            if (!isTransientPgError(err)) throw err
            if (attempt > MAX_RECONNECTS) throw connectionLost(t.source, attempt, err)
            // The broken connection is destroyed, not returned; the next one resumes from the ledger.
            client!.release(true)
            client = null
            opts.log?.(
              'warn',
              `Lost the connection while loading "${t.source}" (${(err as Error).message}); retrying on a fresh connection from the ledger`,
            )
            await backoff(attempt, signal)
            client = await connect(pool, opts.url)
          }
        }
        results.set(t.source, r)
        tracker.finished(t.source, true)
        const sum = tracker.sum()
        progress({
          phase: 'load',
          done: sum,
          total,
          table: t.source,
          rowsPerSec: rate(sum),
          tables: tracker.snapshot(),
          loadMs: tracker.elapsedMs(),
        })
      } catch (err) {
        tracker.finished(t.source, false)
        stop.abort()
        throw err
      } finally {
        client?.release()
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
  return plan.tables.map((t) => results.get(t.source)!)
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
        keyResults.set(t.source, await tableKeys(c, opts.schema, t))
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
