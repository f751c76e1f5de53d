// The JSON the journal keeps for Phase 2 (and the Inventory screen reads): self-describing arrays
// of objects, numbers as numbers, paths relative to the workspace. Per-file lists are capped in
// the journal; the full lists are in .ferry/inventory.json and .ferry/validate.json.
import type { Inventory, InventoryEntry } from '../inventory/inventory'
import type { Reconciliation } from './reconcile'
import type { ImportRun } from './run'

export const MAX_FILES_IN_EVIDENCE = 2000

export interface PlanFile {
  path: string
  pathHex?: string
  folder: string
  type: string
  kind: string | null
  format?: string
  size: number
  action: 'import' | 'skip'
  importer?: string
  table?: string
  planTarget?: string
  expectedRows?: number | null
  lines?: number | null
  parseErrors?: number
  problems?: { line: number | null; message: string }[]
  encoding?: string
  secrets?: number | null
  readError?: string | null
  skipCode?: string
  skipReason?: string
}

export function planFile(e: InventoryEntry): PlanFile | null {
  if (e.plan.action === 'none') return null
  const base = {
    path: e.path,
    ...(e.pathHex ? { pathHex: e.pathHex } : {}),
    folder: e.top,
    type: e.type,
    kind: e.kind,
    ...(e.format ? { format: e.format } : {}),
    size: e.size,
  }
  const facts = {
    lines: e.lines ?? null,
    parseErrors: e.parseErrors ?? 0,
    problems: e.problems ?? [],
    encoding: e.encoding ?? 'n/a',
    ...(e.secrets != null ? { secrets: e.secrets } : {}),
    readError: e.readError ? `${e.readError.code}: ${e.readError.message}` : null,
  }
  if (e.plan.action === 'skip')
    return { ...base, action: 'skip', skipCode: e.plan.code, skipReason: e.plan.reason, ...facts }
  return {
    ...base,
    action: 'import',
    importer: e.plan.importer,
    table: e.plan.table,
    planTarget: e.plan.planTarget,
    expectedRows: e.plan.expectedRows,
    ...facts,
  }
}

/** p2.migration-scripts: the import plan, as a dry run over the inventory (nothing written). */
export function importPlanEvidence(
  inv: Inventory,
  memoryDbExists: boolean,
): Record<string, unknown> {
  const files = inv.entries.map(planFile).filter((f): f is PlanFile => f !== null)
  return {
    // First, so one-line summaries (ferry run, ferry status) show them.
    filesToImport: inv.totals.toImport,
    filesToSkip: inv.totals.toSkip,
    expectedRows: Object.values(inv.totals.expectedRows).reduce((n, r) => n + r, 0),
    dryRun: true,
    generatedAt: inv.generatedAt,
    totals: inv.totals,
    byFolder: inv.byFolder,
    byKind: inv.byKind,
    largest: inv.largest,
    problems: inv.problems,
    skipsByReason: inv.skipsByReason,
    order: [
      'logs → file_events',
      'config → file_configurations',
      'context → file_context_sessions',
      'state.db → its own tables',
    ],
    stateDb: inv.stateDb,
    secrets: inv.secrets,
    memoryDb: { path: '.claude/memory.db', exists: memoryDbExists },
    files: files.slice(0, MAX_FILES_IN_EVIDENCE),
    filesTruncated: Math.max(0, files.length - MAX_FILES_IN_EVIDENCE),
    inventoryFile: '.ferry/inventory.json',
  }
}

export interface ValidateFile {
  path: string
  pathHex?: string
  importer: string | null
  table: string | null
  status: 'imported' | 'skipped'
  action: string | null
  rows: number
  added: number
  removed: number
  parseErrors: number
  redactions: number
  secrets: number
  error: string | null
  skipCode: string | null
  skipReason: string | null
  expectedRows: number | null
  writtenRows: number | null
  hashesMatch: boolean | null
}

