// The import (p2.validate's first half, and p2.rehearsal in the sandbox): list .claude/, decide
// for every file, collect the secrets to keep out, then import non-critical data first — logs,
// config, context, then state.db — into memory.db. Every source file ends with one outcome.
import { randomUUID } from 'node:crypto'
import { relative } from 'node:path'
import { FerryError } from '../../../shared/contract/envelope'
import { freeBytesAt, isDiskFullCode } from '../fs/disk-full'
import { faultPoint } from '../jobs/faults'
import { throwIfCancelled } from '../jobs/job'
import { osError } from '../inventory/open'
import { walkClaude, type WalkEntry } from '../inventory/walk'
import type { WorkspacePaths } from '../workspace/resolve'
import { importLog } from './import-log'
import { importWhole } from './import-whole'
import { dispose, type Disposition, type Importer, TABLE_OF } from './map'
import { finishMemoryDb, memoryDbPath, openMemoryDb } from './memory-db'
import type { FileOutcome, ImportContext } from './outcome'
import { collectSecrets } from './secret-scan'
import { Scrubber } from './secrets'
import { followRotations, type Rotation } from './rotation'
import { copyStateTables, refuseWrittenSince, type StateTableResult } from './state-copy'
import { openState } from './state-info'

export const DEFAULT_ORDER: readonly Importer[] = ['log', 'config', 'context', 'state-db']
// Rows per committed batch. 4,000 rather than 10,000: the same speed within noise, and the
// batch of parsed rows held in memory is what grows the heap (npm run bench:import measured peak
// RSS of 242 MiB at 10,000 vs 200 MiB at 2,000 on a 200 MiB log).
export const BATCH_ROWS = 4_000

export interface ImportOptions {
  signal: AbortSignal
  /** `rows`: rows written so far by this run (file rows as each batch commits, state.db's after its copy). */
  progress: (done: number, total: number, message: string, rows: number) => void
  log: (level: 'info' | 'warn', message: string) => void
  order?: readonly Importer[]
  batchRows?: number
  now?: () => Date
}

export interface ImportRun {
  runId: string
  memoryDb: string
  firstBuild: boolean
  resumedBuild: boolean
  order: readonly Importer[]
  files: FileOutcome[]
  stateTables: StateTableResult[]
  stateSkipped: { name: string; reason: string }[]
  stateNotes: { name: string; note: string }[]
  /** Logs whose ledger (and rows) followed them to a rotated name this run. */
  rotations: Rotation[]
  secrets: {
    declared: number
    scrubbable: number
    tooShortToScrub: number
    sources: { path: string; secrets: number }[]
  }
  entries: WalkEntry[]
  dispositions: Map<WalkEntry, Disposition>
  outcomes: Map<WalkEntry, FileOutcome>
  /** Holds the secret values in this process only: never put it in evidence. */
  scrub: Scrubber
  rowsAdded: number
  rowsRemoved: number
  bytesRead: number
  importMs: number
}

export function planFiles(entries: WalkEntry[]): { entry: WalkEntry; d: Disposition }[] {
  return entries.map((entry) => ({ entry, d: dispose(entry) }))
}

/** A failure to open or read a source file (reported for that file), not a failure of Ferry's own writes. */
function isReadError(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code
  return (
    code === 'FILE_CHANGED' ||
    (typeof code === 'string' &&
      /^E[A-Z]+$/.test(code) &&
      !(err instanceof Error && err.name === 'SqliteError'))
  )
}

