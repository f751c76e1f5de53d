// The Inventory screen's model, from inventory.get (.ferry/inventory.json, written by
// electron/core/inventory/inventory.ts): read defensively, since the file is on disk and may be
// older or newer than this renderer. Pure functions: sorting, filtering and totals are tested.
import { formatBytes, formatCount, formatNumber } from '../format/numbers'

/** The step that takes the inventory (it writes .ferry/inventory.json). */
export const INVENTORY_STEP = 'p2.migration-scripts'

export type PlanView =
  | { action: 'import'; target: string; table: string; expectedRows: number | null }
  | { action: 'skip'; code: string; reason: string }
  | { action: 'none'; reason: string }

export interface InventoryEntryView {
  /** Exactly as the inventory gives it (escaped when the name is not valid UTF-8). */
  path: string
  pathHex: string | null
  type: string
  kind: string
  size: number
  records: number | null
  parse: string
  parseErrors: number
  /** "line 432: invalid JSON …" */
  firstProblem: string | null
  /** Secret-looking values found in the file (a count, never the values). */
  secrets: number
  plan: PlanView
  /** Why the entry is hostile or damaged (▲); empty when it is not. */
  hazards: string[]
}

export interface FolderTotal {
  folder: string
  files: number
  bytes: number
}

export interface KindTotal {
  kind: string
  files: number
  bytes: number
  lines: number
}

export interface InventoryModel {
  generatedAt: string | null
  totals: {
    sourceFiles: number
    sourceBytes: number
    folders: number
    ferryOutputs: number
    toImport: number
    toSkip: number
    expectedRows: { table: string; rows: number }[]
  }
  secretsFound: number
  secretFiles: number
  byFolder: FolderTotal[]
  byKind: KindTotal[]
  largest: { path: string; size: number; kind: string }[]
  entries: InventoryEntryView[]
}

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null)
const objs = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : [])

function planOf(v: unknown): PlanView {
  if (!isObj(v)) return { action: 'none', reason: 'no plan recorded' }
  if (v.action === 'import')
    return {
      action: 'import',
      target: str(v.planTarget) ?? str(v.table) ?? '?',
      table: str(v.table) ?? '?',
      expectedRows: num(v.expectedRows),
    }
  if (v.action === 'skip')
    return { action: 'skip', code: str(v.code) ?? '', reason: str(v.reason) ?? 'no reason given' }
  return { action: 'none', reason: str(v.reason) ?? '' }
}

/** What makes an entry hostile or damaged: the reasons shown next to ▲. */
export function hazardsOf(e: Obj): string[] {
  const out: string[] = []
  const link = isObj(e.symlink) ? e.symlink : null
  if (link && link.resolves !== 'inside-workspace') {
    const where =
      link.resolves === 'outside-workspace' ? 'points outside the workspace' : String(link.resolves)
    out.push(`symbolic link ${where} (→ ${str(link.target) ?? '?'}); not followed`)
  }
  if (e.type === 'special' || e.special) out.push(`special file (${str(e.special) ?? 'device'})`)
  if (e.type === 'unreadable') out.push('cannot be read')
  if (e.type === 'too-deep') out.push('nested too deep')
  if (typeof e.pathHex === 'string') out.push(nameHazard(e.pathHex))
  if (e.encoding === 'invalid') {
    const at = isObj(e.encodingError) ? num(e.encodingError.line) : null
    out.push(`invalid UTF-8${at === null ? '' : ` at line ${formatNumber(at)}`}`)
  }
  const readError = isObj(e.readError) ? e.readError : isObj(e.error) ? e.error : null
  if (readError)
    out.push(`read error: ${str(readError.code) ?? ''} ${str(readError.message) ?? ''}`.trim())
  return out
}

function entryOf(e: Obj): InventoryEntryView {
  const first = objs(e.problems)[0]
  const line = first ? num(first.line) : null
  return {
    path: str(e.path) ?? '?',
    pathHex: str(e.pathHex),
    type: str(e.type) ?? 'file',
    kind: str(e.kind) ?? (e.type === 'file' ? 'other' : (str(e.type) ?? 'other')),
    size: num(e.size) ?? 0,
    records: num(e.records),
    parse: str(e.parse) ?? 'n/a',
    parseErrors: num(e.parseErrors) ?? 0,
    firstProblem: first
      ? `${line === null ? '' : `line ${formatNumber(line)}: `}${str(first.message) ?? ''}`
      : null,
    secrets: num(e.secrets) ?? 0,
    plan: planOf(e.plan),
    hazards: hazardsOf(e),
  }
}

