// What a job (a step's work, or any other long task) sees while it runs inside the worker.
import { FerryError } from '../../../shared/contract/envelope'

export interface JobContext {
  /** `detail`: optional structured state for a screen (e.g. p3.migrate's per-table counters). */
  progress(done: number, total: number | null, unit: string, message?: string, detail?: unknown): void
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void
  signal: AbortSignal
}

export type JobFn = (params: unknown, ctx: JobContext) => Promise<unknown>

export function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new FerryError('CANCELLED', 'Cancelled by the user', 'Run the step again to start over.')
}
