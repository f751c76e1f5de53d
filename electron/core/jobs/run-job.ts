// Runs one job in a fresh worker process and turns everything that can happen to that process
// (result, error, cancel, crash, kill -9) into a resolved value or a FerryError.
import { FerryError } from '../../../shared/contract/envelope'
import type { WorkerLauncher, WorkerMessage } from './launcher'

export interface RunJobOptions {
  onProgress?: (p: { done: number; total: number | null; unit: string; message?: string; detail?: unknown }) => void
  onLog?: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void
  signal?: AbortSignal
  /** How long a cancelled job may take to reach a safe point before it is killed. */
  cancelGraceMs?: number
  onStart?: (pid: number | undefined) => void
}

export function runJob(launcher: WorkerLauncher, job: string, params: unknown, opts: RunJobOptions = {}): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const worker = launcher()
    opts.onStart?.(worker.pid)
    let outcome: { ok: true; value: unknown } | { ok: false; error: FerryError } | undefined
    let killTimer: NodeJS.Timeout | undefined
    let cancelled = false

    const onAbort = (): void => {
      cancelled = true
      worker.send({ type: 'cancel' })
      killTimer = setTimeout(() => worker.kill(), opts.cancelGraceMs ?? 5000)
    }
    if (opts.signal?.aborted) onAbort()
    else opts.signal?.addEventListener('abort', onAbort, { once: true })

    worker.onMessage((m: WorkerMessage) => {
      if (m.type === 'progress') opts.onProgress?.(m)
      else if (m.type === 'log') opts.onLog?.(m.level, m.message)
      else if (m.type === 'result') outcome = { ok: true, value: m.value }
      else if (m.type === 'error') outcome = { ok: false, error: FerryError.from(m.error) }
    })
    worker.onExit((code, signal) => {
      if (killTimer) clearTimeout(killTimer)
      opts.signal?.removeEventListener('abort', onAbort)
      if (outcome?.ok) return resolve(outcome.value)
      if (outcome) return reject(outcome.error)
      if (cancelled) {
        return reject(new FerryError('CANCELLED', 'Cancelled by the user; the worker was stopped', 'Run the step again to start over.'))
      }
      reject(
        new FerryError(
          'WORKER_DIED',
          `The worker process for ${job} ended without a result (${signal ? `signal ${signal}` : `exit code ${code}`})`,
          'Nothing was committed past the last completed unit of work. Run the step again.',
        ),
      )
    })
    worker.send({ type: 'start', job, params })
  })
}
