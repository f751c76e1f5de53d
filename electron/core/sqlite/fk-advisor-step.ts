// p1.fk-indexes: advise, measure, write the advice as a migration (once), apply it through the
// migration framework (one transaction with its ledger row), measure again.
import { existsSync } from 'node:fs'
import { relative } from 'node:path'
import { FerryError } from '../../../shared/contract/envelope'
import { faultPoint } from '../jobs/faults'
import { throwIfCancelled, type JobContext } from '../jobs/job'
import { retireMigration, writeMigration, type MigrationFile } from '../migrations/files'
import { nextVersion } from '../migrations/plan'
import {
  applyStateMigrations,
  readStateMigrations,
  refusal,
  stateMigrationsDir,
} from '../migrations/state-db'
import type { WorkspacePaths } from '../workspace/resolve'
import { adviseFkIndexes, type FkCovered, type FkReason } from './fk-advisor'
import { explainPlan, probeFor, round3, timeQuery, type Probe } from './fk-advisor-measure'
import { FK_MIGRATION_SLUG, parseFkMigration, renderFkMigration } from './fk-advisor-migration'
import { openWorkspaceDbReadOnly, type SqliteDb } from './open'

export interface FkIndexEvidenceRow {
  table: string
  column: string
  columns: string[]
  index: string
  sql: string
  query: string
  planBefore: string | null
  planAfter: string
  medianMsBefore: number | null
  medianMsAfter: number
  /** medianMsBefore / medianMsAfter, null when either is missing or zero. */
  speedup: number | null
  reason: FkReason
  references: string | null
  notes: string[]
}

export interface FkIndexesEvidence extends Record<string, unknown> {
  created: number
  database: string
  alreadyApplied: boolean
  indexes: FkIndexEvidenceRow[]
  covered: FkCovered[]
  /** Foreign keys an index cannot be built for here, with why. */
  unbuildable?: { table: string; column: string; reason: string }[]
  migration: {
    version: number
    name: string
    file: string
    downFile: string | null
    checksum: string
    appliedAt: string
    durationMs: number
  } | null
  ledger: {
    table: 'schema_migrations'
    action: 'created' | 'extended' | 'present'
    columnsAdded: string[]
  } | null
}

const STEP = 'p1.fk-indexes'

export function requireStateDb(paths: WorkspacePaths): void {
  if (!existsSync(paths.stateDb)) {
    throw new FerryError(
      'STATE_DB_MISSING',
      `No state.db in ${paths.claudeDir}`,
      'This step indexes .claude/state.db; check that the workspace is the right folder.',
    )
  }
}

export function fkFiles(files: readonly MigrationFile[]): MigrationFile[] {
  return files.filter((f) => f.name === FK_MIGRATION_SLUG)
}

function speedup(before: number | null, after: number): number | null {
  return before !== null && before > 0 && after > 0 ? Number((before / after).toPrecision(3)) : null
}

async function measureAfter(
  db: SqliteDb,
  entries: { table: string; columns: string[]; index: string }[],
  probes: Map<string, Probe>,
  ctx: JobContext,
  progress: { offset: number; total: number } = { offset: 0, total: entries.length },
): Promise<Map<string, { plan: string; medianMs: number }>> {
  const out = new Map<string, { plan: string; medianMs: number }>()
  for (const [i, e] of entries.entries()) {
    throwIfCancelled(ctx.signal)
    ctx.progress(
      progress.offset + i,
      progress.total,
      'queries',
      `Timing ${e.table}(${e.columns.join(', ')}) with ${e.index}`,
    )
    const probe = probes.get(e.index) ?? probeFor(db, e.table, e.columns)
    out.set(e.index, {
      plan: explainPlan(db, probe.sql, probe.params),
      medianMs: timeQuery(db, probe.sql, probe.params).medianMs,
    })
    await new Promise((r) => setImmediate(r))
  }
  return out
}

