// `ferry demo-workspace`: a realistic, seed-deterministic agent workspace for trying every phase
// without real data. Everything is generated in a hidden sibling folder and moved into place at
// the end, so a cancelled or failed run never leaves a half-built workspace behind.
import { mkdir, mkdtemp, readdir, rename, rm, rmdir, stat } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { FerryError } from '../../../../shared/contract/envelope'
import { throwIfCancelled } from './cancel'
import { configFiles } from './config-files'
import { contextFiles } from './context-files'
import { buildCoreData } from './core'
import { createEventStream } from './events'
import { writeEntries } from './files'
import { createRng } from './rng'
import { DEMO_TABLES } from './schema'
import { closeStateDb, countRows, insertRows, openStateDb } from './state-db'
import type { CoreTable } from './types'
import { LOG_FILES, writeEvents } from './write-events'

export { DEMO_FOREIGN_KEYS, DEMO_TABLES } from './schema'
export { cancelledError } from './cancel'

export interface DemoOptions {
  /** Rows in the events table; the log files carry about as many lines. Default 10,000. */
  events?: number
  /** Same seed and events ⇒ the same rows and byte-identical files. Default 42. */
  seed?: number
  onProgress?: (done: number, total: number, message: string) => void
  signal?: AbortSignal
}

export interface DemoSummary {
  root: string
  stateDb: string
  /** Row counts of all 13 tables, read back with SELECT count(*). */
  tables: Record<string, number>
  files: { context: number; logs: number; config: number }
  events: number
  seed: number
  elapsedMs: number
}

const DEFAULT_EVENTS = 10_000
const DEFAULT_SEED = 42

function checkOptions(opts: DemoOptions): { events: number; seed: number } {
  const events = opts.events ?? DEFAULT_EVENTS
  const seed = opts.seed ?? DEFAULT_SEED
  if (!Number.isSafeInteger(events) || events < 0) {
    throw new Error(`events must be a whole number of 0 or more (got ${events}).`)
  }
  if (!Number.isSafeInteger(seed)) throw new Error(`seed must be a whole number (got ${seed}).`)
  return { events, seed }
}

async function checkTarget(root: string): Promise<void> {
  let existed = true
  try {
    const info = await stat(root)
    if (!info.isDirectory()) {
      throw new FerryError(
        'DEMO_NOT_A_FOLDER',
        `${root} exists and is not a folder.`,
        'Choose a new folder for the demo workspace.',
      )
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    existed = false
  }
  if (existed && (await readdir(root)).length > 0) {
    // A FerryError so the refusal keeps a stable code across the worker boundary (not INTERNAL).
    throw new FerryError(
      'DEMO_NOT_EMPTY',
      `${root} is not empty. The demo workspace is only created in a new or empty folder.`,
      'Choose another path or empty this one first.',
    )
  }
}

async function generate(
  staging: string,
  events: number,
  seed: number,
  opts: DemoOptions,
): Promise<{ tables: Record<string, number>; context: number; config: number; total: number }> {
  const { signal } = opts
  const core = buildCoreData(seed)
  const context = contextFiles(seed, core)
  const config = configFiles(seed, core)
  const coreTables = DEMO_TABLES.filter((table): table is CoreTable => table !== 'events')
  const coreRows = coreTables.reduce((sum, table) => sum + core.rows[table].length, 0)
  const total = coreRows + events + context.length + config.length
  let done = 0
  const report = (message: string) => opts.onProgress?.(done, total, message)
  report('Planning agents, tasks and sessions')

  const claude = join(staging, '.claude')
  const logs = join(claude, 'logs')
  await mkdir(logs, { recursive: true })
  const db = openStateDb(join(claude, 'state.db'))
  let tables: Record<string, number>
  try {
    for (const table of coreTables) {
      throwIfCancelled(signal)
      insertRows(db, table, core.rows[table])
      done += core.rows[table].length
      report(`state.db: ${core.rows[table].length} rows in ${table}`)
    }
    const base = done
    await writeEvents(db, logs, {
      total: events,
      next: createEventStream(seed, core, events),
      rng: createRng(seed, 'log-routing'),
      signal,
      onBatch: (written) => {
        done = base + written
        report(`Events: ${written.toLocaleString('en-US')} of ${events.toLocaleString('en-US')}`)
      },
    })
    tables = countRows(db)
  } finally {
    closeStateDb(db)
  }
  await writeEntries(staging, context, signal, () => done++)
  report(`Context: ${context.length} files`)
  await writeEntries(staging, config, signal, () => done++)
  report(`Config: ${config.length} files`)
  return { tables, context: context.length, config: config.length, total }
}

export async function createDemoWorkspace(
  dir: string,
  opts: DemoOptions = {},
): Promise<DemoSummary> {
  const startedAt = performance.now()
  const { events, seed } = checkOptions(opts)
  const root = resolve(dir)
  await checkTarget(root)
  const parent = dirname(root)
  await mkdir(parent, { recursive: true })
  const staging = await mkdtemp(join(parent, `.${basename(root)}.ferry-demo-`))
  let createdRoot = false
  try {
    const result = await generate(staging, events, seed, opts)
    // Re-checked at the last moment: someone may have written into the folder meanwhile.
    await checkTarget(root)
    createdRoot = (await mkdir(root, { recursive: true })) !== undefined
    await rename(join(staging, '.claude'), join(root, '.claude'))
    await rm(staging, { recursive: true, force: true })
    opts.onProgress?.(result.total, result.total, 'Demo workspace ready')
    return {
      root,
      stateDb: join(root, '.claude', 'state.db'),
      tables: result.tables,
      files: {
        context: result.context,
        logs: Object.keys(LOG_FILES).length,
        config: result.config,
      },
      events,
      seed,
      elapsedMs: Math.round(performance.now() - startedAt),
    }
  } catch (error) {
    await rm(staging, { recursive: true, force: true })
    if (createdRoot) await rmdir(root).catch(() => undefined)
    throw error
  }
}
