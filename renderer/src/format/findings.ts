// Findings of the data profile ({ table, column, kind, count, samples }: orphans, invalid JSON,
// bad timestamps…) as display rows. Samples are workspace content: shown as text, clipped.
import { humanizeKey, isPlainObject, labelFor } from './labels'
import { formatNumber } from './numbers'
import { formatProfileValue, type Fact } from './profile'
import { sampleText } from './table-profile'

export interface FindingView {
  key: string
  table: string | null
  column: string | null
  kind: string
  /** "Orphans", "Invalid JSON" */
  kindLabel: string
  /** A sentence from the backend, when it sent one. */
  message: string | null
  /** What the samples are: "Keys without a parent", "Values", "Rows (rowid)". */
  samplesLabel: string
  count: number | null
  /** "3 rows" */
  countText: string
  samples: string[]
  moreSamples: number
  facts: Fact[]
}

const KNOWN = new Set([
  'table',
  'column',
  'kind',
  'type',
  'count',
  'rows',
  'samples',
  'examples',
  'sample',
  'message',
  'detail',
])
const MAX_SAMPLES = 10
/** profile-types.ts: orphans list dangling keys, CHECK findings values, the rest rowids. */
const SAMPLES_LABEL: Record<string, string> = {
  orphans: 'Keys without a parent',
  'status-outside-check': 'Values',
}

export function normalizeFinding(
  raw: unknown,
  at: { table?: string | null; column?: string | null },
  index: number,
): FindingView | null {
  if (!isPlainObject(raw)) return null
  const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : null)
  const table = str(raw.table) ?? at.table ?? null
  const column = str(raw.column) ?? at.column ?? null
  const kind = str(raw.kind) ?? str(raw.type) ?? 'finding'
  const rawCount = raw.count ?? raw.rows
  const count = typeof rawCount === 'number' && Number.isFinite(rawCount) ? rawCount : null
  const rawSamples = raw.samples ?? raw.examples ?? raw.sample
  const list = Array.isArray(rawSamples)
    ? rawSamples
    : rawSamples === undefined || rawSamples === null
      ? []
      : [rawSamples]
  return {
    key: `${table ?? ''}.${column ?? ''}.${kind}.${index}`,
    table,
    column,
    kind,
    kindLabel: humanizeKey(kind),
    message: str(raw.message) ?? str(raw.detail),
    samplesLabel:
      SAMPLES_LABEL[kind] ??
      (list.every((v) => typeof v === 'number') ? 'Rows (rowid)' : 'Samples'),
    count,
    countText: count === null ? '—' : `${formatNumber(count)} ${count === 1 ? 'row' : 'rows'}`,
    samples: list.slice(0, MAX_SAMPLES).map(sampleText),
    moreSamples: Math.max(0, list.length - MAX_SAMPLES),
    facts: Object.entries(raw)
      .filter(([k, v]) => !KNOWN.has(k) && v !== null && v !== undefined)
      .map(([k, v]) => ({ key: k, label: labelFor(k), text: formatProfileValue(k, v) })),
  }
}

export function normalizeFindings(
  raw: unknown,
  at: { table?: string | null; column?: string | null } = {},
): FindingView[] {
  if (!Array.isArray(raw)) return []
  return raw.map((f, i) => normalizeFinding(f, at, i)).filter((f): f is FindingView => f !== null)
}

/** "3 findings" / "1 finding" / null when there are none. */
export function findingsText(n: number): string | null {
  return n === 0 ? null : `${formatNumber(n)} ${n === 1 ? 'finding' : 'findings'}`
}
