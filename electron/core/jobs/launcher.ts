// How the backend starts the process that does long work. Plain Node forks a child process;
// the Electron adapter passes a launcher built on utilityProcess (so the RunAsNode fuse can stay
// off). Either way a killed worker is an ordinary, recoverable event.
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** Messages from the worker to the backend. */
export type WorkerMessage =
  | { type: 'progress'; done: number; total: number | null; unit: string; message?: string; detail?: unknown }
  | { type: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; message: string }
  | { type: 'result'; value: unknown }
  | { type: 'error'; error: { code: string; message: string; hint?: string; detail?: string } }

/** Messages from the backend to the worker. */
export type HostMessage = { type: 'start'; job: string; params: unknown } | { type: 'cancel' }

export interface WorkerHandle {
  readonly pid: number | undefined
  send(message: HostMessage): void
  onMessage(listener: (message: WorkerMessage) => void): void
  /** Called once, with the exit code (null when killed by a signal). */
  onExit(listener: (code: number | null, signal: string | null) => void): void
  kill(): void
}

export type WorkerLauncher = () => WorkerHandle

/** The worker entry for plain Node: a tiny .mjs that registers tsx and loads worker.ts. */
export const DEFAULT_WORKER_ENTRY = fileURLToPath(new URL('./worker-entry.mjs', import.meta.url))

export function nodeWorkerLauncher(entry: string = DEFAULT_WORKER_ENTRY): WorkerLauncher {
  return () => {
    const child = fork(entry, [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
      env: { ...process.env },
    })
    let exited = false
    return {
      pid: child.pid,
      send: (m) => {
        if (!exited && child.connected) child.send(m)
      },
      onMessage: (l) => child.on('message', (m) => l(m as WorkerMessage)),
      onExit: (l) =>
        child.once('exit', (code, signal) => {
          exited = true
          l(code, signal)
        }),
      kill: () => {
        if (!exited) child.kill('SIGKILL')
      },
    }
  }
}
