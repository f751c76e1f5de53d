// p4.benchmark: the typical workload on the five backends of the migration — the old file-based
// system, state.db before Phase 1 (the baseline recorded before Phase 1 changed anything), state.db
// after Phase 1, memory.db and PostgreSQL — with the baseline's own parameter values everywhere,
// so every backend answers the same questions. Each measured backend's run goes to the journal's
// workload_runs; the whole report (machine, data sizes) to bench_reports and .ferry/reports/.
// A backend that cannot be measured here is reported with the reason, never estimated.
import { randomUUID } from 'node:crypto'
import { existsSync, statSync } from 'node:fs'
import os from 'node:os'
import { relative } from 'node:path'
import Database from 'better-sqlite3'
import { z } from 'zod'
import type { BenchBackend, BenchBackendId, BenchReport, BenchSize } from '../../../shared/contract/bench'
import { FerryError } from '../../../shared/contract/envelope'
import { memoryDbPath } from '../import/memory-db'
import type { JobContext, JobFn } from '../jobs/job'
import { Journal } from '../journal/journal'
import { redactUrl } from '../postgres/redact'
import { openSqliteReadOnly } from '../sqlite/open'
import { BASELINE } from '../workload/jobs'
import { WORKLOAD } from '../workload/queries'
import { DEFAULT_ITERATIONS, decodeParams, runWorkload, type QueryResult } from '../workload/run'
import { findRun, openWorkloadStore, saveRun, type WorkloadRun } from '../workload/store'
import { workspacePaths, type WorkspacePaths } from '../workspace/resolve'
import { workspaceSummary } from '../workspace/summary'
import { runFileWorkload } from './files-measure'
import { connectTarget, pgFacts, runPgWorkload, schemaMissing } from './pg-measure'
import { exportReport, maxP95, reportFiles, saveReport } from './report'

export const BENCH_LABEL = 'p4-benchmark'
/** Phase 1 steps that change state.db: "after Phase 1" means at least one of them is done. */
const PHASE1_CHANGES = ['p1.fk-indexes', 'p1.snapshot-store', 'p1.migration-framework'] as const
const LABELS: Record<BenchBackendId, string> = {
  files: 'Files (old system)',
  'state-before': 'state.db before Phase 1',
  'state-after': 'state.db after Phase 1',
  memory: 'memory.db',
  postgres: 'PostgreSQL',
}

export interface BenchOptions {
  targetUrl?: string
  /** Why the runner did not connect the target (StepParams.targetError). */
  targetError?: string
  /** Timing budget per query and backend (the file scans of a big workspace are slow). */
  budgetMs?: number
  iterations?: number
}

const notMeasured = (id: BenchBackendId, database: string, reason: string): BenchBackend => ({
  id,
  label: LABELS[id],
  database,
  measured: false,
  reason,
  runId: null,
  at: null,
  queries: [],
})

function fromRun(id: BenchBackendId, run: WorkloadRun): BenchBackend {
  return {
    id,
    label: LABELS[id],
    database: run.database,
    measured: true,
    reason: null,
    runId: run.runId,
    at: run.at,
    queries: run.results.map((r) => ({
      query: r.query,
      description: r.description,
      p50: r.p50,
      p95: r.p95,
      p99: r.p99,
      mean: r.mean,
      iterations: r.iterations,
      rows: r.rows === null ? null : Number(r.rows),
      skipped: r.skipped,
    })),
  }
}

const fileBytes = (f: string): number | null =>
  existsSync(f) ? statSync(f).size + (existsSync(`${f}-wal`) ? statSync(`${f}-wal`).size : 0) : null

function countEvents(file: string): number | null {
  if (!existsSync(file)) return null
  const db = openSqliteReadOnly(file)
  try {
    return Number(db.prepare('SELECT count(*) FROM "events"').pluck().get())
  } catch {
    return null
  } finally {
    db.close()
  }
}