/** The inventory document as the screen shows it; null when there is none (or it is not one). */
export function inventoryModel(doc: Record<string, unknown> | null): InventoryModel | null {
  if (!doc || !Array.isArray(doc.entries)) return null
  const t = isObj(doc.totals) ? doc.totals : {}
  const expected = isObj(t.expectedRows) ? t.expectedRows : {}
  const secrets = isObj(doc.secrets) ? doc.secrets : {}
  return {
    generatedAt: str(doc.generatedAt),
    totals: {
      sourceFiles: num(t.sourceFiles) ?? 0,
      sourceBytes: num(t.sourceBytes) ?? 0,
      folders: num(t.folders) ?? 0,
      ferryOutputs: num(t.ferryOutputs) ?? 0,
      toImport: num(t.toImport) ?? 0,
      toSkip: num(t.toSkip) ?? 0,
      expectedRows: Object.entries(expected)
        .map(([table, rows]) => ({ table, rows: num(rows) ?? 0 }))
        .sort((a, b) => b.rows - a.rows),
    },
    secretsFound: num(secrets.declared) ?? 0,
    secretFiles: objs(secrets.sources).length,
    byFolder: objs(doc.byFolder).map((f) => ({
      folder: str(f.folder) ?? '?',
      files: num(f.files) ?? 0,
      bytes: num(f.bytes) ?? 0,
    })),
    byKind: objs(doc.byKind).map((k) => ({
      kind: str(k.kind) ?? '?',
      files: num(k.files) ?? 0,
      bytes: num(k.bytes) ?? 0,
      lines: num(k.lines) ?? 0,
    })),
    largest: objs(doc.largest).map((l) => ({
      path: str(l.path) ?? '?',
      size: num(l.size) ?? 0,
      kind: str(l.kind) ?? 'other',
    })),
    // Folders are counted in the totals; the table lists what is in them.
    entries: objs(doc.entries)
      .filter((e) => e.type !== 'dir')
      .map(entryOf),
  }
}

export interface Fact {
  key: string
  label: string
  text: string
}

/** The headline numbers: files, size, to import, to skip, secrets found (a count only). */
export function inventoryFacts(m: InventoryModel): Fact[] {
  const hazards = m.entries.filter((e) => e.hazards.length > 0).length
  // Files that parse only in part (a truncated last line) or not at all: the CLI's "file(s) with
  // parse problems"; headline-worthy, since their bad lines or whole contents are not imported.
  const unparsed = m.entries.filter((e) => e.parse === 'errors' || e.parse === 'failed').length
  // Secrets in files the import skips stay where they are (never read into a table): counted
  // apart, so the total matches the badges in the list.
  const skipped = m.entries.filter((e) => e.plan.action !== 'import' && e.secrets > 0)
  const skippedSecrets = skipped.reduce((n, e) => n + e.secrets, 0)
  const secretParts = [
    m.secretsFound === 0
      ? null
      : `${formatNumber(m.secretsFound)} in ${formatCount(m.secretFiles, 'place')} (redacted on import)`,
    skippedSecrets === 0
      ? null
      : `${formatNumber(skippedSecrets)} in ${formatCount(skipped.length, 'skipped file')} (not imported)`,
  ].filter((x): x is string => x !== null)
  return [
    { key: 'files', label: 'Files', text: formatNumber(m.totals.sourceFiles) },
    { key: 'size', label: 'Size', text: formatBytes(m.totals.sourceBytes) },
    { key: 'import', label: 'To import', text: formatCount(m.totals.toImport, 'file') },
    { key: 'skip', label: 'To skip', text: formatCount(m.totals.toSkip, 'file') },
    {
      key: 'secrets',
      label: 'Secrets found',
      text: secretParts.length ? secretParts.join('; ') : 'none',
    },
    {
      key: 'parse',
      label: 'Parse problems',
      text: unparsed === 0 ? 'none' : formatCount(unparsed, 'file'),
    },
    {
      key: 'hazards',
      label: 'Hostile or damaged',
      text: hazards === 0 ? 'none' : `▲ ${formatNumber(hazards)}`,
    },
  ]
}

