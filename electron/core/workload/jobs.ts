// `workload:baseline` (once per workspace, on the state.db Phase 1 has not touched yet) and
// `step:p1.test-current` (the same workload with the same parameters after Phase 1, compared with
// the baseline, plus the composite indexes the workload would still like).
import { checkIntegrity } from '../sqlite/integrity'
import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { relative } from 'node:path'
import { FerryError } from '../../../shared/contract/envelope'
import type { JobContext, JobFn } from '../jobs/job'
import { measureCompositeProposals, type CompositeProposal } from '../sqlite/fk-advisor-composite'
import { openWorkspaceDbReadOnly } from '../sqlite/open'
import { ensureFerryDir, workspacePaths, type WorkspacePaths } from '../workspace/resolve'
import { WORKLOAD } from './queries'
import { compareRuns, type ComparisonRow } from './compare'
import { DEFAULT_ITERATIONS, decodeParams, runWorkload } from './run'
import { findRun, openWorkloadStore, saveRun, type WorkloadRun } from './store'
import { z } from 'zod'

export const BASELINE = 'baseline'
export const AFTER_P1 = 'after-p1'
const BACKEND = 'sqlite'

function requireStateDb(paths: WorkspacePaths): void {
  if (!existsSync(paths.stateDb)) {
    throw new FerryError(
      'STATE_DB_MISSING',
      `No state.db in ${paths.claudeDir}`,
      'Phase 1 works on .claude/state.db; check that the workspace is the right folder.',
    )
  }
}

async function runOnStateDb(
  paths: WorkspacePaths,
  label: string,
  ctx: JobContext,
  params?: ReadonlyMap<string, unknown[][]>,
  now: () => Date = () => new Date(),
): Promise<WorkloadRun> {
  const db = openWorkspaceDbReadOnly(paths.stateDb)
  try {
    const at = now().toISOString()
    const results = await runWorkload(db, WORKLOAD, {
      signal: ctx.signal,
      params,
      onQuery: (i, n, name) => ctx.progress(i, n, 'queries', `${label}: ${name}`),
    })
    return {
      runId: randomUUID(),
      label,
      backend: BACKEND,
      database: relative(paths.root, paths.stateDb),
      at,
      results,
    }
  } finally {
    db.close()
  }
}

export interface BaselineEvidence extends Record<string, unknown> {
  runId: string
  at: string
  reused: boolean
  database: string
  queries: {
    query: string
    p50: number | null
    p95: number | null
    p99: number | null
    iterations: number
    skipped: string | null
  }[]
}

function baselineEvidence(run: WorkloadRun, reused: boolean): BaselineEvidence {
  return {
    runId: run.runId,
    at: run.at,
    reused,
    database: run.database,
    queries: run.results.map((r) => ({
      query: r.query,
      p50: r.p50,
      p95: r.p95,
      p99: r.p99,
      iterations: r.iterations,
      skipped: r.skipped,
    })),
  }
}

/** Idempotent: the first baseline of the workspace is the baseline; later calls return it. */
export async function recordBaseline(
  paths: WorkspacePaths,
  ctx: JobContext,
  now?: () => Date,
): Promise<BaselineEvidence> {
  requireStateDb(paths)
  ensureFerryDir(paths)
  const store = openWorkloadStore(paths.journalDb)
  try {
    const database = relative(paths.root, paths.stateDb)
    const existing = findRun(store, BASELINE, BACKEND, database)
    if (existing) return baselineEvidence(existing, true)
    ctx.log(
      'info',
      `Recording the workload baseline on the untouched ${database} (${WORKLOAD.length} queries × ${DEFAULT_ITERATIONS})`,
    )
    const run = await runOnStateDb(paths, BASELINE, ctx, undefined, now)
    saveRun(store, run)
    return baselineEvidence(run, false)
  } finally {
    store.close()
  }
}

export interface TestCurrentEvidence extends Record<string, unknown> {
  /** Queries faster / slower than the baseline (the summary has the rest); first, so one-line summaries show them. */
  faster: number
  slower: number
  /** How many composite indexes are proposed. */
  proposed: number
  database: string
  backend: string
  baseline: { runId: string; at: string }
  run: { runId: string; at: string }
  iterations: number
  queries: ComparisonRow[]
  summary: {
    queries: number
    faster: number
    slower: number
    same: number
    skipped: number
    sameResults: number
    p95BeforeMax: number | null
    p95AfterMax: number | null
    under100msAfter: number
    slowerQueries: string[]
  }
  integrityCheck: string
  proposals: CompositeProposal[]
  proposalsApplied: boolean
  proposalsNote: string
}

