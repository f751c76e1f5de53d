// The load's thread pool (issue 5: "spread the CPU work over workers"): N threads, each with its
// own SQLite handle and PostgreSQL connection (load-worker.ts), take the load's tasks — whole
// tables and the parts of split ones, largest first — one at a time. The first real failure
// cancels the rest at their next batch boundary (every committed batch stays whole: the ledger
// resumes from there); so does the user's cancel.
import { Worker } from 'node:worker_threads'
import { FerryError } from '../../../shared/contract/envelope'
import type { LoadPart, TableLoadResult } from './loader'
import type { TablePlan } from './types'
import { bundledThreadEntry } from '../threads/entry'

export interface LoadThreadData {
  file: string
  url: string
  schema: string
  batchRows: number
  batchBytes: number
}

export interface ThreadTask {
  id: number
  plan: TablePlan
  part: LoadPart
}

export type ToThread = ({ type: 'task' } & ThreadTask) | { type: 'cancel' } | { type: 'close' }

export interface ThreadError {
  name: string
  code: string | undefined
  message: string
  hint: string | undefined
  detail: string | undefined
}

export type FromThread =
  | { type: 'ready' }
  | { type: 'log'; level: 'info' | 'warn'; message: string }
  | { type: 'progress'; id: number; done: number; bytes: number; rejected: number }
  | { type: 'done'; id: number; result: TableLoadResult }
  | { type: 'error'; id: number; error: ThreadError }

export interface ThreadRunOptions {
  threads: number
  data: LoadThreadData
  signal: AbortSignal
  onStart: (task: ThreadTask) => void
  onProgress: (task: ThreadTask, done: number, bytes: number, rejected: number) => void
  onDone: (task: ThreadTask, result: TableLoadResult) => void
  onFailed: (task: ThreadTask) => void
  log?: (level: 'info' | 'warn', message: string) => void
}

/**
 * The thread's script: the bundle's sibling in the packaged app; from the sources, load-worker.ts
 * bundled on the fly (threads/entry.ts), or its tsx bootstrap.
 */
export function loadThreadEntry(): Promise<URL> {
  const here = import.meta.url
  if (here.endsWith('.cjs')) return Promise.resolve(new URL('./load-worker.cjs', here))
  return bundledThreadEntry(new URL('./load-worker.ts', here), new URL('./load-entry.mjs', here))
}

/** Runs every task on `threads` threads; resolves with each task's result, by task id. */
export async function runInThreads(
  tasks: ThreadTask[],
  o: ThreadRunOptions,
): Promise<Map<number, TableLoadResult>> {
  const entry = await loadThreadEntry()
  const queue = [...tasks]
  const byId = new Map(tasks.map((t) => [t.id, t]))
  const results = new Map<number, TableLoadResult>()
  const errors: Error[] = []
  const workers: Worker[] = []
  let stopping = false
  const stopAll = (): void => {
    if (stopping) return
    stopping = true
    for (const w of workers) w.postMessage({ type: 'cancel' } satisfies ToThread)
  }
  const onAbort = (): void => stopAll()
  o.signal.addEventListener('abort', onAbort, { once: true })

  return new Promise((resolve, reject) => {
    let alive = 0
    const settle = (): void => {
      if (--alive > 0) return
      o.signal.removeEventListener('abort', onAbort)
      // The first real failure, not the cancellations it caused in the other threads.
      if (errors.length) reject(errors.find((e) => !isCancel(e)) ?? errors[0])
      else if (o.signal.aborted) reject(cancelled())
      else resolve(results)
    }
    const next = (w: Worker): ThreadTask | undefined => {
      const t = stopping ? undefined : queue.shift()
      if (!t) {
        w.postMessage({ type: 'close' } satisfies ToThread)
        return undefined
      }
      o.onStart(t)
      w.postMessage({ type: 'task', ...t } satisfies ToThread)
      return t
    }
    const n = Math.max(1, Math.min(o.threads, tasks.length))
    for (let i = 0; i < n; i++) {
      const w = new Worker(entry, { workerData: o.data, resourceLimits: THREAD_LIMITS })
      workers.push(w)
      alive++
      let current: ThreadTask | undefined
      w.on('message', (m: FromThread) => {
        switch (m.type) {
          case 'ready':
            current = next(w)
            break
          case 'log':
            o.log?.(m.level, m.message)
            break
          case 'progress':
            o.onProgress(byId.get(m.id)!, m.done, m.bytes, m.rejected)
            break
          case 'done':
            results.set(m.id, m.result)
            o.onDone(byId.get(m.id)!, m.result)
            current = next(w)
            break
          case 'error':
            errors.push(rebuild(m.error))
            o.onFailed(byId.get(m.id)!)
            stopAll()
            current = next(w)
            break
        }
      })
      w.on('error', (err) => {
        // An exception the thread did not catch: a bug, reported as such, and the others stop.
        errors.push(
          new FerryError(
            'LOAD_FAILED',
            `A load thread failed${current ? ` while loading "${current.plan.source}"` : ''}: ${err.message}`,
            'Every batch committed so far is whole; run the same command again to resume from the ledger.',
          ),
        )
        if (current) o.onFailed(current)
        stopAll()
      })
      w.once('exit', settle)
    }
  })
}

/**
 * A load thread allocates fast and keeps little (rows live for one batch): a young generation of
 * 24 MB (V8's default is 48) costs it no measurable time, and each thread's peak memory drops.
 */
const THREAD_LIMITS = { maxYoungGenerationSizeMb: 24 }

const isCancel = (err: unknown): boolean => (err as { code?: string })?.code === 'CANCELLED'

const cancelled = (): FerryError =>
  new FerryError('CANCELLED', 'Cancelled by the user', 'Run the step again to start over.')

/** The thread's error as the in-process loader would have thrown it (same codes and fields). */
function rebuild(e: ThreadError): Error {
  if (e.name === 'FerryError' && e.code) return new FerryError(e.code, e.message, e.hint, e.detail)
  const err = new Error(e.message) as Error & { code?: string }
  err.name = e.name
  if (e.code) err.code = e.code
  return err
}
