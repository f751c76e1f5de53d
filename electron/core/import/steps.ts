// Phase 2's steps: the inventory, p2.migration-scripts (the import plan, nothing written),
// p2.rehearsal (the whole import in the pre.test-env sandbox) and p2.validate (the real import,
// reconciled, compared with the rehearsal). Full reports go to .ferry/*.json for the screens.
import Database from 'better-sqlite3'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { FerryError } from '../../../shared/contract/envelope'
import { writeFileAtomic } from '../fs/atomic'
import type { JobContext } from '../jobs/job'
import { buildInventory, type Inventory } from '../inventory/inventory'
import { ensureFerryDir, workspacePaths, type WorkspacePaths } from '../workspace/resolve'
import { importEvidence, importPlanEvidence } from './evidence'
import { BUILDING_NAME, memoryDbPath } from './memory-db'
import { reconcile, type Reconciliation } from './reconcile'
import { compareWithRehearsal, type RehearsalRecord, rehearsalRecord } from './rehearsal'
import { runImport, type ImportRun } from './run'
import { openState } from './state-info'

export const INVENTORY_FILE = 'inventory.json'
export const VALIDATE_FILE = 'validate.json'
export const REHEARSAL_FILE = 'rehearsal.json'

function writeReport(paths: WorkspacePaths, name: string, value: unknown): void {
  ensureFerryDir(paths)
  writeFileAtomic(join(paths.ferryDir, name), JSON.stringify(value, null, 2) + '\n')
}

export async function inventoryJob(paths: WorkspacePaths, ctx: JobContext): Promise<Inventory> {
  const inv = await buildInventory(paths, {
    signal: ctx.signal,
    progress: (d, t, m) => ctx.progress(d, t, 'bytes', m),
  })
  writeReport(paths, INVENTORY_FILE, inv)
  return inv
}

export async function migrationScriptsStep(
  paths: WorkspacePaths,
  ctx: JobContext,
): Promise<Record<string, unknown>> {
  const inv = await inventoryJob(paths, ctx)
  ctx.log(
    'info',
    `Import plan: ${inv.totals.toImport} files to import, ${inv.totals.toSkip} to skip (dry run, nothing written)`,
  )
  return importPlanEvidence(inv, existsSync(memoryDbPath(paths)))
}

interface Checked {
  run: ImportRun
  rec: Reconciliation
  reconcileMs: number
  fileHashes: Map<string, string>
}

async function importAndReconcile(paths: WorkspacePaths, ctx: JobContext): Promise<Checked> {
  const run = await runImport(paths, {
    signal: ctx.signal,
    // Bytes drive the bar and the ETA; rows ride along (the runner adds rows/s) for the chart.
    progress: (d, t, m, rows) => ctx.progress(d, t, 'bytes', m, { rows }),
    log: (level, m) => ctx.log(level, m),
  })
  ctx.log(
    'info',
    `Imported into ${run.memoryDb}: ${run.rowsAdded} rows added, ${run.rowsRemoved} replaced; reconciling`,
  )
  const started = performance.now()
  const mem = new Database(run.memoryDb, { readonly: true, fileMustExist: true })
  const memSecond = new Database(run.memoryDb, { readonly: true, fileMustExist: true })
  const state = openState(
    paths,
    run.files.some((f) => f.importer === 'state-db' && f.status === 'imported'),
  )
  try {
    const files = [...run.dispositions].map(([entry, d]) => ({
      entry,
      d,
      outcome: run.outcomes.get(entry),
    }))
    let n = 0
    const rec = await reconcile({
      mem,
      memSecond,
      src: state.src,
      srcSecond: state.second,
      schema: state.schema,
      scrub: run.scrub,
      files,
      signal: ctx.signal,
      onFile: (p) => ctx.progress(++n, run.outcomes.size, 'files', `Checking ${p}`),
    })
    const fileHashes = new Map(
      (
        mem.prepare('SELECT path_hex AS k, hex(file_sha256) AS v FROM import_files').all() as {
          k: string
          v: string
        }[]
      ).map((r) => [r.k, r.v.toLowerCase()]),
    )
    return { run, rec, reconcileMs: Math.round(performance.now() - started), fileHashes }
  } finally {
    state.close()
    mem.close()
    memSecond.close()
  }
}

