// undo:p1.fk-indexes: reverts exactly the fk_indexes migration (its down script and ledger row in
// one transaction; the ledger too when Ferry created it and nothing else is recorded), then moves
// the migration's files aside so a later run starts from fresh advice.
import { relative } from 'node:path'
import { faultPoint } from '../jobs/faults'
import type { JobContext } from '../jobs/job'
import { retireMigration } from '../migrations/files'
import {
  readStateMigrations,
  stateMigrationsDir,
  undoStateMigrations,
} from '../migrations/state-db'
import type { WorkspacePaths } from '../workspace/resolve'
import { FK_MIGRATION_SLUG, parseFkMigration } from './fk-advisor-migration'
import { fkFiles, requireStateDb } from './fk-advisor-step'

export interface FkIndexesUndoEvidence extends Record<string, unknown> {
  database: string
  reverted: { version: number; name: string; file: string } | null
  dropped: string[]
  ledgerDropped: boolean
  movedTo: string[]
}

export async function undoFkIndexesStep(
  paths: WorkspacePaths,
  ctx: JobContext,
): Promise<FkIndexesUndoEvidence> {
  requireStateDb(paths)
  const dir = stateMigrationsDir(paths)
  const database = relative(paths.root, paths.stateDb)
  const state = readStateMigrations(paths)
  const applied = state.plan.items.find(
    (i) => i.name === FK_MIGRATION_SLUG && i.recordedChecksum !== null,
  )
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  if (!applied) {
    const moved = fkFiles(state.files).flatMap((f) => retireMigration(dir, f, `${stamp}-unapplied`))
    ctx.log('info', 'No foreign-key index migration is applied; nothing to undo')
    return {
      database,
      reverted: null,
      dropped: [],
      ledgerDropped: false,
      movedTo: moved.map((m) => relative(paths.root, m)),
    }
  }
  const file = state.files.find((f) => f.version === applied.version)
  const entries = file ? parseFkMigration(file.sql) : []
  ctx.progress(0, 1, 'migrations', `Dropping ${entries.length} indexes in one transaction`)
  const [r] = await undoStateMigrations(paths, {
    versions: [applied.version],
    dropEmptyLedger: true,
    signal: ctx.signal,
  })
  await faultPoint('fk-indexes:after-undo', ctx.signal)
  const moved = fkFiles(state.files).flatMap((f) => retireMigration(dir, f, `${stamp}-reverted`))
  ctx.progress(1, 1, 'migrations', 'Indexes dropped')
  ctx.log('info', `Reverted migration ${r!.file}: dropped ${entries.length} indexes`)
  return {
    database,
    reverted: { version: r!.version, name: r!.name, file: r!.file },
    dropped: entries.map((e) => e.index),
    ledgerDropped: r!.ledgerDropped,
    movedTo: moved.map((m) => relative(paths.root, m)),
  }
}
