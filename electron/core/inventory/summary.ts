// Totals over the inventory's entries: per top-level folder (the plan's `du -sh .claude/logs/*`),
// per kind (its `find -name "*.json" -o -name "*.md"`), the largest files, the hostile entries and
// what the import will do. Source files only: folders and Ferry's own outputs are listed apart.
import type { InventoryEntry } from './inventory'

export interface InventorySummary {
  totals: {
    entries: number
    /** Non-folder entries that belong to the agents (everything but Ferry's outputs). */
    sourceFiles: number
    sourceBytes: number
    folders: number
    ferryOutputs: number
    toImport: number
    toSkip: number
    expectedRows: Record<string, number>
  }
  byFolder: { folder: string; files: number; bytes: number; kinds: Record<string, number> }[]
  byKind: { kind: string; files: number; bytes: number; lines: number }[]
  largest: { path: string; size: number; kind: string | null }[]
  problems: {
    outsideWorkspaceLinks: number
    otherLinks: number
    specialFiles: number
    unreadable: number
    nonUtf8Names: number
    tooDeep: number
    invalidUtf8Files: number
    filesWithParseProblems: number
    readErrors: number
  }
  skipsByReason: { code: string; files: number }[]
}

const add = (m: Map<string, number>, k: string, n: number): void => {
  m.set(k, (m.get(k) ?? 0) + n)
}

export function summarise(entries: InventoryEntry[]): InventorySummary {
  const source = entries.filter((e) => e.type !== 'dir' && e.class === 'source')
  const folders = new Map<string, { files: number; bytes: number; kinds: Record<string, number> }>()
  const kinds = new Map<string, { files: number; bytes: number; lines: number }>()
  const expected = new Map<string, number>()
  const skips = new Map<string, number>()
  for (const e of source) {
    const f = folders.get(e.top) ?? { files: 0, bytes: 0, kinds: {} }
    const k = e.type === 'file' ? (e.kind ?? 'other') : e.type
    f.files++
    f.bytes += e.type === 'file' ? e.size : 0
    f.kinds[k] = (f.kinds[k] ?? 0) + 1
    folders.set(e.top, f)
    const kk = kinds.get(k) ?? { files: 0, bytes: 0, lines: 0 }
    kk.files++
    kk.bytes += e.type === 'file' ? e.size : 0
    kk.lines += e.lines ?? 0
    kinds.set(k, kk)
    if (e.plan.action === 'import') add(expected, e.plan.table, e.plan.expectedRows ?? 0)
    if (e.plan.action === 'skip') add(skips, e.plan.code, 1)
  }
  const count = (p: (e: InventoryEntry) => boolean): number => entries.filter(p).length
  return {
    totals: {
      entries: entries.length,
      sourceFiles: source.length,
      sourceBytes: source.reduce((n, e) => n + (e.type === 'file' ? e.size : 0), 0),
      folders: count((e) => e.type === 'dir'),
      ferryOutputs: count((e) => e.class === 'ferry-output' && e.type !== 'dir'),
      toImport: source.filter((e) => e.plan.action === 'import').length,
      toSkip: source.filter((e) => e.plan.action === 'skip').length,
      expectedRows: Object.fromEntries(expected),
    },
    byFolder: [...folders]
      .map(([folder, v]) => ({ folder, ...v }))
      .sort((a, b) => b.bytes - a.bytes),
    byKind: [...kinds].map(([kind, v]) => ({ kind, ...v })).sort((a, b) => b.bytes - a.bytes),
    largest: source
      .filter((e) => e.type === 'file')
      .sort((a, b) => b.size - a.size)
      .slice(0, 10)
      .map((e) => ({ path: e.path, size: e.size, kind: e.kind })),
    problems: {
      outsideWorkspaceLinks: count((e) => e.symlink?.resolves === 'outside-workspace'),
      otherLinks: count((e) => e.type === 'symlink' && e.symlink?.resolves !== 'outside-workspace'),
      specialFiles: count((e) => e.type === 'special'),
      unreadable: count((e) => e.type === 'unreadable'),
      nonUtf8Names: count((e) => e.pathHex !== undefined),
      tooDeep: count((e) => e.type === 'too-deep'),
      invalidUtf8Files: count((e) => e.encoding === 'invalid'),
      filesWithParseProblems: count((e) => e.parse === 'errors' || e.parse === 'failed'),
      readErrors: count((e) => e.readError != null),
    },
    skipsByReason: [...skips]
      .map(([code, files]) => ({ code, files }))
      .sort((a, b) => b.files - a.files),
  }
}