/** "→ events (1,234 rows)", "skipped: <reason>", or why nothing is done with it. */
export function planText(p: PlanView): string {
  if (p.action === 'import')
    return p.expectedRows === null
      ? `→ ${p.target}`
      : `→ ${p.target} (${formatCount(p.expectedRows, 'row')})`
  if (p.action === 'skip') return `skipped: ${p.reason}`
  return p.reason ? `not imported: ${p.reason}` : 'not imported'
}

/** "ok", "1 error — line 432: …", "failed — …", "not checked". */
export function parseText(e: InventoryEntryView): string {
  if (e.parse === 'ok') return 'ok'
  if (e.parse === 'n/a') return '—'
  if (e.parse === 'not-checked') return 'not checked'
  const head = e.parse === 'failed' ? 'failed' : formatCount(e.parseErrors, 'error')
  return e.firstProblem ? `${head} — ${e.firstProblem}` : head
}

export const isProblem = (e: InventoryEntryView): boolean =>
  e.hazards.length > 0 || e.parse === 'errors' || e.parse === 'failed'

export type SortKey = 'path' | 'kind' | 'size' | 'records' | 'parse' | 'plan'

export interface EntryQuery {
  text: string
  problemsOnly: boolean
  sort: SortKey
  desc: boolean
}

export const DEFAULT_QUERY: EntryQuery = {
  text: '',
  problemsOnly: false,
  sort: 'path',
  desc: false,
}

const PARSE_ORDER: Record<string, number> = { failed: 0, errors: 1, 'not-checked': 2, ok: 3 }
const cmpStr = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
const cmpNum = (a: number | null, b: number | null): number => (a ?? -1) - (b ?? -1)

function compare(key: SortKey, a: InventoryEntryView, b: InventoryEntryView): number {
  switch (key) {
    case 'path':
      return cmpStr(a.path, b.path)
    case 'kind':
      return cmpStr(a.kind, b.kind)
    case 'size':
      return a.size - b.size
    case 'records':
      return cmpNum(a.records, b.records)
    case 'parse':
      return (PARSE_ORDER[a.parse] ?? 4) - (PARSE_ORDER[b.parse] ?? 4)
    case 'plan':
      return cmpStr(planText(a.plan), planText(b.plan))
  }
}

/** Filters (path text, problems only) and sorts; ties fall back to the path so the order is stable. */
export function queryEntries(
  entries: readonly InventoryEntryView[],
  q: EntryQuery,
): InventoryEntryView[] {
  const needle = q.text.trim().toLowerCase()
  const dir = q.desc ? -1 : 1
  return entries
    .filter(
      (e) =>
        (!q.problemsOnly || isProblem(e)) && (!needle || e.path.toLowerCase().includes(needle)),
    )
    .sort((a, b) => dir * compare(q.sort, a, b) || cmpStr(a.path, b.path))
}

/** Clicking a column: a new column sorts ascending (sizes and counts biggest first); again flips. */
export function nextQuery(q: EntryQuery, key: SortKey): EntryQuery {
  if (q.sort === key) return { ...q, desc: !q.desc }
  return { ...q, sort: key, desc: key === 'size' || key === 'records' }
}

/** Above this many rows the table shows only the first RENDER_CAP of the sorted list. */
export const LARGE_LIST = 2000
export const RENDER_CAP = 500

export function visibleRows<T>(rows: readonly T[]): { rows: T[]; hidden: number } {
  if (rows.length <= LARGE_LIST) return { rows: [...rows], hidden: 0 }
  return { rows: rows.slice(0, RENDER_CAP), hidden: rows.length - RENDER_CAP }
}

/**
 * Why a name is shown escaped: bytes that are not UTF-8, or valid UTF-8 holding control characters
 * (a newline or a tab in a file name), which the inventory escapes as \xNN too.
 */
export function nameHazard(pathHex: string): string {
  const bytes = new Uint8Array((pathHex.match(/../g) ?? []).map((h) => parseInt(h, 16)))
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes)
    return 'name holds control characters (shown escaped)'
  } catch {
    return 'name is not valid UTF-8 (shown escaped)'
  }
}
