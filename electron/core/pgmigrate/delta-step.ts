// p3.migrate run again after its load completed: the agents kept writing to memory.db, so the
// re-run is a delta sync (delta.ts) followed by a full validation that re-reads every SQLite row —
// not a resume of the bulk load, which would append new rows only and miss updated ones.
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { FerryError } from '../../../shared/contract/envelope'
import { writeFileAtomic } from '../fs/atomic'
import type { JobContext } from '../jobs/job'
import type { WorkspacePaths } from '../workspace/resolve'
import { connect, createPool } from './connect'
import { FERRY_TABLES } from '../import/memory-db'
import { deltaProgressMessage, deltaSync } from './delta'
import { readRun } from './run-state'
import { validateSqliteRun } from './validate-run'

export const DELTA_REPORT = path.join('.ferry', 'p3-delta.json')

async function loadComplete(url: string, schema: string): Promise<boolean> {
  const pool = createPool(url, { max: 1 })
  try {
    const c = await connect(pool, url)
    try {
      const run = await readRun(c, schema)
      return !!run?.loadedAt && !!run.constraintsAt
    } finally {
      c.release()
    }
  } finally {
    await pool.end().catch(() => undefined)
  }
}

/** The delta run's evidence, or null when the bulk load has not completed (the caller runs it). */
export async function deltaStepIfLoaded(
  paths: WorkspacePaths,
  file: string,
  url: string,
  schema: string,
  ctx: JobContext,
): Promise<Record<string, unknown> | null> {
  if (!(await loadComplete(url, schema))) return null
  ctx.log(
    'info',
    `The load into "${schema}" is complete: copying only what changed since (delta sync)`,
  )
  const delta = await deltaSync({
    file,
    url,
    schema,
    dryRun: false,
    applyDeletes: false,
    // Phase 2 replaces a changed file's rows in these: their deletes are part of the sync.
    alwaysDelete: FERRY_TABLES,
    signal: ctx.signal,
    log: (level, message) => ctx.log(level, message),
    onProgress: (p) => ctx.progress(p.done, p.total, 'tables', deltaProgressMessage(p)),
  })
  const v = await validateSqliteRun({
    file,
    url,
    schema,
    workers: 2,
    signal: ctx.signal,
    onProgress: (p) => ctx.progress(p.done, p.total, 'rows', `validating ${p.table}`),
  })
  mkdirSync(paths.ferryDir, { recursive: true })
  writeFileAtomic(
    path.join(paths.root, DELTA_REPORT),
    JSON.stringify({ delta, validation: v.validation }, null, 2) + '\n',
  )
  if (!v.validation.equal)
    throw new FerryError(
      'VALIDATION_FAILED',
      `After the delta sync, ${v.validation.differentTables.join(', ')} still differ(s) from ${path.relative(paths.root, file)}${v.validation.sourceChanged ? ', which another program wrote to while it was validated' : ''}`,
      `${v.validation.sourceChanged ? 'Run the step again to copy the newer changes; for a final equal validation, stop the programs writing to it first. ' : ''}See ${DELTA_REPORT}: tables marked "full recopy needed" cannot carry changes; rows deleted in SQLite are kept unless "ferry migrate-sqlite … --delta --delta-deletes" is run.`,
    )
  return {
    mode: 'delta',
    source: path.relative(paths.root, file),
    schema,
    run: delta.run,
    // The step continued from the ledger of the earlier load (as a resumed bulk load does).
    resumed: true,
    deltaResumed: delta.resumed,
    copied: delta.copied,
    // The same per-table fields as a bulk load's evidence (equal, targetRows …), plus the delta's.
    tables: delta.tables.map((t) => {
      const tv = v.validation.tables.find((x) => x.table === t.table)
      return {
        table: t.table,
        target: t.target,
        sourceRows: tv?.sourceRows ?? null,
        targetRows: tv?.targetRows ?? null,
        equal: tv?.equal ?? null,
        timeColumn: t.timeColumn,
        deltaStatus: t.status,
        newRows: t.newRows,
        changedRows: t.changedApplied,
        deletedInSource: t.deleted.count,
      }
    }),
    lag: delta.lag,
    validation: { equal: true, differentTables: [], tables: v.validation.tables.length },
    report: DELTA_REPORT,
  }
}