function fail(
  rec: { differences: { path?: string; table?: string; what: string }[] },
  what: string,
): never {
  const first = rec.differences
    .slice(0, 3)
    .map((d) => `${d.path ?? d.table ?? 'memory.db'}: ${d.what}`)
  throw new FerryError(
    'VALIDATION_FAILED',
    `${what}: ${rec.differences.length} difference(s) — ${first.join('; ')}${rec.differences.length > 3 ? ' …' : ''}`,
    'The full list is in .ferry/validate.json. A source that changed while importing is read again on the next run; anything else is a bug to report.',
    JSON.stringify(rec.differences.slice(0, 200)),
  )
}

export async function validateStep(
  paths: WorkspacePaths,
  ctx: JobContext,
): Promise<Record<string, unknown>> {
  const c = await importAndReconcile(paths, ctx)
  const evidence = importEvidence(c.run, c.rec, c.reconcileMs, '.')
  const rehearsalFile = join(paths.ferryDir, REHEARSAL_FILE)
  const rehearsal = existsSync(rehearsalFile)
    ? compareWithRehearsal(
        JSON.parse(readFileSync(rehearsalFile, 'utf8')) as RehearsalRecord,
        c.run,
        c.fileHashes,
      )
    : null
  const differences = [...c.rec.differences, ...(rehearsal?.differences ?? [])]
  const out = {
    ...evidence,
    ok: differences.length === 0,
    differences,
    rehearsal: rehearsal ?? {
      compared: false,
      note: 'No rehearsal yet (p2.rehearsal): nothing to compare with.',
    },
  }
  writeReport(paths, VALIDATE_FILE, out)
  if (differences.length) fail({ differences }, 'memory.db does not reconcile with its sources')
  return out
}

export async function rehearsalStep(
  paths: WorkspacePaths,
  ctx: JobContext,
): Promise<Record<string, unknown>> {
  const root = join(paths.ferryDir, 'sandbox')
  if (!existsSync(join(root, '.claude'))) {
    throw new FerryError(
      'NO_SANDBOX',
      'There is no rehearsal sandbox in .ferry/sandbox/',
      'Run "Create migration test environment" (pre.test-env) first.',
    )
  }
  const sandbox = workspacePaths(root)
  // A rehearsal measures the whole import, so it starts without the sandbox's previous memory.db.
  for (const name of [
    'memory.db',
    'memory.db-wal',
    'memory.db-shm',
    'memory.db-journal',
    BUILDING_NAME,
    `${BUILDING_NAME}-wal`,
    `${BUILDING_NAME}-shm`,
    `${BUILDING_NAME}-journal`,
  ])
    rmSync(join(sandbox.claudeDir, name), { force: true })
  const c = await importAndReconcile(sandbox, ctx)
  let backupId: string | null = null
  try {
    backupId =
      (JSON.parse(readFileSync(join(root, 'sandbox.json'), 'utf8')) as { backupId?: string })
        .backupId ?? null
  } catch {
    /* an older sandbox without its note: the rehearsal still stands */
  }
  const record = rehearsalRecord(c.run, c.rec, c.fileHashes, c.reconcileMs, backupId)
  writeReport(paths, REHEARSAL_FILE, record)
  const evidence = importEvidence(c.run, c.rec, c.reconcileMs, '.ferry/sandbox')
  if (!c.rec.ok) fail(c.rec, 'The rehearsal import does not reconcile')
  return {
    ...evidence,
    sandbox: '.ferry/sandbox',
    backupId,
    rehearsalFile: `.ferry/${REHEARSAL_FILE}`,
  }
}
