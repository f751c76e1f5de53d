// The migrations of a workspace's state.db: files in <ws>/.ferry/migrations/state/, ledger in
// state.db's schema_migrations. Status, apply and undo as the CLI and the Phase 1 steps use them.
import { existsSync } from 'node:fs'
import { join, relative } from 'node:path'
import { FerryError } from '../../../shared/contract/envelope'
import { openWorkspaceDbReadOnly, type SqliteDb } from '../sqlite/open'
import type { WorkspacePaths } from '../workspace/resolve'
import { loadMigrationFolder, type MigrationFile } from './files'
import { planMigrations, versionLabel, type MigrationPlan, type MigrationProblem } from './plan'
import { ledgerSql, readLedger, isFerryCreatedLedger } from './sqlite-ledger'
import {
  applySqliteMigration,
  openSqliteForWrite,
  revertSqliteMigration,
  setUpLedger,
  type AppliedResult,
  type RevertedResult,
} from './sqlite-executor'
import type { LedgerSetup } from './sqlite-ledger'

export function stateMigrationsDir(paths: WorkspacePaths): string {
  return join(paths.ferryDir, 'migrations', 'state')
}

export interface StateMigrations {
  database: string
  directory: string
  /** absent: no schema_migrations yet; ferry: the table Ferry creates; other: a table Ferry found (and may have extended). */
  ledger: 'absent' | 'ferry' | 'other'
  plan: MigrationPlan
  files: MigrationFile[]
}

function requireStateDb(paths: WorkspacePaths): void {
  if (!existsSync(paths.stateDb)) {
    throw new FerryError(
      'STATE_DB_MISSING',
      `No state.db in ${paths.claudeDir}`,
      'Migrations apply to .claude/state.db; check that the workspace is the right folder.',
    )
  }
}

/** Reads the ledger and the folder (never writes) and plans. */
export function readStateMigrations(paths: WorkspacePaths, db?: SqliteDb): StateMigrations {
  requireStateDb(paths)
  const dir = stateMigrationsDir(paths)
  const folder = loadMigrationFolder(dir, paths.root)
  const own = db ?? openWorkspaceDbReadOnly(paths.stateDb)
  try {
    const applied = readLedger(own)
    const ledger =
      ledgerSql(own) === null ? 'absent' : isFerryCreatedLedger(own) ? 'ferry' : 'other'
    return {
      database: relative(paths.root, paths.stateDb),
      directory: relative(paths.root, dir),
      ledger,
      plan: planMigrations(applied, folder.migrations, folder.strays),
      files: folder.migrations,
    }
  } finally {
    if (!db) own.close()
  }
}

/** Turns the planner's problems into one refusal that names each of them. */
export function refusal(action: string, problems: readonly MigrationProblem[]): FerryError {
  const mismatch = problems.find((p) => p.kind === 'checksum-mismatch')
  const first = mismatch ?? problems[0]!
  const more =
    problems.length > 1
      ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''}: ${problems
          .filter((p) => p !== first)
          .map((p) => p.message)
          .join('; ')})`
      : ''
  return new FerryError(
    mismatch ? 'MIGRATION_CHECKSUM_MISMATCH' : 'MIGRATION_PROBLEMS',
    `Refusing to ${action}: ${first.message}${more}`,
    first.hint,
    JSON.stringify(problems),
  )
}

export interface ApplyOutcome {
  setup: LedgerSetup
  applied: AppliedResult[]
  before: StateMigrations
}

/** Applies the pending migrations (up to `upTo`), in order, each in its own transaction. */
export async function applyStateMigrations(
  paths: WorkspacePaths,
  o: {
    appliedBy: string
    upTo?: number
    signal?: AbortSignal
    now?: () => Date
    onApplied?: (r: AppliedResult, i: number, n: number) => void
  },
): Promise<ApplyOutcome> {
  requireStateDb(paths)
  const db = openSqliteForWrite(paths.stateDb)
  try {
    const before = readStateMigrations(paths, db)
    if (before.plan.problems.length)
      throw refusal('apply migrations to state.db', before.plan.problems)
    const todo = before.plan.pending.filter((p) => o.upTo === undefined || p.version <= o.upTo)
    const setup = await setUpLedger(db)
    const applied: AppliedResult[] = []
    for (const [i, p] of todo.entries()) {
      const file = before.files.find((f) => f.version === p.version)!
      const r = await applySqliteMigration(db, file, {
        appliedBy: o.appliedBy,
        signal: o.signal,
        now: o.now,
      })
      applied.push(r)
      o.onApplied?.(r, i + 1, todo.length)
    }
    return { setup, applied, before }
  } finally {
    db.close()
  }
}

/**
 * Reverts applied migrations newest first: the newest one, or every one above `to`. Each needs a
 * down script; the first without one stops the undo (reverting an older one under a newer one
 * would leave the schema in a state no file describes).
 */
export async function undoStateMigrations(
  paths: WorkspacePaths,
  o: { to?: number; versions?: number[]; dropEmptyLedger?: boolean; signal?: AbortSignal } = {},
): Promise<RevertedResult[]> {
  requireStateDb(paths)
  const db = openSqliteForWrite(paths.stateDb)
  try {
    const state = readStateMigrations(paths, db)
    const ours = state.plan.items
      .filter((i) => i.recordedChecksum !== null)
      .sort((a, b) => b.version - a.version)
    const targets = o.versions
      ? ours.filter((i) => o.versions!.includes(i.version))
      : o.to !== undefined
        ? ours.filter((i) => i.version > o.to!)
        : ours.slice(0, 1)
    if (!targets.length) {
      throw new FerryError(
        'NOTHING_TO_UNDO',
        `No migration applied by Ferry${o.to !== undefined ? ` above version ${versionLabel(o.to)}` : ''} in ${state.database}`,
        'Run "ferry migrations status" to see the ledger.',
      )
    }
    const relevant = state.plan.problems.filter(
      (p) => p.version !== null && targets.some((t) => t.version === p.version),
    )
    if (relevant.length) throw refusal('undo', relevant)
    const reverted: RevertedResult[] = []
    for (const t of targets) {
      const file = state.files.find((f) => f.version === t.version)
      if (!file)
        throw new FerryError(
          'MIGRATION_FILE_MISSING',
          `Migration ${versionLabel(t.version)} has no file, so its down script is unknown`,
          'Put the file back, or restore a backup.',
        )
      reverted.push(
        await revertSqliteMigration(db, file, {
          dropEmptyLedger: o.dropEmptyLedger,
          signal: o.signal,
        }),
      )
    }
    return reverted
  } finally {
    db.close()
  }
}