/** The import and its reconciliation, as p2.validate (and p2.rehearsal) record them. */
export function importEvidence(
  run: ImportRun,
  rec: Reconciliation,
  reconcileMs: number,
  workspaceLabel: string,
): Record<string, unknown> {
  const checks = new Map(rec.files.map((c) => [c.path, c]))
  const files: ValidateFile[] = run.files.map((f) => {
    const c = checks.get(f.path)
    return {
      path: f.path,
      ...(f.pathHex ? { pathHex: f.pathHex } : {}),
      importer: f.importer,
      table: f.table ?? null,
      status: f.status,
      action: f.action ?? null,
      rows: f.rows ?? 0,
      added: f.added ?? 0,
      removed: f.removed ?? 0,
      parseErrors: f.parseErrors ?? 0,
      redactions: f.redactions ?? 0,
      secrets: f.secrets ?? 0,
      error: f.error ?? null,
      skipCode: f.skip?.code ?? null,
      skipReason: f.skip?.reason ?? null,
      expectedRows:
        c?.expectedRows ??
        (f.importer === 'state-db'
          ? rec.stateTables.reduce((n, t) => n + t.expectedRows, 0)
          : null),
      writtenRows:
        c?.writtenRows ??
        (f.importer === 'state-db' ? rec.stateTables.reduce((n, t) => n + t.writtenRows, 0) : null),
      hashesMatch:
        c?.hashesMatch ??
        (f.importer === 'state-db' ? rec.stateTables.every((t) => t.digestMatch) : null),
    }
  })
  const rowsByTable: Record<string, number> = {}
  for (const f of files)
    if (f.table && f.importer !== 'state-db')
      rowsByTable[f.table] = (rowsByTable[f.table] ?? 0) + f.rows
  rowsByTable['state.db tables'] = run.stateTables.reduce((n, t) => n + t.rows, 0)
  const seconds = run.importMs / 1000
  const mb = run.bytesRead / 1e6
  return {
    // First, so one-line summaries (ferry run, ferry status) show them.
    filesImported: rec.totals.imported,
    filesSkipped: rec.totals.skipped,
    rows: Object.values(rowsByTable).reduce((n, r) => n + r, 0),
    workspace: workspaceLabel,
    memoryDb: '.claude/memory.db',
    runId: run.runId,
    firstBuild: run.firstBuild,
    resumedBuild: run.resumedBuild,
    order: run.order,
    ok: rec.ok,
    totals: {
      ...rec.totals,
      rowsAdded: run.rowsAdded,
      rowsRemoved: run.rowsRemoved,
      rowsByTable,
      parseErrorRows: files.reduce((n, f) => n + f.parseErrors, 0),
      redactions: files.reduce((n, f) => n + f.redactions, 0),
      secretsStoredRedacted: files.reduce((n, f) => n + f.secrets, 0),
      filesWithErrors: files.filter((f) => f.error).length,
    },
    differences: rec.differences,
    files: files.slice(0, MAX_FILES_IN_EVIDENCE),
    filesTruncated: Math.max(0, files.length - MAX_FILES_IN_EVIDENCE),
    stateTables: run.stateTables.map((t) => {
      const c = rec.stateTables.find((x) => x.table === t.table)
      return {
        table: t.table,
        rows: t.rows,
        action: t.action,
        redactions: t.redactions,
        expectedRows: c?.expectedRows ?? null,
        writtenRows: c?.writtenRows ?? null,
        digestMatch: c?.digestMatch ?? null,
      }
    }),
    stateSkipped: run.stateSkipped,
    stateNotes: run.stateNotes,
    integrityCheck: rec.integrityCheck.join('; '),
    foreignKeys: rec.foreignKeys,
    sourcesGone: rec.sourcesGone,
    rotations: run.rotations,
    secrets: run.secrets,
    timings: {
      importMs: run.importMs,
      reconcileMs,
      bytesRead: run.bytesRead,
      mbPerSecond: seconds > 0 ? Math.round((mb / seconds) * 10) / 10 : null,
      rowsPerSecond: seconds > 0 ? Math.round(run.rowsAdded / seconds) : null,
    },
  }
}
