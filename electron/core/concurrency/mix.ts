// The simulated agents' workload: the typical mix of an agent's day (mostly event writes and
// inbox/event reads, some task and snapshot traffic), and the shapes passed to/from each worker.

export const MIX = {
  recordEvent: 0.3,
  readEvents: 0.15,
  sendMessage: 0.1,
  readMessages: 0.12,
  createTask: 0.06,
  updateTask: 0.07,
  getTask: 0.06,
  saveSnapshot: 0.04,
  loadSnapshot: 0.03,
  setConfig: 0.03,
  getConfig: 0.04,
} as const
export type OpName = keyof typeof MIX
export const OPS = Object.keys(MIX) as OpName[]
export const WRITE_OPS: readonly OpName[] = ['recordEvent', 'sendMessage', 'createTask', 'updateTask', 'saveSnapshot', 'setConfig']

export function pickOp(r: number): OpName {
  let acc = 0
  for (const op of OPS) {
    acc += MIX[op]
    if (r < acc) return op
  }
  return 'recordEvent'
}

/** mulberry32: a small seeded generator, so a run's sequence of operations is reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface SimAgentConfig {
  backend: 'sqlite' | 'postgres'
  agentId: string
  peers: string[]
  ops: number
  seed: number
  file?: string
  busyTimeoutMs?: number
  url?: string
  schema?: string
}

export interface SimAgentResult {
  agentId: string
  ops: number
  failed: number
  wallMs: number
  latencies: Record<string, number[]>
  errors: Record<string, number>
  errorSamples: string[]
  retries: number
  transientErrors: number
  deduplicated: number
  lockWaits: number
  maxLockWaitMs: number
}
