// p4.concurrency: simulated agents against both backends through the agent store library, swept
// over N agents, plus one run while PostgreSQL builds an index CONCURRENTLY. The plan's "10+
// agents without blocking" is judged on the N = 10 run: zero failed operations and no operation
// slower than 100 ms (so no lock wait over 100 ms). Sweep size comes from the environment:
// FERRY_P4_AGENTS="1,2,5,10,20,50", FERRY_P4_OPS=200 (per agent), FERRY_P4_INDEX=0 to skip the index run.
import { existsSync, rmSync } from 'node:fs'
import { availableParallelism, cpus, totalmem } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { FerryError } from '../../../shared/contract/envelope'
import { memoryDbPath } from '../import/memory-db'
import type { JobContext } from '../jobs/job'
import { throwIfCancelled } from '../jobs/job'
import { redactUrl } from '../postgres/redact'
import type { WorkspacePaths } from '../workspace/resolve'
import { DEFAULT_SCHEMA } from '../agent-store/postgres'
import { checkStoreSchemaOf } from '../agent-store/schema'
import { MIX } from './mix'
import { agentName, runAgents, type RunResult } from './run-agents'
import { SANDBOX_SCHEMA, copyMemoryDb, createPgSandbox, dropPgSandbox, existingAgentType, registerAgents, sqliteCopyPath } from './sandbox'
import { LOCK_WAIT_MS } from './stats'

export const DEFAULT_AGENTS = [1, 2, 5, 10, 20, 50]
const JUDGED_N = 10

export interface SweepConfig {
  agents: number[]
  opsPerAgent: number
  indexRun: boolean
}

export function sweepConfig(env: NodeJS.ProcessEnv = process.env): SweepConfig {
  const list = (env.FERRY_P4_AGENTS ?? '')
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n >= 1 && n <= 200)
  const ops = Number(env.FERRY_P4_OPS)
  return {
    agents: list.length ? [...new Set(list)].sort((a, b) => a - b) : DEFAULT_AGENTS,
    opsPerAgent: Number.isInteger(ops) && ops >= 1 ? Math.min(ops, 100_000) : 200,
    indexRun: env.FERRY_P4_INDEX !== '0',
  }
}

export interface Verdict {
  pass: boolean | null
  n: number | null
  reason: string
}

export function judge(runs: RunResult[]): Verdict {
  const r = runs.find((x) => x.n === JUDGED_N)
  if (!r) return { pass: null, n: null, reason: `Not measured: the sweep did not include N = ${JUDGED_N}.` }
  const problems: string[] = []
  if (r.failed > 0) problems.push(`${r.failed} failed operation(s)`)
  if (r.lockWaits.over100 > 0) problems.push(`${r.lockWaits.over100} lock wait(s) over ${LOCK_WAIT_MS} ms (longest ${r.lockWaits.maxMs} ms)`)
  const slow = `${r.slowOps} operation(s) took over ${LOCK_WAIT_MS} ms end to end (p99 ${r.all.p99} ms, slowest ${r.maxMs} ms)`
  return problems.length
    ? { pass: false, n: JUDGED_N, reason: `At N = ${JUDGED_N}: ${problems.join(', ')}; ${slow}.` }
    : { pass: true, n: JUDGED_N, reason: `At N = ${JUDGED_N}: zero failed operations, longest lock wait ${r.lockWaits.maxMs} ms; ${slow}.` }
}