export async function runImport(paths: WorkspacePaths, o: ImportOptions): Promise<ImportRun> {
  const started = performance.now()
  const now = o.now ?? (() => new Date())
  const order = o.order ?? DEFAULT_ORDER
  const entries = walkClaude(paths.root, { signal: o.signal })
  const files = planFiles(entries)
  const stateFile = files.find((f) => f.d.action === 'import' && f.d.importer === 'state-db')
  const state = openState(paths, stateFile !== undefined)
  try {
    const found = await collectSecrets(files, state.src, state.schema)
    const scrub = new Scrubber(found.values)
    const opened = openMemoryDb(paths, state.schema?.encoding)
    const runId = randomUUID()
    const startedAt = now().toISOString()
    const total = files.reduce((s, f) => s + (f.d.action === 'import' ? f.entry.size : 0), 0)
    let done = 0
    let rowsWritten = 0
    let lastTick = 0
    const tick = (message: string, force = false): void => {
      const t = performance.now()
      if (!force && t - lastTick < 200) return
      lastTick = t
      o.progress(Math.min(done, total), total, message, rowsWritten)
    }
    let current = ''
    const ctx: ImportContext = {
      mem: opened.db,
      scrub,
      batchRows: o.batchRows ?? BATCH_ROWS,
      now: () => now().toISOString(),
      bytes: (n) => {
        done += n
        tick(current)
      },
      rows: (n) => {
        rowsWritten += n
      },
      afterBatch: async () => {
        throwIfCancelled(o.signal)
        await faultPoint('import:after-batch', o.signal)
      },
    }
    const outcomes = new Map<WalkEntry, FileOutcome>()
    let stateTables: StateTableResult[] = []
    try {
      // Before anything is written: agents may have made memory.db their live store since.
      if (state.schema) refuseWrittenSince(opened.db, state.schema)
      // Before any log is read: ledgers follow their content to where rotation renamed it.
      const rotations = await followRotations(
        opened.db,
        files.flatMap(({ entry, d }) =>
          d.action === 'import' && d.importer === 'log' ? [{ entry, gz: d.gz }] : [],
        ),
      )
      for (const r of rotations)
        o.log(
          'info',
          `${r.from} was rotated to ${r.to}: its ${r.rows} rows follow it, not imported again`,
        )
      for (const importer of order) {
        for (const { entry, d } of files) {
          if (d.action !== 'import' || d.importer !== importer) continue
          current = `${TABLE_OF[importer]} ← ${entry.path}`
          tick(current, true)
          if (d.importer === 'log' || d.importer === 'context' || d.importer === 'config') {
            try {
              outcomes.set(
                entry,
                d.importer === 'log'
                  ? await importLog(ctx, entry, d.format, d.gz)
                  : await importWhole(ctx, entry, d.importer, d.format),
              )
            } catch (err) {
              if (!isReadError(err)) throw err
              const x = osError(err)
              outcomes.set(entry, {
                path: entry.path,
                ...(entry.pathHex ? { pathHex: entry.pathHex } : {}),
                importer: d.importer,
                status: 'skipped',
                skip: { code: 'read-error', reason: `cannot be read: ${x.code} ${x.message}` },
              })
              o.log('warn', `${entry.path} skipped: ${x.code} ${x.message}`)
            }
          } else if (state.src && state.second && state.schema) {
            const base = done
            stateTables = await copyStateTables(
              { db: state.src, second: state.second },
              opened.db,
              state.schema,
              scrub,
              {
                batchRows: ctx.batchRows,
                now: ctx.now,
                between: async () => {
                  // A real turn of the event loop, so a cancel message from the host gets in.
                  await new Promise((r) => setImmediate(r))
                  await ctx.afterBatch()
                  tick('state.db tables')
                },
              },
            )
            done = base + entry.size
            rowsWritten += stateTables.reduce((s, t) => s + (t.action === 'copied' ? t.rows : 0), 0)
            const rows = stateTables.reduce((s, t) => s + t.rows, 0)
            const copied = stateTables.filter((t) => t.action === 'copied')
            outcomes.set(entry, {
              path: entry.path,
              importer: 'state-db',
              table: 'state.db tables',
              status: 'imported',
              action: copied.length ? (opened.firstBuild ? 'new' : 'replaced') : 'unchanged',
              rows,
              added: copied.reduce((s, t) => s + t.rows, 0),
              removed: 0,
              redactions: stateTables.reduce((s, t) => s + t.redactions, 0),
              error: null,
            })
          } else {
            outcomes.set(entry, {
              path: entry.path,
              importer: 'state-db',
              status: 'skipped',
              skip: {
                code: 'read-error',
                reason: `state.db cannot be read: ${state.error ?? 'unknown error'}`,
              },
            })
          }
        }
      }
      for (const { entry, d } of files) {
        if (d.action === 'skip')
          outcomes.set(entry, {
            path: entry.path,
            ...(entry.pathHex ? { pathHex: entry.pathHex } : {}),
            importer: null,
            status: 'skipped',
            skip: { code: d.code, reason: d.reason },
          })
      }
      const list = files
        .filter((f) => outcomes.has(f.entry))
        .map((f) => outcomes.get(f.entry) as FileOutcome)
      const rowsAdded = list.reduce(
        (s, f) => s + (f.importer === 'state-db' ? 0 : (f.added ?? 0)),
        0,
      )
      const rowsRemoved = list.reduce(
        (s, f) => s + (f.importer === 'state-db' ? 0 : (f.removed ?? 0)),
        0,
      )
      opened.db
        .prepare(
          'INSERT INTO import_runs (run_id, started_at, finished_at, rows_added, rows_removed, summary) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(
          runId,
          startedAt,
          now().toISOString(),
          rowsAdded,
          rowsRemoved,
          JSON.stringify({
            files: list.length,
            imported: list.filter((f) => f.status === 'imported').length,
          }),
        )
      await faultPoint('import:before-finish', o.signal)
      finishMemoryDb(paths, opened)
      done = total
      tick('memory.db ready', true)
      return {
        runId,
        memoryDb: memoryDbPath(paths),
        firstBuild: opened.firstBuild,
        resumedBuild: opened.resumed,
        order,
        files: list,
        stateTables,
        stateSkipped: state.schema?.skipped ?? [],
        stateNotes: state.schema?.notes ?? [],
        rotations,
        secrets: {
          declared: new Set(found.values).size,
          scrubbable: scrub.size,
          tooShortToScrub: scrub.tooShort,
          sources: found.sources,
        },
        entries,
        dispositions: new Map(files.map((f) => [f.entry, f.d])),
        outcomes,
        scrub,
        rowsAdded,
        rowsRemoved,
        bytesRead: done,
        importMs: Math.round(performance.now() - started),
      }
    } catch (err) {
      if (opened.db.open) opened.db.close()
      throw importWriteError(err, paths, opened.file)
    }
  } finally {
    state.close()
  }
}

/**
 * memory.db's writes failing for lack of space: SQLite says SQLITE_FULL (a full disk or a
 * file-size limit alike), plain writes ENOSPC/EDQUOT. Named, with the way out; other errors pass.
 */
function importWriteError(err: unknown, paths: WorkspacePaths, file: string): unknown {
  const code = (err as { code?: unknown })?.code
  if (code !== 'SQLITE_FULL' && !isDiskFullCode(code)) return err
  const name = relative(paths.root, file)
  const free = freeBytesAt(file)
  const why =
    free !== null && free < 1024 * 1024
      ? `the disk holding .claude/ is full (no space left on device, ${String(code)})`
      : `the disk holding .claude/ is full or a file-size limit was hit (${String(code)})`
  return new FerryError(
    'IMPORT_DISK_FULL',
    `Writing ${name} failed: ${why}`,
    'Free space on that disk (or lift the limit), then run the step again: the import resumes from its ledger. state.db and the files in .claude/ were not changed.',
  )
}
