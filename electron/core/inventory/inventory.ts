// The plan's "Current Data Assessment" as data: every entry under .claude/ with what it is, how
// big, how many lines and records, whether it parses and is valid UTF-8, and what the import will
// do with it (target table and expected rows, or the reason to skip it); totals per folder and per
// kind; the largest files; the hostile entries. `ferry inventory` prints it, p2.migration-scripts
// records it as the import plan.
import type { WorkspacePaths } from '../workspace/resolve'
import { throwIfCancelled } from '../jobs/job'
import { collectSecrets } from '../import/secret-scan'
import { dispose, type Disposition, PLAN_TARGET_OF, TABLE_OF } from '../import/map'
import { Scrubber } from '../import/secrets'
import { openState, stateTableCounts } from '../import/state-info'
import { type FileScan, scanFile } from './scan'
import { walkClaude, type WalkEntry } from './walk'
import { summarise, type InventorySummary } from './summary'

export interface InventoryEntry extends Partial<FileScan> {
  path: string
  pathHex?: string
  top: string
  type: WalkEntry['type']
  class: WalkEntry['class']
  kind: string | null
  format?: string
  size: number
  modifiedAt: string | null
  symlink?: WalkEntry['symlink']
  special?: WalkEntry['special']
  error?: WalkEntry['error']
  plan:
    | {
        action: 'import'
        importer: string
        table: string
        planTarget: string
        expectedRows: number | null
      }
    | { action: 'skip'; code: string; reason: string }
    | { action: 'none'; reason: string }
}

export interface Inventory extends InventorySummary {
  workspace: string
  generatedAt: string
  entries: InventoryEntry[]
  stateDb: {
    tables: { name: string; rows: number }[]
    skipped: { name: string; reason: string }[]
    error: string | null
  } | null
  secrets: { declared: number; sources: { path: string; secrets: number }[] }
}

export interface InventoryOptions {
  signal: AbortSignal
  progress?: (done: number, total: number, message: string) => void
  now?: () => Date
}

function planOf(
  e: WalkEntry,
  d: Disposition,
  s: FileScan | null,
  stateRows: number | null,
): InventoryEntry['plan'] {
  if (d.action === 'none')
    return {
      action: 'none',
      reason: e.class === 'ferry-output' ? 'written by Ferry (not source data)' : 'a folder',
    }
  if (d.action === 'skip') return { action: 'skip', code: d.code, reason: d.reason }
  if (s?.skip) return { action: 'skip', code: s.skip.code, reason: s.skip.reason }
  if (s?.readError && s.records === null)
    return {
      action: 'skip',
      code: 'read-error',
      reason: `cannot be read: ${s.readError.code} ${s.readError.message}`,
    }
  return {
    action: 'import',
    importer: d.importer,
    table: TABLE_OF[d.importer],
    planTarget: PLAN_TARGET_OF[d.importer],
    expectedRows: d.importer === 'state-db' ? stateRows : (s?.expectedRows ?? null),
  }
}

export async function buildInventory(
  paths: WorkspacePaths,
  o: InventoryOptions,
): Promise<Inventory> {
  const now = o.now ?? (() => new Date())
  const entries = walkClaude(paths.root, { signal: o.signal })
  const files = entries.map((entry) => ({ entry, d: dispose(entry) }))
  const state = openState(
    paths,
    files.some((f) => f.d.action === 'import' && f.d.importer === 'state-db'),
  )
  try {
    const found = await collectSecrets(files, state.src, state.schema)
    const scrub = new Scrubber(found.values)
    const tables = state.src && state.schema ? stateTableCounts(state.src, state.schema) : []
    const stateRows = tables.reduce((n, t) => n + t.rows, 0)
    const total = files.reduce((n, f) => n + (f.entry.type === 'file' ? f.entry.size : 0), 0)
    let done = 0
    const out: InventoryEntry[] = []
    for (const { entry: e, d } of files) {
      throwIfCancelled(o.signal)
      o.progress?.(done, total, `Reading ${e.path}`)
      const s = e.type === 'file' ? await scanFile(e, d, scrub) : null
      if (e.type === 'file') done += e.size
      out.push({
        path: e.path,
        ...(e.pathHex ? { pathHex: e.pathHex } : {}),
        top: e.top,
        type: e.type,
        class: e.class,
        kind: e.kind ?? null,
        ...(e.format ? { format: e.format } : {}),
        size: e.size,
        modifiedAt: e.mtimeMs ? new Date(e.mtimeMs).toISOString() : null,
        ...(e.symlink ? { symlink: e.symlink } : {}),
        ...(e.special ? { special: e.special } : {}),
        ...(e.error ? { error: e.error } : {}),
        ...(s ?? {}),
        plan: planOf(e, d, s, stateRows),
      })
    }
    o.progress?.(total, total, 'Inventory done')
    return {
      workspace: paths.root,
      generatedAt: now().toISOString(),
      ...summarise(out),
      entries: out,
      stateDb:
        state.src || state.error
          ? { tables, skipped: state.schema?.skipped ?? [], error: state.error }
          : null,
      secrets: { declared: new Set(found.values).size, sources: found.sources },
    }
  } finally {
    state.close()
  }
}
