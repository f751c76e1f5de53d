// One simulated agent, in its own worker thread with its own connection (SQLite: one
// better-sqlite3 connection; PostgreSQL: a pool of one). It opens its store, says `ready`, waits
// for `go` (so every agent starts together), runs the typical read/write mix through the agent
// store library and posts every operation's latency. It stops after `ops` operations or on `stop`.
import { performance } from 'node:perf_hooks'
import { parentPort, workerData } from 'node:worker_threads'
import { openPgStore, openSqliteStore } from '../agent-store/index'
import type { AgentStore } from '../agent-store/types'
import { pickOp, rng, type OpName, type SimAgentConfig, type SimAgentResult } from './mix'

const cfg = workerData as SimAgentConfig
const port = parentPort!
let stopping = false

port.on('message', (m: { type: string }) => {
  if (m.type === 'stop') stopping = true
  if (m.type === 'go') void run().catch((err: unknown) => port.postMessage({ type: 'fatal', message: String((err as Error)?.message ?? err) }))
})

let store: AgentStore
const retryLog = { retries: 0 }

async function open(): Promise<void> {
  const retry = { onRetry: () => void retryLog.retries++ }
  store =
    cfg.backend === 'sqlite'
      ? await openSqliteStore(cfg.agentId, { file: cfg.file!, busyTimeoutMs: cfg.busyTimeoutMs, retry })
      : await openPgStore(cfg.agentId, { url: cfg.url!, schema: cfg.schema, poolMax: 1, retry, applicationName: `ferry-agent-store:sim:${cfg.agentId}` })
}

async function run(): Promise<void> {
  const random = rng(cfg.seed)
  const lat: Record<string, number[]> = {}
  const errors: Record<string, number> = {}
  const samples: string[] = []
  let failed = 0
  let done = 0
  const tasks: number[] = []
  const snaps: number[] = []
  const { sessionId } = await store.openSession({ title: `sim ${cfg.agentId}` })
  const started = performance.now()
  while (done < cfg.ops && !stopping) {
    const op: OpName = pickOp(random())
    const t0 = performance.now()
    try {
      await step(op, random, sessionId, tasks, snaps)
    } catch (err) {
      failed++
      const code = String((err as { code?: unknown }).code ?? 'ERROR')
      errors[code] = (errors[code] ?? 0) + 1
      if (samples.length < 5) samples.push(`${op}: ${(err as Error).message}`)
    }
    ;(lat[op] ??= []).push(performance.now() - t0)
    done++
  }
  const wallMs = performance.now() - started
  await store.closeSession(sessionId, { summary: `${done} operations` }).catch(() => undefined)
  const s = store.stats()
  await store.close()
  const result: SimAgentResult = {
    agentId: cfg.agentId,
    ops: done,
    failed,
    wallMs,
    latencies: lat,
    errors,
    errorSamples: samples,
    retries: s.retries,
    transientErrors: s.transientErrors,
    deduplicated: s.deduplicated,
    lockWaits: s.lockWaits,
    maxLockWaitMs: s.maxLockWaitMs,
  }
  port.postMessage({ type: 'done', result })
}

async function step(op: OpName, random: () => number, sessionId: string, tasks: number[], snaps: number[]): Promise<void> {
  const pick = <T>(xs: T[]): T | undefined => (xs.length ? xs[Math.floor(random() * xs.length)] : undefined)
  switch (op) {
    case 'recordEvent':
      await store.recordEvent({ type: 'sim.tool_call', message: 'simulated', payload: { n: Math.floor(random() * 1000), agent: cfg.agentId } })
      return
    case 'readEvents':
      await store.readEvents({ limit: 20 })
      return
    case 'sendMessage':
      await store.sendMessage({ to: pick(cfg.peers) ?? cfg.agentId, type: 'sim', subject: 'ping', body: 'simulated message', payload: { at: Date.now() } })
      return
    case 'readMessages':
      await store.readMessages({ unreadOnly: true, limit: 20 })
      return
    case 'createTask':
      tasks.push((await store.createTask({ title: 'simulated task', payload: { step: tasks.length } })).taskId)
      return
    case 'updateTask': {
      const id = pick(tasks)
      if (id === undefined) return void tasks.push((await store.createTask({ title: 'simulated task' })).taskId)
      await store.updateTask(id, { status: random() < 0.5 ? 'in_progress' : 'completed' })
      return
    }
    case 'getTask': {
      const id = pick(tasks)
      if (id !== undefined) await store.getTask(id)
      return
    }
    case 'saveSnapshot':
      snaps.push((await store.saveSnapshot({ sessionId, type: 'incremental', content: JSON.stringify({ agent: cfg.agentId, notes: 'x'.repeat(512), at: Date.now() }) })).snapshotId)
      return
    case 'loadSnapshot': {
      const id = pick(snaps)
      if (id !== undefined) await store.loadSnapshot(id)
      return
    }
    case 'setConfig':
      await store.setConfig('sim.cursor', String(Math.floor(random() * 1e6)))
      return
    case 'getConfig':
      await store.getConfig('sim.cursor')
      return
  }
}

open()
  .then(() => port.postMessage({ type: 'ready' }))
  .catch((err: unknown) => port.postMessage({ type: 'fatal', message: String((err as Error)?.message ?? err) }))