export async function concurrencyStep(paths: WorkspacePaths, url: string, ctx: JobContext): Promise<Record<string, unknown>> {
  const source = memoryDbPath(paths)
  if (!existsSync(source)) {
    throw new FerryError('NO_MEMORY_DB', `There is no ${path.relative(paths.root, source)} to test against`, 'Run "Validate data integrity" (p2.validate) first.')
  }
  const cfg = sweepConfig()
  const maxN = Math.max(...cfg.agents, cfg.indexRun ? Math.min(JUDGED_N, Math.max(...cfg.agents)) : 1)
  const names = Array.from({ length: maxN }, (_, i) => agentName(i))
  const copy = sqliteCopyPath(paths)
  const total = cfg.agents.length * 2 + (cfg.indexRun ? 1 : 0)
  let done = 0
  const tick = (message: string): void => ctx.progress(done, total, 'runs', message)

  tick('copying memory.db and agent_memory into sandboxes')
  const copied = await copyMemoryDb(source, copy)
  await checkStoreSchemaOf(copy, path.relative(paths.root, source)).catch((err: unknown) => {
    for (const f of [copy, `${copy}-wal`, `${copy}-shm`]) rmSync(f, { force: true })
    throw err
  })
  const agentType = existingAgentType(copy)
  const pgRows = await createPgSandbox(url, DEFAULT_SCHEMA)
  const sqlite: RunResult[] = []
  const postgres: RunResult[] = []
  let indexRun: Record<string, unknown> | null = null
  try {
    await registerAgents(names, agentType, { backend: 'sqlite', file: copy })
    await registerAgents(names, agentType, { backend: 'postgres', url, schema: SANDBOX_SCHEMA })
    for (const n of cfg.agents) {
      for (const backend of ['sqlite', 'postgres'] as const) {
        throwIfCancelled(ctx.signal)
        tick(`${backend}: ${n} agent(s)`)
        const r = await runAgents({ backend, n, ops: cfg.opsPerAgent, seed: 1000 * n, file: copy, url, schema: SANDBOX_SCHEMA, signal: ctx.signal })
        ;(backend === 'sqlite' ? sqlite : postgres).push(r)
        ctx.log('info', `${backend} N=${n}: ${r.throughput} ops/s, p95 ${r.all.p95} ms, p99 ${r.all.p99} ms, max ${r.maxMs} ms, ${r.failed} failed, ${r.retries} retries`)
        done++
      }
    }
    if (cfg.indexRun) {
      throwIfCancelled(ctx.signal)
      const n = Math.min(JUDGED_N, maxN)
      tick(`postgres: ${n} agent(s) during CREATE INDEX CONCURRENTLY`)
      indexRun = await runDuringIndex(url, n, ctx.signal)
      done++
    }
  } finally {
    await dropPgSandbox(url).catch((err: unknown) => ctx.log('warn', `Could not drop scratch schema ${SANDBOX_SCHEMA}: ${(err as Error).message}`))
    for (const f of [copy, `${copy}-wal`, `${copy}-shm`]) rmSync(f, { force: true })
  }
  ctx.progress(total, total, 'runs', 'done')
  return {
    target: redactUrl(url),
    agents: cfg.agents,
    opsPerAgent: cfg.opsPerAgent,
    lockWaitMs: LOCK_WAIT_MS,
    mix: MIX,
    sandbox: {
      sqlite: { copyOf: path.relative(paths.root, source), bytes: copied.bytes, busyTimeoutMs: 5000, journalMode: 'wal' },
      postgres: { schema: SANDBOX_SCHEMA, copyOf: DEFAULT_SCHEMA, rows: pgRows.rows, note: 'Copied with LIKE … INCLUDING ALL: foreign keys are not copied.' },
    },
    machine: { cpus: availableParallelism(), cpuModel: cpus()[0]?.model ?? null, memoryBytes: totalmem(), node: process.version },
    sqlite: { runs: sqlite, verdict: judge(sqlite) },
    postgres: { runs: postgres, verdict: judge(postgres) },
    duringIndex: indexRun,
  }
}

async function runDuringIndex(url: string, n: number, signal: AbortSignal): Promise<Record<string, unknown>> {
  const index = 'ferry_p4_cic_events_type_created'
  let buildMs = 0
  let error: string | null = null
  const run = await runAgents({
    backend: 'postgres',
    n,
    ops: 1_000_000,
    seed: 77,
    url,
    schema: SANDBOX_SCHEMA,
    signal,
    during: async () => {
      const c = new pg.Client({ connectionString: url, application_name: 'ferry-concurrency-ddl' })
      c.on('error', () => undefined)
      await c.connect()
      try {
        await new Promise((r) => setTimeout(r, 500))
        const t0 = performance.now()
        await c.query(`CREATE INDEX CONCURRENTLY ${pg.escapeIdentifier(index)} ON ${pg.escapeIdentifier(SANDBOX_SCHEMA)}."events" ("event_type", "created_at")`)
        buildMs = Math.round(performance.now() - t0)
        await new Promise((r) => setTimeout(r, 500))
      } catch (err) {
        error = (err as Error).message
      } finally {
        await c.end().catch(() => undefined)
      }
    },
  })
  return {
    statement: `CREATE INDEX CONCURRENTLY ${index} ON ${SANDBOX_SCHEMA}.events (event_type, created_at)`,
    buildMs,
    error,
    run,
    verdict: {
      pass: error === null && run.failed === 0 && run.lockWaits.over100 === 0,
      reason:
        error !== null
          ? `The index build failed: ${error}`
          : `${run.ops} operations by ${n} agents while the index was built (${buildMs} ms): ${run.failed} failed, ${run.lockWaits.over100} lock wait(s) over ${LOCK_WAIT_MS} ms, slowest operation ${run.maxMs} ms.`,
    },
  }
}