export async function benchmarkStep(
  paths: WorkspacePaths,
  ctx: JobContext,
  o: BenchOptions = {},
): Promise<Record<string, unknown>> {
  const store = openWorkloadStore(paths.journalDb)
  const stateRel = relative(paths.root, paths.stateDb)
  let baseline: WorkloadRun | null
  try {
    baseline = findRun(store, BASELINE, 'sqlite', stateRel)
  } finally {
    store.close()
  }
  if (!baseline)
    throw new FerryError(
      'NO_BASELINE',
      `No workload baseline was recorded on ${stateRel}`,
      'Run the step through Ferry (ferry run p4.benchmark, or ferry bench): it records the baseline first.',
    )
  const params = new Map(
    baseline.results.filter((r) => !r.skipped).map((r) => [r.query, decodeParams(r.params)]),
  )
  const timing = {
    iterations: o.iterations ?? DEFAULT_ITERATIONS,
    warmup: 2,
    budgetMs: o.budgetMs ?? 10_000,
    signal: ctx.signal,
  }
  const benchId = randomUUID()
  const runs: WorkloadRun[] = []
  const record = (backend: string, database: string, at: string, results: QueryResult[]): WorkloadRun => {
    const run = { runId: randomUUID(), label: BENCH_LABEL, backend, database, at, results }
    runs.push(run)
    return run
  }
  const progress = (label: string) => (i: number, n: number, name: string) =>
    ctx.progress(i, n, 'queries', `${label}: ${name}`)
  const backends: BenchBackend[] = []

  async function sqliteRun(file: string, database: string, backend: string): Promise<WorkloadRun> {
    const db = file === paths.stateDb ? openSqliteReadOnly(file) : new Database(file, { readonly: true, fileMustExist: true })
    try {
      db.pragma('busy_timeout = 5000')
      const at = new Date().toISOString()
      const results = await runWorkload(db, WORKLOAD, {
        ...timing,
        params,
        onQuery: progress(database),
      })
      return record(backend, database, at, results)
    } finally {
      db.close()
    }
  }

  // 1. The old system: the .claude files.
  ctx.log('info', 'Timing the file-based equivalents (reading .claude/ on every call)')
  const filesAt = new Date().toISOString()
  // Each call re-reads every file: a short budget (at least 3 runs) keeps a big workspace bearable.
  const fileResults = await runFileWorkload(paths.root, WORKLOAD, params, {
    ...timing,
    budgetMs: Math.min(timing.budgetMs, 3000),
    onQuery: progress('files'),
  })
  backends.push(fromRun('files', record('files', '.claude/', filesAt, fileResults)))

  // 2. state.db before Phase 1: the recorded baseline (state.db may have changed since).
  backends.push(fromRun('state-before', baseline))

  // 3. state.db after Phase 1.
  const journal = new Journal(paths.journalDb)
  const done = PHASE1_CHANGES.filter((id) => journal.state(id).status === 'done')
  const migrate = journal.state('p3.migrate')
  journal.close()
  if (!existsSync(paths.stateDb)) backends.push(notMeasured('state-after', stateRel, `there is no ${stateRel}`))
  else if (!done.length)
    backends.push(
      notMeasured('state-after', stateRel, `Phase 1 has not changed ${stateRel} yet (none of ${PHASE1_CHANGES.join(', ')} is done)`),
    )
  else backends.push(fromRun('state-after', await sqliteRun(paths.stateDb, stateRel, 'sqlite')))

  // 4. memory.db.
  const memFile = memoryDbPath(paths)
  const memRel = relative(paths.root, memFile)
  if (!existsSync(memFile))
    backends.push(notMeasured('memory', memRel, `there is no ${memRel} yet (p2.validate builds it)`))
  else backends.push(fromRun('memory', await sqliteRun(memFile, memRel, 'sqlite')))

  // 5. PostgreSQL.
  let pg: { bytes: number | null; version: string } | null = null
  if (!o.targetUrl) {
    backends.push(notMeasured('postgres', 'agent_memory', o.targetError ?? 'no PostgreSQL target was given'))
  } else {
    const display = `${redactUrl(o.targetUrl)} schema agent_memory`
    const client = await connectTarget(o.targetUrl)
    try {
      const missing = await schemaMissing(client)
      if (missing) backends.push(notMeasured('postgres', display, missing))
      else {
        ctx.log('info', `Timing the workload on PostgreSQL (${display})`)
        const at = new Date().toISOString()
        const results = await runPgWorkload(client, WORKLOAD, params, { ...timing, onQuery: progress('postgres') })
        backends.push(fromRun('postgres', record('postgres', display, at, results)))
        pg = await pgFacts(client)
      }
    } finally {
      await client.end()
    }
  }

  const summary = workspaceSummary(paths)
  const src = summary.source
  const sizes: BenchSize[] = [
    {
      name: '.claude files (logs, context, config)',
      backend: 'files',
      bytes: src.logs.bytes + src.context.bytes + src.config.bytes,
      note: `${src.logs.files + src.context.files + src.config.files} files`,
    },
    { name: stateRel, backend: 'state-after', bytes: fileBytes(paths.stateDb), note: 'now (with its WAL)' },
    { name: memRel, backend: 'memory', bytes: fileBytes(memFile), note: existsSync(memFile) ? 'with its WAL' : 'not built yet' },
    {
      name: 'PostgreSQL schema agent_memory',
      backend: 'postgres',
      bytes: pg?.bytes ?? null,
      note: pg ? 'tables, indexes and TOAST' : 'not measured: no migrated schema reachable',
    },
  ]
  const at = new Date().toISOString()
  const sqliteVersion = (() => {
    const db = new Database(':memory:')
    try {
      return String(db.prepare('SELECT sqlite_version()').pluck().get())
    } finally {
      db.close()
    }
  })()
  const cpus = os.cpus()
  const report: BenchReport = {
    benchId,
    at,
    machine: {
      platform: `${os.platform()} ${os.release()}`,
      arch: os.arch(),
      cpus: cpus.length,
      cpuModel: cpus[0]?.model.trim() ?? 'unknown',
      memoryBytes: os.totalmem(),
      node: process.versions.node,
      sqlite: sqliteVersion,
      postgres: pg?.version ?? null,
    },
    iterations: timing.iterations,
    events: countEvents(paths.stateDb),
    sizes,
    backends,
    files: reportFiles(at),
  }
  const s2 = openWorkloadStore(paths.journalDb)
  try {
    for (const run of runs) saveRun(s2, run)
  } finally {
    s2.close()
  }
  saveReport(paths.journalDb, report)
  exportReport(paths.root, report)
  ctx.log('info', `Benchmark report: ${report.files.markdown}`)
  return {
    // First, so one-line summaries (ferry run, ferry status) show them.
    measured: backends.filter((b) => b.measured).length,
    notMeasured: backends.filter((b) => !b.measured).length,
    benchId,
    report: report.files,
    backends: backends.map((b) => ({
      id: b.id,
      label: b.label,
      measured: b.measured,
      reason: b.reason,
      p95MaxMs: maxP95(b),
      runId: b.runId,
    })),
    migrateEvidence: migrate.status === 'done' ? migrate.runId : null,
  }
}

const Params = z.object({
  root: z.string().min(1),
  targetUrl: z.string().optional(),
  targetError: z.string().optional(),
})

export const BENCH_JOBS: Record<string, JobFn> = {
  'step:p4.benchmark': (params, ctx) => {
    const p = Params.parse(params)
    return benchmarkStep(workspacePaths(p.root), ctx, { targetUrl: p.targetUrl, targetError: p.targetError })
  },
}
