// A load thread (load-threads.ts starts them): its own read-only SQLite handle and its own
// PostgreSQL connection, loading the table parts the main thread hands it, one at a time. Rows
// are read, encoded, hashed and sent here, so several threads spread the CPU work of the load.
// First: under `npm start`, better-sqlite3 must load its Electron build (electron-binding.ts).
import '../sqlite/electron-binding'
import { parentPort, workerData } from 'node:worker_threads'
import { openSqliteReadOnly } from '../sqlite/open'
import { createPool } from './connect'
import { loadTask } from './load-task'
import type { FromThread, LoadThreadData, ToThread } from './load-threads'

const port = parentPort!
const data = workerData as LoadThreadData
const post = (m: FromThread): void => port.postMessage(m)
const log = (level: 'info' | 'warn', message: string): void => post({ type: 'log', level, message })

const db = openSqliteReadOnly(data.file)
const pool = createPool(data.url, { max: 1, log })
const cancel = new AbortController()
let busy: Promise<void> = Promise.resolve()

port.on('message', (m: ToThread) => {
  if (m.type === 'cancel') cancel.abort()
  if (m.type === 'task') busy = busy.then(() => run(m.id, m))
  if (m.type === 'close') void busy.then(close)
})

async function run(id: number, m: Extract<ToThread, { type: 'task' }>): Promise<void> {
  try {
    const result = await loadTask(
      db,
      pool,
      data.url,
      m.plan,
      {
        schema: data.schema,
        batchRows: data.batchRows,
        batchBytes: data.batchBytes,
        part: m.part,
        signal: cancel.signal,
        onProgress: (_table, done, sent) =>
          post({
            type: 'progress',
            id,
            done,
            bytes: sent?.bytes ?? 0,
            rejected: sent?.rejected ?? 0,
          }),
      },
      log,
    )
    post({ type: 'done', id, result })
  } catch (err) {
    const e = err as {
      name?: string
      code?: unknown
      message?: string
      hint?: string
      detail?: string
    }
    post({
      type: 'error',
      id,
      error: {
        name: e?.name ?? 'Error',
        code: typeof e?.code === 'string' ? e.code : undefined,
        message: e?.message ?? String(err),
        hint: e?.hint,
        detail: e?.detail,
      },
    })
  }
}

async function close(): Promise<void> {
  await pool.end().catch(() => undefined)
  db.close()
  port.close()
}

post({ type: 'ready' })
