// A profiling thread (profile-threads.ts starts them): its own read-only SQLite handle, running
// the profile's aggregate queries (profileQuery) over the rowid slices the main thread hands it.
// First: under `npm start`, better-sqlite3 must load its Electron build (electron-binding.ts).
import '../sqlite/electron-binding'
import { parentPort, workerData } from 'node:worker_threads'
import { openSqliteReadOnly } from '../sqlite/open'
import { profileQuery, registerProfileFunctions } from './profile'
import type { FromProfileThread, ToProfileThread } from './profile-threads'

const port = parentPort!
const db = openSqliteReadOnly((workerData as { file: string }).file)
registerProfileFunctions(db)
const post = (m: FromProfileThread): void => port.postMessage(m)

port.on('message', (m: ToProfileThread) => {
  if (m.type === 'close') {
    db.close()
    port.close()
    return
  }
  try {
    const rows = profileQuery(db, m.table, m.columns, new Map(m.bounds), {
      where: m.where,
      params: m.params,
      bytesOnly: new Set(m.bytesOnly),
    })
    post({ type: 'done', id: m.id, rows })
  } catch (err) {
    const e = err as { code?: unknown; message?: string }
    post({
      type: 'error',
      id: m.id,
      message: e?.message ?? String(err),
      code: typeof e?.code === 'string' ? e.code : undefined,
    })
  }
})
post({ type: 'ready' })
