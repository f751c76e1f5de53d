// `indexes:accept`: the composite indexes the user chose from p1.test-current's proposals become
// the next migration (NNNN_workload_indexes.sql + .down.sql), applied through the framework (one
// transaction with its schema_migrations row) after a verified backup; the queries they serve are
// timed on state.db before and after, with the baseline's parameters. Undo: ferry migrations undo.
import { relative } from 'node:path'
import Database from 'better-sqlite3'
import { z } from 'zod'
import { FerryError } from '../../../shared/contract/envelope'
import { BACKUP_JOBS } from '../backup/jobs'
import { faultPoint } from '../jobs/faults'
import { throwIfCancelled, type JobContext, type JobFn } from '../jobs/job'
import { retireMigration, writeMigration } from '../migrations/files'
import { nextVersion } from '../migrations/plan'
import {
  applyStateMigrations,
  readStateMigrations,
  refusal,
  stateMigrationsDir,
} from '../migrations/state-db'
import { WORKLOAD, type WorkloadQuery } from '../workload/queries'
import { decodeParams, pickParams, sampleTimes, summarise } from '../workload/run'
import { findRun, openWorkloadStore } from '../workload/store'
import { workspacePaths, type WorkspacePaths } from '../workspace/resolve'
import { compositeCandidates } from './fk-advisor-composite'
import { explainPlan, round3 } from './fk-advisor-measure'
import { requireStateDb } from './fk-advisor-step'
import { openWorkspaceDbReadOnly, type SqliteDb } from './open'
import {
  proposalsOf,
  renderWorkloadIndexMigration,
  selectProposals,
  WORKLOAD_INDEX_SLUG,
  type AcceptedIndex,
} from './workload-indexes'

export interface AcceptIndexesEvidence extends Record<string, unknown> {
  created: number
  database: string
  migration: { version: number; name: string; file: string; checksum: string; appliedAt: string }
  indexes: {
    index: string
    table: string
    columns: string[]
    sql: string
    query: string
    p95Before: number
    p95After: number
    speedup: number | null
    planBefore: string
    planAfter: string
  }[]
  backupId: string
  undo: string
}

/** The proposals in p1.test-current's evidence as the journal holds it now (read-only). */
export function latestProposals(paths: WorkspacePaths): ReturnType<typeof proposalsOf> {
  let db: Database.Database
  try {
    db = new Database(paths.journalDb, { readonly: true, fileMustExist: true })
  } catch {
    return []
  }
  try {
    db.pragma('busy_timeout = 5000')
    const raw = db
      .prepare("SELECT evidence FROM step_state WHERE step_id = 'p1.test-current'")
      .pluck()
      .get() as string | null | undefined
    return raw ? proposalsOf(JSON.parse(raw)) : []
  } finally {
    db.close()
  }
}

/** Each accepted index must still be missing and still wanted by the workload on the live schema. */
function checkStillProposed(db: SqliteDb, accepted: readonly AcceptedIndex[]): void {
  const names = new Set(
    (db.prepare('SELECT name FROM sqlite_schema').pluck().all() as string[]).map((n) =>
      n.toLowerCase(),
    ),
  )
  const wanted = compositeCandidates(db, WORKLOAD).map(
    (c) => `${c.table.toLowerCase()}(${c.columns.join(',').toLowerCase()})`,
  )
  const stale = accepted.filter(
    (a) =>
      names.has(a.index.toLowerCase()) ||
      !wanted.includes(`${a.table.toLowerCase()}(${a.columns.join(',').toLowerCase()})`),
  )
  if (stale.length) {
    throw new FerryError(
      'PROPOSAL_STALE',
      `state.db changed since p1.test-current proposed ${stale.map((s) => s.index).join(', ')}: the index exists already or the schema no longer calls for it`,
      'Run p1.test-current again (ferry run p1.test-current) for fresh proposals.',
    )
  }
}

function timeQuery(
  db: SqliteDb,
  q: WorkloadQuery,
  params: unknown[][],
): { p95: number; plan: string } {
  const stmt = db.prepare(q.sql).raw().safeIntegers(true)
  const samples = sampleTimes((p) => void stmt.all(...p), params, {
    iterations: 30,
    warmup: 3,
    budgetMs: 10_000,
  })
  return { p95: round3(summarise(samples).p95), plan: explainPlan(db, q.sql, params[0] ?? []) }
}

async function timeAll(
  paths: WorkspacePaths,
  accepted: readonly AcceptedIndex[],
  params: (q: WorkloadQuery, db: SqliteDb) => unknown[][],
  ctx: JobContext,
  label: string,
): Promise<Map<string, { p95: number; plan: string }>> {
  const out = new Map<string, { p95: number; plan: string }>()
  const db = openWorkspaceDbReadOnly(paths.stateDb)
  try {
    const queries = accepted.flatMap((a) => a.proposals.map((p) => p.query))
    for (const [i, name] of [...new Set(queries)].entries()) {
      throwIfCancelled(ctx.signal)
      ctx.progress(i, queries.length, 'queries', `${label}: ${name}`)
      const q = WORKLOAD.find((w) => w.name === name)
      if (q) out.set(name, timeQuery(db, q, params(q, db)))
      await new Promise((r) => setImmediate(r))
    }
  } finally {
    db.close()
  }
  return out
}

