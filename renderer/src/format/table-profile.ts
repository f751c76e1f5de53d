// A table's profile (electron/core/sqlite/profile-types.ts TableProfile): how it was scanned,
// the orphan check of each foreign key and the CHECK-list checks, read defensively.
import { isPlainObject } from './labels'
import { formatCount, formatDuration, formatNumber } from './numbers'
import { clip } from './profile'

export interface FkCheck {
  /** The foreign key's columns joined with ", ", to match it to the declared key. */
  columns: string
  orphans: number | null
  /** "none", "17 rows", "not checked: <why>". */
  text: string
  warn: boolean
  samples: string[]
}

export interface CheckView {
  key: string
  column: string
  allowedText: string
  sourceText: string
  outside: number
  /** "all inside", "1 row outside" */
  text: string
  samples: string[]
}

export interface TableProfileView {
  /** "Profiled 2,000 rows in 32 ms" */
  statsText: string | null
  skipped: string | null
  fkChecks: FkCheck[]
  checks: CheckView[]
  extras: Record<string, unknown>
}

const KNOWN = new Set(['rowsScanned', 'ms', 'chunks', 'foreignKeys', 'checks', 'skipped'])
const n = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)
const list = (v: unknown): Record<string, unknown>[] =>
  Array.isArray(v) ? v.filter(isPlainObject) : []

/** A sample key as text: NULL, a value, or (a, b) for a composite key. */
export function sampleText(v: unknown): string {
  if (v === null || v === undefined) return 'NULL'
  if (Array.isArray(v)) return `(${v.map(sampleText).join(', ')})`
  if (isPlainObject(v)) {
    if ('value' in v) {
      const c = n(v.count)
      return `${sampleText(v.value)}${c === null ? '' : ` × ${formatNumber(c)}`}`
    }
    return clip(JSON.stringify(v), 120)
  }
  return clip(String(v), 120)
}

function fkCheck(fk: Record<string, unknown>): FkCheck {
  const cols = Array.isArray(fk.columns) ? fk.columns.map(String).join(', ') : ''
  const orphans = n(fk.orphans)
  const skipped = typeof fk.skipped === 'string' ? fk.skipped : null
  const samples = Array.isArray(fk.samples) ? fk.samples.slice(0, 10).map(sampleText) : []
  let text: string
  if (skipped) text = `not checked: ${skipped}`
  else if (fk.parentMissing === true) text = 'parent table missing'
  else if (orphans === null) text = '—'
  else text = orphans === 0 ? 'none' : formatCount(orphans, 'row')
  return {
    columns: cols,
    orphans,
    text,
    warn: (orphans ?? 0) > 0 || fk.parentMissing === true,
    samples,
  }
}

function checkView(c: Record<string, unknown>, i: number): CheckView {
  const outside = n(c.outside) ?? 0
  const allowed = Array.isArray(c.allowed) ? c.allowed.map(String) : []
  return {
    key: `${String(c.column ?? '')}.${i}`,
    column: String(c.column ?? ''),
    allowedText: allowed.length > 0 ? allowed.join(', ') : '—',
    sourceText:
      c.source === 'plan'
        ? 'the plan’s PostgreSQL schema'
        : c.source === 'table'
          ? 'the table’s CHECK'
          : String(c.source ?? '—'),
    outside,
    text: outside === 0 ? 'all inside' : `${formatCount(outside, 'row')} outside`,
    samples: Array.isArray(c.samples) ? c.samples.slice(0, 10).map(sampleText) : [],
  }
}

export function tableProfileView(profile: unknown): TableProfileView | null {
  if (!isPlainObject(profile)) return null
  const rows = n(profile.rowsScanned)
  const ms = n(profile.ms)
  const chunks = n(profile.chunks)
  const statsText =
    rows === null
      ? null
      : `Profiled ${formatCount(rows, 'row')}${ms === null ? '' : ` in ${formatDuration(ms)}`}${
          chunks !== null && chunks > 1 ? ` (${formatNumber(chunks)} chunks)` : ''
        }`
  return {
    statsText,
    skipped: typeof profile.skipped === 'string' ? profile.skipped : null,
    fkChecks: list(profile.foreignKeys).map(fkCheck),
    checks: list(profile.checks).map(checkView),
    extras: Object.fromEntries(Object.entries(profile).filter(([k]) => !KNOWN.has(k))),
  }
}
