// Runs N simulated agents at once (one worker thread and one connection each) and summarises the
// run. Every agent opens its store first; the clock starts when all are ready and `go` is sent.
// On PostgreSQL a monitor connection samples how many of the agents' sessions wait on a lock.
import { performance } from 'node:perf_hooks'
import { Worker } from 'node:worker_threads'
import pg from 'pg'
import { FerryError } from '../../../shared/contract/envelope'
import type { SimAgentConfig, SimAgentResult } from './mix'
import { LOCK_WAIT_MS, opStats, type OpStats } from './stats'
import { bundledThreadEntry } from '../threads/entry'

/** The simulated agent's thread script (threads/entry.ts: bundled once, or through tsx). */
const simEntry = (): Promise<URL> =>
  bundledThreadEntry(
    new URL('./sim-agent.ts', import.meta.url),
    new URL('./sim-entry.mjs', import.meta.url),
  )

export interface RunOptions {
  backend: 'sqlite' | 'postgres'
  n: number
  ops: number
  seed: number
  file?: string
  busyTimeoutMs?: number
  url?: string
  schema?: string
  signal?: AbortSignal
  /** Runs beside the agents once they started; when it settles, the agents are told to stop. */
  during?: () => Promise<void>
}

export interface RunResult {
  backend: 'sqlite' | 'postgres'
  n: number
  ops: number
  failed: number
  retries: number
  transientErrors: number
  /** Operations that took longer than 100 ms (an upper bound on any lock wait among them). */
  slowOps: number
  maxMs: number
  wallMs: number
  throughput: number
  perOp: Record<string, OpStats>
  all: OpStats
  errors: Record<string, number>
  errorSamples: string[]
  /**
   * Lock waits over 100 ms and the longest seen. SQLite: timed around BEGIN IMMEDIATE (where the
   * busy handler waits). PostgreSQL: pg_locks.waitstart of the agents' sessions, sampled every
   * 25 ms (a wait is seen up to one interval short of its full length).
   */
  lockWaits: { over100: number; maxMs: number; method: string }
  /** PostgreSQL only: samples taken, and the most agent sessions seen waiting on a lock at once. */
  lockSamples: { samples: number; withWaiters: number; maxWaiting: number } | null
}

export const agentName = (i: number): string => `sim-agent-${String(i + 1).padStart(2, '0')}`

export async function runAgents(o: RunOptions): Promise<RunResult> {
  const names = Array.from({ length: o.n }, (_, i) => agentName(i))
  const workers: Worker[] = []
  const results: SimAgentResult[] = []
  const fatal: string[] = []
  let ready = 0
  let finished = 0
  let resolveReady!: () => void
  let resolveDone!: () => void
  const allReady = new Promise<void>((r) => (resolveReady = r))
  const allDone = new Promise<void>((r) => (resolveDone = r))
  const settle = (): void => {
    if (++finished === o.n) resolveDone()
  }
  const entry = await simEntry()
  for (let i = 0; i < o.n; i++) {
    const cfg: SimAgentConfig = {
      backend: o.backend,
      agentId: names[i]!,
      peers: names.filter((_, j) => j !== i),
      ops: o.ops,
      seed: o.seed + i,
      file: o.file,
      busyTimeoutMs: o.busyTimeoutMs,
      url: o.url,
      schema: o.schema,
    }
    const w = new Worker(entry, { workerData: cfg })
    w.on('message', (m: { type: string; result?: SimAgentResult; message?: string }) => {
      if (m.type === 'ready' && ++ready === o.n) resolveReady()
      if (m.type === 'done' && m.result) {
        results.push(m.result)
        settle()
      }
      if (m.type === 'fatal') {
        fatal.push(`${cfg.agentId}: ${m.message}`)
        if (ready < o.n) resolveReady()
        settle()
      }
    })
    w.on('error', (err) => {
      fatal.push(`${cfg.agentId}: ${err.message}`)
      resolveReady()
      settle()
    })
    workers.push(w)
  }
  const stopAll = (): void => workers.forEach((w) => w.postMessage({ type: 'stop' }))
  o.signal?.addEventListener('abort', stopAll, { once: true })
  try {
    await allReady
    if (fatal.length)
      throw new FerryError(
        'SIM_AGENT_FAILED',
        `Simulated agents could not start: ${fatal.slice(0, 3).join('; ')}`,
        'Check the database the run uses (see the log).',
      )
    const sampler = o.backend === 'postgres' ? lockSampler(o.url!) : null
    const t0 = performance.now()
    workers.forEach((w) => w.postMessage({ type: 'go' }))
    const beside = o.during?.().finally(stopAll)
    await allDone
    const wallMs = performance.now() - t0
    await beside
    const sampled = sampler ? await sampler.stop() : null
    if (fatal.length)
      throw new FerryError(
        'SIM_AGENT_FAILED',
        `Simulated agents failed: ${fatal.slice(0, 3).join('; ')}`,
        'See the log; the run is not counted.',
      )
    return summarise(o, results, wallMs, sampled)
  } finally {
    o.signal?.removeEventListener('abort', stopAll)
    await Promise.all(workers.map((w) => w.terminate()))
  }
}

