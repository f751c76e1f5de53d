// p2.perf-test: Phase 1's typical agent workload on memory.db, with the baseline's own parameter
// values, compared query by query with the baseline recorded on the untouched state.db, plus the
// file-based column: the same questions answered by reading .claude/ files (perf-files.ts).
import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import Database from 'better-sqlite3'
import { FerryError } from '../../../shared/contract/envelope'
import type { JobContext } from '../jobs/job'
import type { WorkspacePaths } from '../workspace/resolve'
import { compareRuns } from '../workload/compare'
import { BASELINE } from '../workload/jobs'
import { WORKLOAD } from '../workload/queries'
import { decodeParams, runWorkload } from '../workload/run'
import { findRun, openWorkloadStore, saveRun, type WorkloadRun } from '../workload/store'
import { memoryDbPath } from './memory-db'
import { type FileColumnRow, measureFileColumn } from './perf-files'

export const AFTER_P2 = 'after-p2'
const MEMORY_DB = '.claude/memory.db'

export async function perfTestStep(
  paths: WorkspacePaths,
  ctx: JobContext,
): Promise<Record<string, unknown>> {
  const file = memoryDbPath(paths)
  if (!existsSync(file))
    throw new FerryError(
      'NO_MEMORY_DB',
      'There is no .claude/memory.db to test yet',
      'Run "Validate data integrity" (p2.validate) first: it builds memory.db.',
    )
  const store = openWorkloadStore(paths.journalDb)
  let baseline: WorkloadRun | null
  try {
    baseline = findRun(store, BASELINE, 'sqlite', '.claude/state.db')
  } finally {
    store.close()
  }
  if (!baseline)
    throw new FerryError(
      'NO_BASELINE',
      'No workload baseline was recorded on state.db',
      'Run the step through Ferry (ferry run p2.perf-test): it records the baseline first.',
    )
  const params = new Map(
    baseline.results.filter((r) => !r.skipped).map((r) => [r.query, decodeParams(r.params)]),
  )
  const db = new Database(file, { readonly: true, fileMustExist: true })
  let run: WorkloadRun
  let fileColumn: FileColumnRow[]
  try {
    db.pragma('busy_timeout = 5000')
    const at = new Date().toISOString()
    const results = await runWorkload(db, WORKLOAD, {
      signal: ctx.signal,
      params,
      onQuery: (i, n, name) => ctx.progress(i, n, 'queries', `memory.db: ${name}`),
    })
    run = {
      runId: randomUUID(),
      label: AFTER_P2,
      backend: 'sqlite',
      database: MEMORY_DB,
      at,
      results,
    }
    fileColumn = await measureFileColumn(paths.root, db, params, {
      signal: ctx.signal,
      onQuery: (i, n, name) => ctx.progress(i, n, 'queries', `.claude files: ${name}`),
    })
  } finally {
    db.close()
  }
  const s2 = openWorkloadStore(paths.journalDb)
  try {
    saveRun(s2, run)
  } finally {
    s2.close()
  }
  const rows = compareRuns(baseline.results, run.results)
  const timed = rows.filter((r) => r.verdict !== 'skipped')
  const p95s = timed.map((r) => r.p95After).filter((x): x is number => x !== null)
  return {
    // First, so one-line summaries (ferry run, ferry status) show them.
    queries: rows.length,
    slower: rows.filter((r) => r.verdict === 'slower').length,
    p95AfterMaxMs: p95s.length ? Math.max(...p95s) : null,
    database: MEMORY_DB,
    baseline: { runId: baseline.runId, at: baseline.at, database: baseline.database },
    run: { runId: run.runId, at: run.at },
    summary: {
      queries: rows.length,
      faster: rows.filter((r) => r.verdict === 'faster').length,
      slower: rows.filter((r) => r.verdict === 'slower').length,
      same: rows.filter((r) => r.verdict === 'same').length,
      skipped: rows.length - timed.length,
      sameResults: rows.filter((r) => r.sameResults === true).length,
      differentResults: rows.filter((r) => r.sameResults === false).map((r) => r.query),
      p95AfterMax: p95s.length ? Math.max(...p95s) : null,
      under100msAfter: p95s.filter((x) => x < 100).length,
    },
    // Each row: state.db (before), memory.db (after) and the old system reading files (…Files).
    comparison: rows.map((r) => {
      const f = fileColumn.find((x) => x.query === r.query)
      return {
        ...r,
        p50Files: f?.p50 ?? null,
        p95Files: f?.p95 ?? null,
        filesSkipped: f?.skipped ?? null,
      }
    }),
    files: {
      measured: true,
      note: "The old system: each question answered by listing .claude/ and reading the logs (streamed), config and context files; count = matching records, memoryDbCount = the same question on memory.db's file_* table.",
      queries: fileColumn.filter((f) => !f.skipped).length,
      sameCounts: fileColumn.filter((f) => f.sameCount === true).length,
      differentCounts: fileColumn.filter((f) => f.sameCount === false).map((f) => f.query),
      results: fileColumn,
    },
  }
}
