// Other processes working on Ferry's inputs: a SQLite write lock held for N ms, and a live agent
// writing every 20 ms whose write latencies are reported when it stops.
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const CHILD = fileURLToPath(new URL('./child.mjs', import.meta.url))

function started(child: ChildProcess, word: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      if (out.includes(word)) resolve()
    })
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before "${word}"`)))
  })
}

export interface LockHolder {
  /** Resolves when the holder has released the lock and exited. */
  done: Promise<void>
  release: () => Promise<void>
}

/**
 * Another process holds a write lock on `file` for `ms`; resolves once held. 'immediate' is a
 * RESERVED lock (readers go on, writers wait); 'exclusive' in a rollback-journal database also
 * keeps readers out, as a writer committing a large transaction does.
 */
export async function holdWriteLock(
  file: string,
  ms: number,
  mode: 'immediate' | 'exclusive' = 'immediate',
): Promise<LockHolder> {
  const child = spawn(process.execPath, [CHILD, 'lock', file, String(ms), mode], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const done = new Promise<void>((res) => child.once('exit', () => res()))
  await started(child, 'locked')
  return {
    done,
    release: async () => {
      child.kill('SIGKILL')
      await done
    },
  }
}

export interface AgentReport {
  writes: number
  errors: number
  p50Ms: number
  p99Ms: number
  maxMs: number
}

export interface Agent {
  stop: () => Promise<AgentReport>
}

const pct = (sorted: number[], p: number): number =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]! : 0

/** A live agent inserting into `agent_writes` of `file` every 20 ms until stopped. */
export async function startAgent(file: string, reportPath: string): Promise<Agent> {
  const child = spawn(process.execPath, [CHILD, 'agent', file, reportPath], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  await started(child, 'writing')
  return {
    stop: async () => {
      const exited = new Promise<void>((res) => child.once('exit', () => res()))
      child.kill('SIGTERM')
      await exited
      const r = JSON.parse(readFileSync(reportPath, 'utf8')) as {
        writes: number
        errors: number
        latencies: number[]
      }
      rmSync(reportPath, { force: true })
      const s = [...r.latencies].sort((a, b) => a - b)
      const round = (x: number): number => Math.round(x * 100) / 100
      return {
        writes: r.writes,
        errors: r.errors,
        p50Ms: round(pct(s, 50)),
        p99Ms: round(pct(s, 99)),
        maxMs: round(s.at(-1) ?? 0),
      }
    },
  }
}
