// The worker process: receives one `start`, runs that job, reports progress and the outcome,
// exits. Runs under child_process.fork (plain Node) or Electron's utilityProcess.
// First: under `npm start`, better-sqlite3 must load its Electron build (electron-binding.ts).
import '../sqlite/electron-binding'
import { toErrorInfo } from '../../../shared/contract/envelope'
import type { HostMessage, WorkerMessage } from './launcher'
import { findJob } from './registry'
import { explainTooBig } from '../sqlite/too-big'

interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): void
  postMessage(message: unknown): void
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort

/** `sent` runs once the message is handed to the channel (at once under utilityProcess). */
function send(message: WorkerMessage, sent?: () => void): void {
  if (parentPort) {
    parentPort.postMessage(message)
    sent?.()
  } else if (process.connected && process.send) process.send(message, undefined, {}, () => sent?.())
  else sent?.()
}

function onMessage(listener: (m: HostMessage) => void): void {
  if (parentPort) parentPort.on('message', (e) => listener(e.data as HostMessage))
  else process.on('message', (m) => listener(m as HostMessage))
}

const controller = new AbortController()
let started = false
let lastProgress = 0

// The process that started us died (kill -9 of the CLI, a crashed app): nobody can receive the
// result, and an orphan would keep its locks and keep writing. Cancel, so the job stops at its
// next unit boundary and releases what it holds; exit soon after whatever happens.
if (!parentPort) {
  process.once('disconnect', () => {
    controller.abort()
    setTimeout(() => process.exit(1), 10_000).unref()
    if (!started) process.exit(1)
  })
}

onMessage((m) => {
  if (m.type === 'cancel') {
    controller.abort()
    return
  }
  if (m.type !== 'start' || started) return
  started = true
  void run(m.job, m.params)
})

async function run(job: string, params: unknown): Promise<void> {
  let outcome: WorkerMessage
  try {
    const fn = findJob(job)
    const value = await fn(params, {
      signal: controller.signal,
      log: (level, message) => send({ type: 'log', level, message }),
      progress: (done, total, unit, message, detail) => {
        // At most ~10 progress messages a second, plus the final one.
        const now = Date.now()
        if (now - lastProgress < 100 && total !== null && done < total) return
        lastProgress = now
        send(
          detail === undefined
            ? { type: 'progress', done, total, unit, message }
            : { type: 'progress', done, total, unit, message, detail },
        )
      },
    })
    outcome = { type: 'result', value }
  } catch (err) {
    // SQLite's bare "string or blob too big" names nothing: say which value, where.
    const root = (params as { root?: unknown } | null)?.root
    outcome = {
      type: 'error',
      error: toErrorInfo(explainTooBig(err, typeof root === 'string' ? root : undefined)),
    }
  }
  // Leave once the outcome is written to the channel: a result of megabytes (the inventory of
  // 20,000 files) takes longer than any fixed delay, and exiting earlier lost it.
  send(outcome, () => setTimeout(() => process.exit(0), 50))
}