export async function runFkIndexesStep(
  paths: WorkspacePaths,
  ctx: JobContext,
): Promise<FkIndexesEvidence> {
  requireStateDb(paths)
  const database = relative(paths.root, paths.stateDb)
  const dir = stateMigrationsDir(paths)
  let ro = openWorkspaceDbReadOnly(paths.stateDb)
  let state = readStateMigrations(paths, ro)
  const appliedFk = state.plan.items.find(
    (i) => i.name === FK_MIGRATION_SLUG && i.recordedChecksum !== null,
  )

  if (appliedFk?.status === 'problem') {
    ro.close()
    throw refusal(
      'report the foreign-key indexes',
      state.plan.problems.filter((p) => p.version === appliedFk.version),
    )
  }
  if (appliedFk) {
    // Already done: report what that migration created, measured as it is now.
    const file = fkFiles(state.files).find((f) => f.version === appliedFk.version)
    const entries = file ? parseFkMigration(file.sql) : []
    const after = await measureAfter(ro, entries, new Map(), ctx)
    const covered = adviseFkIndexes(ro).covered
    ro.close()
    ctx.log(
      'info',
      `The foreign-key indexes were already applied as migration ${appliedFk.version}; nothing to do`,
    )
    return {
      created: 0,
      database,
      alreadyApplied: true,
      indexes: entries.map((e) => {
        const a = after.get(e.index)!
        return {
          table: e.table,
          column: e.columns.join(', '),
          columns: e.columns,
          index: e.index,
          sql: '',
          query: '',
          planBefore: null,
          planAfter: a.plan,
          medianMsBefore: null,
          medianMsAfter: a.medianMs,
          speedup: null,
          reason: e.reason,
          references: e.references,
          notes: [],
        }
      }),
      covered,
      migration: {
        version: appliedFk.version,
        name: FK_MIGRATION_SLUG,
        file: appliedFk.file ?? '',
        downFile: appliedFk.downFile,
        checksum: appliedFk.recordedChecksum!,
        appliedAt: appliedFk.appliedAt ?? '',
        durationMs: appliedFk.durationMs ?? 0,
      },
      ledger: null,
    }
  }

  const advice = adviseFkIndexes(ro)
  ctx.log(
    'info',
    `Found ${advice.proposals.length} foreign-key column(s) without an index (${advice.covered.length} already covered${advice.unbuildable?.length ? `; ${advice.unbuildable.length} need a collation only the application defines: ${advice.unbuildable.map((u) => `${u.table}(${u.column})`).join(', ')}` : ''})`,
  )
  if (!advice.proposals.length) {
    ro.close()
    return {
      created: 0,
      database,
      alreadyApplied: false,
      indexes: [],
      covered: advice.covered,
      ...(advice.unbuildable?.length ? { unbuildable: advice.unbuildable } : {}),
      migration: null,
      ledger: null,
    }
  }

  const probes = new Map<string, Probe>()
  const before = new Map<string, { plan: string; medianMs: number }>()
  try {
    for (const [i, p] of advice.proposals.entries()) {
      throwIfCancelled(ctx.signal)
      ctx.progress(
        i,
        2 * advice.proposals.length,
        'queries',
        `Timing ${p.table}(${p.column}) without an index`,
      )
      const probe = probeFor(ro, p.table, p.columns)
      probes.set(p.index, probe)
      before.set(p.index, {
        plan: explainPlan(ro, probe.sql, probe.params),
        medianMs: timeQuery(ro, probe.sql, probe.params).medianMs,
      })
      await new Promise((r) => setImmediate(r))
    }
  } finally {
    ro.close()
  }

  // The advice becomes a migration file once; a draft that was never applied is rewritten only
  // when the advice changed, and moved aside when a newer migration got applied meanwhile.
  const { up, down } = renderFkMigration(advice.proposals)
  const drafts = fkFiles(state.files)
  const current = state.plan.current ?? 0
  const draft = drafts.find((d) => d.version > current)
  for (const d of drafts)
    if (d !== draft)
      retireMigration(dir, d, `${new Date().toISOString().replace(/[:.]/g, '-')}-superseded`)
  if (draft && draft.sql !== up)
    ctx.log('info', `Rewriting the unapplied draft ${draft.file}: the advice changed`)
  const others = state.files.filter((f) => !drafts.includes(f))
  const version = draft ? draft.version : nextVersion([{ version: current }], others)
  if (!draft || draft.sql !== up)
    writeMigration(dir, version, FK_MIGRATION_SLUG, up, down, { replace: Boolean(draft) })
  await faultPoint('fk-indexes:after-write-migration', ctx.signal)
  throwIfCancelled(ctx.signal)

  const n = advice.proposals.length
  ctx.progress(n, 2 * n, 'queries', `Creating ${n} indexes in one transaction`)
  const outcome = await applyStateMigrations(paths, {
    appliedBy: STEP,
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

  ro = openWorkspaceDbReadOnly(paths.stateDb)
  let after: Map<string, { plan: string; medianMs: number }>
  try {
    const present = new Set(
      ro.prepare("SELECT name FROM sqlite_schema WHERE type = 'index'").pluck().all() as string[],
    )
    const missing = advice.proposals.filter((p) => !present.has(p.index))
    if (missing.length) {
      throw new FerryError(
        'INDEX_MISSING',
        `After the migration, ${missing.length} index(es) are not in state.db: ${missing.map((m) => m.index).join(', ')}`,
        'Run "ferry migrations status" and check state.db with sqlite3 .indexes.',
      )
    }
    after = await measureAfter(ro, advice.proposals, probes, ctx, { offset: n, total: 2 * n })
    state = readStateMigrations(paths, ro)
  } finally {
    ro.close()
  }
  ctx.progress(2 * n, 2 * n, 'queries', 'Indexes created and timed')
  ctx.log(
    'info',
    `Created ${advice.proposals.length} indexes as migration ${mine.file} in ${mine.durationMs} ms`,
  )
  const item = state.plan.items.find((i) => i.version === version)
  return {
    created: advice.proposals.length,
    database,
    alreadyApplied: false,
    indexes: advice.proposals.map((p) => {
      const b = before.get(p.index)!
      const a = after.get(p.index)!
      return {
        table: p.table,
        column: p.column,
        columns: p.columns,
        index: p.index,
        sql: p.sql,
        query: probes.get(p.index)!.sql,
        planBefore: b.plan,
        planAfter: a.plan,
        medianMsBefore: b.medianMs,
        medianMsAfter: a.medianMs,
        speedup: speedup(b.medianMs, a.medianMs),
        reason: p.reason,
        references: p.references,
        notes: p.notes,
      }
    }),
    covered: advice.covered,
    ...(advice.unbuildable?.length ? { unbuildable: advice.unbuildable } : {}),
    migration: {
      version,
      name: FK_MIGRATION_SLUG,
      file: mine.file,
      downFile: item?.downFile ?? null,
      checksum: mine.checksum,
      appliedAt: mine.appliedAt,
      durationMs: round3(mine.durationMs),
    },
    ledger: { table: 'schema_migrations', ...outcome.setup },
  }
}