/** The baseline's parameter values (the same questions before and after), else fresh ones. */
function baselineParams(paths: WorkspacePaths, database: string): Map<string, unknown[][]> {
  const store = openWorkloadStore(paths.journalDb)
  try {
    const run = findRun(store, 'baseline', 'sqlite', database)
    return new Map(
      (run?.results ?? [])
        .filter((r) => !r.skipped && r.params.length)
        .map((r) => [r.query, decodeParams(r.params)]),
    )
  } finally {
    store.close()
  }
}

export async function acceptWorkloadIndexes(
  paths: WorkspacePaths,
  names: readonly string[],
  ctx: JobContext,
): Promise<AcceptIndexesEvidence> {
  requireStateDb(paths)
  const database = relative(paths.root, paths.stateDb)
  const accepted = selectProposals(latestProposals(paths), names)
  const state = readStateMigrations(paths)
  if (state.plan.problems.length) throw refusal('add the accepted indexes', state.plan.problems)
  const drafts = state.files.filter(
    (f) =>
      f.name === WORKLOAD_INDEX_SLUG &&
      !state.plan.items.some((i) => i.version === f.version && i.recordedChecksum !== null),
  )
  const others = state.plan.pending.filter((p) => !drafts.some((d) => d.version === p.version))
  if (others.length) {
    throw new FerryError(
      'MIGRATIONS_PENDING',
      `state.db has ${others.length} migration(s) not applied yet (${others.map((o) => o.file).join(', ')}); accepting indexes would apply them too`,
      'Apply or remove them first: ferry migrations status.',
    )
  }
  const ro = openWorkspaceDbReadOnly(paths.stateDb)
  try {
    checkStillProposed(ro, accepted)
  } finally {
    ro.close()
  }

  const known = baselineParams(paths, database)
  const paramsFor = (q: WorkloadQuery, db: SqliteDb): unknown[][] => {
    const p = known.get(q.name) ?? pickParams(db, q, 5)
    known.set(q.name, p)
    return p
  }
  const before = await timeAll(paths, accepted, paramsFor, ctx, 'Timing before')

  const backup = (await BACKUP_JOBS.backup!(
    { root: paths.root, reason: 'auto:indexes.accept' },
    ctx,
  )) as { id: string }
  throwIfCancelled(ctx.signal)

  // An unapplied draft left by an interrupted accept is moved aside: this choice replaces it.
  const dir = stateMigrationsDir(paths)
  const stamp = `${new Date().toISOString().replace(/[:.]/g, '-')}-superseded`
  for (const d of drafts) retireMigration(dir, d, stamp)
  const current = state.plan.current ?? 0
  const version = nextVersion(
    [{ version: current }],
    state.files.filter((f) => !drafts.includes(f)),
  )
  const { up, down } = renderWorkloadIndexMigration(accepted)
  writeMigration(dir, version, WORKLOAD_INDEX_SLUG, up, down)
  await faultPoint('indexes-accept:after-write-migration', ctx.signal)
  throwIfCancelled(ctx.signal)

  ctx.progress(0, null, 'indexes', `Creating ${accepted.length} index(es) in one transaction`)
  const outcome = await applyStateMigrations(paths, {
    appliedBy: 'indexes.accept',
    upTo: version,
    signal: ctx.signal,
  })
  const mine = outcome.applied.find((a) => a.version === version)
  if (!mine)
    throw new FerryError(
      'INTERNAL',
      `Migration ${version} was not applied`,
      'Run "ferry migrations status" to see why.',
    )
  const after = await timeAll(paths, accepted, paramsFor, ctx, 'Timing after')
  ctx.log('info', `Created ${accepted.map((a) => a.index).join(', ')} as migration ${mine.file}`)

  const rows = accepted.flatMap((a) =>
    a.proposals
      .filter((p) => before.has(p.query) && after.has(p.query))
      .map((p) => {
        const b = before.get(p.query)!
        const f = after.get(p.query)!
        return {
          index: a.index,
          table: a.table,
          columns: a.columns,
          sql: a.sql,
          query: p.query,
          p95Before: b.p95,
          p95After: f.p95,
          speedup: b.p95 > 0 && f.p95 > 0 ? Number((b.p95 / f.p95).toPrecision(3)) : null,
          planBefore: b.plan,
          planAfter: f.plan,
        }
      }),
  )
  return {
    created: accepted.length,
    database,
    migration: {
      version,
      name: WORKLOAD_INDEX_SLUG,
      file: mine.file,
      checksum: mine.checksum,
      appliedAt: mine.appliedAt,
    },
    indexes: rows,
    backupId: backup.id,
    undo: `ferry migrations undo -w ${paths.root}`,
  }
}

const Params = z.object({
  root: z.string().min(1),
  indexes: z.array(z.string().min(1).max(200)).min(1).max(50),
})

export const acceptIndexesJob: JobFn = (params, ctx) => {
  const p = Params.parse(params)
  return acceptWorkloadIndexes(workspacePaths(p.root), p.indexes, ctx)
}