export async function runTestCurrentStep(
  paths: WorkspacePaths,
  ctx: JobContext,
  now?: () => Date,
): Promise<TestCurrentEvidence> {
  requireStateDb(paths)
  ensureFerryDir(paths)
  const database = relative(paths.root, paths.stateDb)
  const store = openWorkloadStore(paths.journalDb)
  let baseline: WorkloadRun | null
  try {
    baseline = findRun(store, BASELINE, BACKEND, database)
  } finally {
    store.close()
  }
  if (!baseline) {
    throw new FerryError(
      'NO_BASELINE',
      `No workload baseline was recorded for ${database}`,
      'Run the step through Ferry (ferry run p1.test-current): it records the baseline first.',
    )
  }
  // The same parameter values as the baseline, so before and after ask the same questions.
  const params = new Map(
    baseline.results.filter((r) => !r.skipped).map((r) => [r.query, decodeParams(r.params)]),
  )
  const run = await runOnStateDb(paths, AFTER_P1, ctx, params, now)
  const rows = compareRuns(baseline.results, run.results)

  ctx.progress(0, null, 'checks', 'PRAGMA integrity_check')
  const ro = openWorkspaceDbReadOnly(paths.stateDb)
  let integrity: string
  try {
    // Falls back to reading every table when the schema names an application-defined collation.
    const check = checkIntegrity(ro, 'integrity_check', 100)
    integrity = check.problems.length ? check.problems.join('; ') : 'ok'
  } finally {
    ro.close()
  }
  if (integrity !== 'ok') {
    throw new FerryError(
      'INTEGRITY_CHECK_FAILED',
      `PRAGMA integrity_check of ${database} reports: ${integrity.slice(0, 500)}`,
      'Restore the backup taken before Phase 1 (ferry backups, ferry restore <id>).',
    )
  }

  const { proposals } = await measureCompositeProposals(paths, WORKLOAD, params, {
    signal: ctx.signal,
    onProgress: (d, t, m) => ctx.progress(d, t, 'indexes', m),
  })

  const s2 = openWorkloadStore(paths.journalDb)
  try {
    saveRun(s2, run)
  } finally {
    s2.close()
  }
  const measured = rows.filter((r) => r.verdict !== 'skipped')
  const max = (xs: (number | null)[]): number | null =>
    xs.some((x) => x !== null) ? Math.max(...xs.filter((x): x is number => x !== null)) : null
  ctx.log(
    'info',
    `Workload after Phase 1: ${measured.filter((r) => r.verdict === 'faster').length} of ${measured.length} queries faster than the baseline`,
  )
  const faster = rows.filter((r) => r.verdict === 'faster').length
  const slower = rows.filter((r) => r.verdict === 'slower').length
  return {
    faster,
    slower,
    proposed: new Set(proposals.map((p) => p.index)).size,
    database,
    backend: BACKEND,
    baseline: { runId: baseline.runId, at: baseline.at },
    run: { runId: run.runId, at: run.at },
    iterations: DEFAULT_ITERATIONS,
    queries: rows,
    summary: {
      queries: rows.length,
      faster,
      slower,
      same: rows.filter((r) => r.verdict === 'same').length,
      skipped: rows.filter((r) => r.verdict === 'skipped').length,
      sameResults: rows.filter((r) => r.sameResults === true).length,
      p95BeforeMax: max(measured.map((r) => r.p95Before)),
      p95AfterMax: max(measured.map((r) => r.p95After)),
      under100msAfter: measured.filter((r) => r.p95After !== null && r.p95After < 100).length,
      slowerQueries: rows.filter((r) => r.verdict === 'slower').map((r) => r.query),
    },
    integrityCheck: integrity,
    proposals,
    proposalsApplied: false,
    proposalsNote:
      'Measured on a scratch copy of state.db (online backup API, in .ferry/scratch/, deleted afterwards). None is applied: each is a proposal to accept separately.',
  }
}

const Params = z.object({ root: z.string().min(1) })

export const baselineJob: JobFn = (params, ctx) =>
  recordBaseline(workspacePaths(Params.parse(params).root), ctx)
export const testCurrentJob: JobFn = (params, ctx) =>
  runTestCurrentStep(workspacePaths(Params.parse(params).root), ctx)