function summarise(
  o: RunOptions,
  rs: SimAgentResult[],
  wallMs: number,
  sampled: Sampled | null,
): RunResult {
  const byOp: Record<string, number[]> = {}
  const errors: Record<string, number> = {}
  for (const r of rs) {
    for (const [op, xs] of Object.entries(r.latencies)) (byOp[op] ??= []).push(...xs)
    for (const [code, k] of Object.entries(r.errors)) errors[code] = (errors[code] ?? 0) + k
  }
  const every = Object.values(byOp).flat()
  const ops = rs.reduce((n, r) => n + r.ops, 0)
  const all = opStats(every)
  return {
    backend: o.backend,
    n: o.n,
    ops,
    failed: rs.reduce((n, r) => n + r.failed, 0),
    retries: rs.reduce((n, r) => n + r.retries, 0),
    transientErrors: rs.reduce((n, r) => n + r.transientErrors, 0),
    slowOps: every.filter((x) => x > LOCK_WAIT_MS).length,
    maxMs: all.max,
    wallMs: Math.round(wallMs),
    throughput: Math.round((ops / Math.max(1, wallMs)) * 1000 * 10) / 10,
    perOp: Object.fromEntries(Object.entries(byOp).map(([op, xs]) => [op, opStats(xs)])),
    all,
    errors,
    errorSamples: rs.flatMap((r) => r.errorSamples).slice(0, 5),
    lockWaits: sampled
      ? {
          over100: sampled.over100,
          maxMs: sampled.maxWaitMs,
          method: 'pg_locks.waitstart sampled every 25 ms',
        }
      : {
          over100: rs.reduce((n, r) => n + r.lockWaits, 0),
          maxMs: Math.max(0, ...rs.map((r) => r.maxLockWaitMs)),
          method: 'time spent in BEGIN IMMEDIATE (busy_timeout wait)',
        },
    lockSamples: sampled
      ? {
          samples: sampled.samples,
          withWaiters: sampled.withWaiters,
          maxWaiting: sampled.maxWaiting,
        }
      : null,
  }
}

interface Sampled {
  samples: number
  withWaiters: number
  maxWaiting: number
  over100: number
  maxWaitMs: number
}

/** Every 25 ms: which simulated agents' sessions wait on a heavyweight lock, and since when. */
function lockSampler(url: string): { stop(): Promise<Sampled> } {
  const c = new pg.Client({ connectionString: url, application_name: 'ferry-concurrency-monitor' })
  c.on('error', () => undefined)
  const waits = new Map<string, number>()
  let samples = 0
  let withWaiters = 0
  let maxWaiting = 0
  let running = true
  const loop = (async () => {
    await c.connect()
    while (running) {
      const r = await c.query<{ k: string; ms: number }>(
        `SELECT l.pid::text || ':' || coalesce(l.waitstart::text, '') AS k, coalesce(extract(epoch FROM clock_timestamp() - l.waitstart) * 1000, 0)::float8 AS ms
           FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
          WHERE NOT l.granted AND a.application_name LIKE 'ferry-agent-store:sim:%'`,
      )
      samples++
      if (r.rows.length > 0) withWaiters++
      maxWaiting = Math.max(maxWaiting, r.rows.length)
      for (const w of r.rows) waits.set(w.k, Math.max(waits.get(w.k) ?? 0, w.ms))
      await new Promise((res) => setTimeout(res, 25))
    }
  })().catch(() => undefined)
  return {
    async stop() {
      running = false
      await loop
      await c.end().catch(() => undefined)
      const all = [...waits.values()]
      return {
        samples,
        withWaiters,
        maxWaiting,
        over100: all.filter((ms) => ms > LOCK_WAIT_MS).length,
        maxWaitMs: Math.round(Math.max(0, ...all) * 1000) / 1000,
      }
    },
  }
}
