// Profiling large tables on several threads. Deciding column types reads every value (is it JSON?
// an ISO timestamp? does it fit?), one aggregate query per table; on a big table that single scan
// is most of the time before the first row moves (17 s of a 33 s migration of the 1M-event demo's
// memory.db). Every figure is a sum, so a rowid table is cut into slices between its smallest and
// largest rowid, the slices are profiled side by side, and the sums are added: the very figures
// the single scan gives. Each slice runs the packed queries (profile.ts profileQuery); slices of
// about 1M rows keep them exact. The results go to translateSchema (its `profiles` option).
import { fromTable } from '../sqlite/integrity'
import { Worker } from 'node:worker_threads'
import { describeTable, listTables } from '../sqlite/introspect'
import type { SqliteDb } from '../sqlite/open'
import { bundledThreadEntry } from '../threads/entry'
import {
  addProfileRows,
  PACK_LIMIT,
  statsFromRows,
  type NumericBounds,
  type ProfileResult,
  type ProfileRow,
} from './profile'
import { profileInputs, tableKey } from './translate'

/** One slice to profile: the table's columns over the rows with lo ≤ key ≤ hi (profileQuery). */
export interface ProfileTask {
  id: number
  table: string
  columns: string[]
  bounds: [string, NumericBounds][]
  /** Columns declared BLOB (translate.ts profileInputs): no JSON or time tests. */
  bytesOnly: string[]
  where: string
  params: bigint[]
}

export type ToProfileThread = ({ type: 'task' } & ProfileTask) | { type: 'close' }

export type FromProfileThread =
  | { type: 'ready' }
  | { type: 'done'; id: number; rows: ProfileRow[] }
  | { type: 'error'; id: number; message: string; code: string | undefined }

/** Tables with fewer rows are profiled by translateSchema itself, in one scan. */
export const PARALLEL_PROFILE_ROWS = 100_000

function entry(): Promise<URL> {
  const here = import.meta.url
  if (here.endsWith('.cjs')) return Promise.resolve(new URL('./profile-worker.cjs', here))
  return bundledThreadEntry(
    new URL('./profile-worker.ts', here),
    new URL('./profile-entry.mjs', here),
  )
}

type Slice = ProfileTask

/** Profiles of the source's large rowid tables, each cut into `threads` slices. */
export async function profileLargeTables(
  file: string,
  db: SqliteDb,
  o: { threads: number; minRows?: number },
): Promise<Map<string, ProfileResult>> {
  const minRows = o.minRows ?? PARALLEL_PROFILE_ROWS
  const slices: Slice[] = []
  const tables = new Map<
    string,
    { cols: string[]; bounds: Parameters<typeof statsFromRows>[1]; rows: number }
  >()
  for (const row of listTables(db)) {
    const info = describeTable(db, row)
    if (info.virtual || info.withoutRowid) continue
    const key = tableKey(db, info)
    if (key.kind !== 'rowid') continue
    const from = fromTable(db, info.name)
    const [n, lo, hi] = db
      .prepare(`SELECT count(*), min(${key.expr}), max(${key.expr}) FROM ${from}`)
      .raw(true)
      .safeIntegers(true)
      .get() as [bigint, bigint | null, bigint | null]
    if (Number(n) < minRows || lo === null || hi === null) continue
    const { cols, bounds, bytesOnly } = profileInputs(info)
    const names = cols.map((c) => c.name)
    tables.set(info.name, { cols: names, bounds, rows: Number(n) })
    const where = `${key.expr} >= ? AND ${key.expr} <= ?`
    // At least one slice per thread, and slices of about half the rows the packed profile can
    // count at once (profile.ts PACK_LIMIT), so that only a very uneven rowid spread needs the
    // wide form.
    const parts = BigInt(Math.max(1, o.threads, Math.ceil(Number(n) / Math.floor(PACK_LIMIT / 2))))
    const span = hi - lo + 1n
    for (let i = 0n; i < parts; i++) {
      const a = lo + (span * i) / parts
      const b = lo + (span * (i + 1n)) / parts - 1n
      if (b >= a)
        slices.push({
          id: slices.length,
          table: info.name,
          columns: names,
          bounds: [...bounds],
          bytesOnly: [...bytesOnly],
          where,
          params: [a, b],
        })
    }
  }
  const out = new Map<string, ProfileResult>()
  if (!slices.length) return out
  const results = await runSlices(file, slices, o.threads)
  for (const [name, t] of tables) {
    let sum: ProfileRow[] | null = null
    for (const s of slices.filter((x) => x.table === name)) {
      const r = results.get(s.id)!
      sum = sum ? addProfileRows(sum, r) : r
    }
    out.set(name, { rows: t.rows, stats: statsFromRows(t.cols, t.bounds, sum!) })
  }
  return out
}

function runSlices(
  file: string,
  slices: Slice[],
  threads: number,
): Promise<Map<number, ProfileRow[]>> {
  return entry().then(
    (url) =>
      new Promise((resolve, reject) => {
        const queue = [...slices]
        const results = new Map<number, ProfileRow[]>()
        let failure: Error | null = null
        let alive = 0
        const next = (w: Worker): void => {
          const s = failure ? undefined : queue.shift()
          w.postMessage(
            s
              ? ({ type: 'task', ...s } satisfies ToProfileThread)
              : ({ type: 'close' } satisfies ToProfileThread),
          )
        }
        const n = Math.max(1, Math.min(threads, slices.length))
        for (let i = 0; i < n; i++) {
          const w = new Worker(url, { workerData: { file } })
          alive++
          w.on('message', (m: FromProfileThread) => {
            if (m.type === 'done') results.set(m.id, m.rows)
            if (m.type === 'error')
              failure ??= Object.assign(new Error(m.message), { code: m.code })
            next(w)
          })
          w.on('error', (err) => (failure ??= err))
          w.once('exit', () => {
            if (--alive > 0) return
            if (failure) reject(failure)
            else resolve(results)
          })
        }
      }),
  )
}
