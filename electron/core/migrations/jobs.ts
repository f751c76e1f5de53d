// p1.migration-framework: set up (or adopt) schema_migrations in state.db, verify every applied
// migration's checksum against its file, and apply what is pending. Undo reverts the migrations
// this step applied and removes a ledger Ferry created once nothing is recorded in it.
import { relative } from 'node:path'
import type { JobContext, JobFn } from '../jobs/job'
import { workspacePaths, type WorkspacePaths } from '../workspace/resolve'
import type { ItemStatus } from './plan'
import { applyStateMigrations, readStateMigrations, undoStateMigrations } from './state-db'
import { dropLedgerIfUnused, openSqliteForWrite } from './sqlite-executor'
import { z } from 'zod'

const STEP = 'p1.migration-framework'

export interface MigrationRow {
  version: number
  name: string | null
  file: string | null
  downFile: string | null
  checksum: string | null
  status: ItemStatus
  appliedAt: string | null
  durationMs: number | null
  appliedBy: string | null
  appliedNow: boolean
}

export interface MigrationFrameworkEvidence extends Record<string, unknown> {
  applied: number
  verified: number
  pending: number
  legacy: number
  database: string
  directory: string
  ledger: {
    table: 'schema_migrations'
    action: 'created' | 'extended' | 'present'
    columnsAdded: string[]
    createdByFerry: boolean
  }
  migrations: MigrationRow[]
}

export async function runMigrationFrameworkStep(
  paths: WorkspacePaths,
  ctx: JobContext,
): Promise<MigrationFrameworkEvidence> {
  ctx.progress(0, null, 'migrations', 'Reading schema_migrations and the migration files')
  const outcome = await applyStateMigrations(paths, {
    appliedBy: STEP,
    signal: ctx.signal,
    onApplied: (r, i, n) => {
      ctx.progress(i, n, 'migrations', `Applied ${r.file}`)
      ctx.log('info', `Applied migration ${r.file} in ${r.durationMs} ms`)
    },
  })
  const after = readStateMigrations(paths)
  const now = new Set(outcome.applied.filter((a) => a.status === 'applied').map((a) => a.version))
  const migrations: MigrationRow[] = after.plan.items.map((i) => ({
    version: i.version,
    name: i.name,
    file: i.file,
    downFile: i.downFile,
    checksum: i.recordedChecksum ?? i.checksum,
    status: i.status,
    appliedAt: i.appliedAt,
    durationMs: i.durationMs,
    appliedBy: i.appliedBy,
    appliedNow: now.has(i.version),
  }))
  const verified = migrations.filter((m) => m.status === 'applied' && !m.appliedNow).length
  ctx.log(
    'info',
    `schema_migrations ${outcome.setup.action}; ${now.size} applied now, ${verified} verified by checksum`,
  )
  return {
    applied: now.size,
    verified,
    pending: after.plan.pending.length,
    legacy: migrations.filter((m) => m.status === 'legacy').length,
    database: after.database,
    directory: after.directory,
    ledger: {
      table: 'schema_migrations',
      ...outcome.setup,
      createdByFerry: after.ledger === 'ferry',
    },
    migrations,
  }
}

export interface MigrationFrameworkUndoEvidence extends Record<string, unknown> {
  database: string
  reverted: { version: number; name: string; file: string }[]
  ledgerDropped: boolean
  kept: { version: number; name: string | null; appliedBy: string | null }[]
}

export async function undoMigrationFrameworkStep(
  paths: WorkspacePaths,
  ctx: JobContext,
): Promise<MigrationFrameworkUndoEvidence> {
  const state = readStateMigrations(paths)
  const mine = state.plan.items.filter((i) => i.appliedBy === STEP).map((i) => i.version)
  ctx.progress(
    0,
    mine.length,
    'migrations',
    `Reverting ${mine.length} migration(s) applied by ${STEP}`,
  )
  const reverted = mine.length
    ? await undoStateMigrations(paths, {
        versions: mine,
        dropEmptyLedger: true,
        signal: ctx.signal,
      })
    : []
  let ledgerDropped = reverted.some((r) => r.ledgerDropped)
  if (!ledgerDropped) {
    const db = openSqliteForWrite(paths.stateDb)
    try {
      ledgerDropped = await dropLedgerIfUnused(db)
    } finally {
      db.close()
    }
  }
  const after = ledgerDropped ? null : readStateMigrations(paths)
  return {
    database: relative(paths.root, paths.stateDb),
    reverted: reverted.map((r) => ({ version: r.version, name: r.name, file: r.file })),
    ledgerDropped,
    kept: (after?.plan.items ?? [])
      .filter((i) => i.appliedAt !== null || i.status === 'legacy')
      .map((i) => ({ version: i.version, name: i.name, appliedBy: i.appliedBy })),
  }
}

const Params = z.object({ root: z.string().min(1) })

export const migrationFrameworkJob: JobFn = (params, ctx) =>
  runMigrationFrameworkStep(workspacePaths(Params.parse(params).root), ctx)
export const migrationFrameworkUndoJob: JobFn = (params, ctx) =>
  undoMigrationFrameworkStep(workspacePaths(Params.parse(params).root), ctx)
