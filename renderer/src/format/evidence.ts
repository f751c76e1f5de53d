// Turns a step's evidence (any JSON object) into something a person can read: a one-line
// summary for the checklist, and a tree of key/value rows, lists and small tables for the panel.
import { formatBytes, formatDuration, formatNumber, formatSeconds } from './numbers'
import { formatAbsolute } from './time'

export type EvidenceNode =
  /** mono: a path or a hash, shown in a fixed-width font and allowed to break anywhere. */
  | { kind: 'scalar'; key: string; label: string; text: string; mono: boolean }
  | { kind: 'list'; key: string; label: string; items: string[]; more: number }
  | {
      kind: 'table'
      key: string
      label: string
      columns: TableColumn[]
      rows: TableCell[][]
      more: number
    }
  | { kind: 'group'; key: string; label: string; children: EvidenceNode[] }

export interface TableColumn {
  key: string
  label: string
  numeric: boolean
}

export interface TableCell {
  text: string
  /** Extra detail on hover, e.g. the names inside a collapsed list. */
  title?: string
}

const MAX_TABLE_ROWS = 200
const MAX_LIST_ITEMS = 20
const MAX_TABLE_COLUMNS = 8
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/
const MONO = /^(?:[0-9a-f]{32,}|\/|[A-Za-z]:[\\/]|\.{1,2}\/)/
const ACRONYMS: Record<string, string> = {
  id: 'ID',
  ids: 'IDs',
  json: 'JSON',
  jsonb: 'JSONB',
  sql: 'SQL',
  sqlite: 'SQLite',
  sha256: 'SHA-256',
  url: 'URL',
  db: 'DB',
  pg: 'PG',
  eta: 'ETA',
}

/** "tableCount" → "Table count", "foreign_keys" → "Foreign keys", "documentSha256" → "Document SHA-256". */
export function humanizeKey(key: string): string {
  const words = key
    .replace(/[_-]+/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .trim()
    .toLowerCase()
    .split(/\s+/)
    .map((w) => ACRONYMS[w] ?? w)
    .join(' ')
  return words.charAt(0).toUpperCase() + words.slice(1)
}

/** The label beside a value whose unit the value already shows: "durationMs" → "Duration". */
export function labelFor(key: string): string {
  const m = /^(.+?)(Ms|Millis|Seconds|Bytes)$/.exec(key)
  if (!m?.[1]) return humanizeKey(key)
  const base = humanizeKey(m[1])
  return m[2] === 'Bytes' && !/size$/i.test(base) ? `${base} size` : base
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** One value as text, using the key to pick a unit: *Bytes → "1.2 MB", *Ms → "340 ms". */
export function formatScalar(key: string, value: unknown): string {
  if (value === null || value === undefined) return '—'
  if (typeof value === 'boolean') return value ? 'yes' : 'no'
  if (typeof value === 'number') {
    if (/bytes$|^size$|Size$/i.test(key)) return formatBytes(value)
    if (/Ms$|^ms$|Millis$/.test(key)) return formatDuration(value)
    if (/Seconds$|^seconds$/.test(key)) return formatSeconds(value)
    return formatNumber(value)
  }
  if (typeof value === 'string')
    return ISO_DATE.test(value) ? (formatAbsolute(value) ?? value) : value
  if (Array.isArray(value)) return `${formatNumber(value.length)} items`
  return JSON.stringify(value)
}

function cellOf(key: string, value: unknown): TableCell {
  if (Array.isArray(value)) {
    const names = value
      .map((v) => (isPlainObject(v) ? (v.name ?? v.id) : v))
      .filter((v) => v !== undefined)
    const cell: TableCell = { text: formatNumber(value.length) }
    if (names.length > 0) cell.title = names.map(String).join(', ')
    return cell
  }
  if (isPlainObject(value)) return { text: JSON.stringify(value) }
  return { text: formatScalar(key, value) }
}

function tableOf(key: string, rows: Record<string, unknown>[]): EvidenceNode {
  const keys: string[] = []
  for (const r of rows) for (const k of Object.keys(r)) if (!keys.includes(k)) keys.push(k)
  const shown = keys.slice(0, MAX_TABLE_COLUMNS)
  const columns = shown.map((k) => ({
    key: k,
    label: labelFor(k),
    numeric: rows.every(
      (r) => r[k] === undefined || r[k] === null || typeof r[k] === 'number' || Array.isArray(r[k]),
    ),
  }))
  const body = rows.slice(0, MAX_TABLE_ROWS).map((r) => shown.map((k) => cellOf(k, r[k])))
  return {
    kind: 'table',
    key,
    label: humanizeKey(key),
    columns,
    rows: body,
    more: Math.max(0, rows.length - MAX_TABLE_ROWS),
  }
}

function nodeOf(key: string, value: unknown): EvidenceNode {
  const label = humanizeKey(key)
  if (Array.isArray(value)) {
    if (value.length > 0 && value.every(isPlainObject)) return tableOf(key, value)
    const items = value.slice(0, MAX_LIST_ITEMS).map((v) => formatScalar(key, v))
    return { kind: 'list', key, label, items, more: Math.max(0, value.length - MAX_LIST_ITEMS) }
  }
  if (isPlainObject(value)) return { kind: 'group', key, label, children: evidenceNodes(value) }
  return {
    kind: 'scalar',
    key,
    label: labelFor(key),
    text: formatScalar(key, value),
    mono: typeof value === 'string' && MONO.test(value),
  }
}

/** The evidence as display nodes: scalars first (in their order), then lists, groups and tables. */
export function evidenceNodes(evidence: Record<string, unknown>): EvidenceNode[] {
  const nodes = Object.entries(evidence).map(([k, v]) => nodeOf(k, v))
  const rank = (n: EvidenceNode) =>
    n.kind === 'scalar' ? 0 : n.kind === 'list' ? 1 : n.kind === 'group' ? 2 : 3
  return nodes
    .map((n, i) => ({ n, i }))
    .sort((a, b) => rank(a.n) - rank(b.n) || a.i - b.i)
    .map((x) => x.n)
}

function plural(noun: string, n: number): string {
  if (n === 1) return noun.endsWith('ies') ? `${noun.slice(0, -3)}y` : noun.replace(/(?<!s)s$/, '')
  if (noun.endsWith('s')) return noun
  if (/(x|ch|sh)$/.test(noun)) return `${noun}es`
  if (/[^aeiou]y$/.test(noun)) return `${noun.slice(0, -1)}ies`
  return `${noun}s`
}

/** "tableCount" → "table", "totalRows" → "rows", "filesSkipped" → null (not a count name). */
function countNoun(key: string): string | null {
  let m = /^(.+?)(Count|_count)$/.exec(key)
  if (m?.[1]) return humanizeKey(m[1]).toLowerCase()
  m = /^total[_]?(.+)$/i.exec(key)
  if (m?.[1]) return humanizeKey(m[1]).toLowerCase()
  m = /^(?:num|n)([A-Z].*)$/.exec(key)
  if (m?.[1]) return humanizeKey(m[1]).toLowerCase()
  return null
}

/**
 * One line for the checklist row: counts first ("13 tables · 48,210 rows"), then other
 * numbers ("duration: 340 ms"), at most three parts. Null when nothing is worth a line.
 */
export function evidenceSummary(
  evidence: Record<string, unknown> | null | undefined,
): string | null {
  if (!evidence) return null
  const counts: string[] = []
  const others: string[] = []
  const counted = new Set<string>()
  for (const [key, value] of Object.entries(evidence)) {
    if (typeof value !== 'number') continue
    const noun = countNoun(key)
    if (noun) {
      counts.push(`${formatNumber(value)} ${plural(noun, value)}`)
      counted.add(plural(noun, 2).replace(/\s+/g, ''))
    } else {
      others.push(`${labelFor(key).toLowerCase()}: ${formatScalar(key, value)}`)
    }
  }
  for (const [key, value] of Object.entries(evidence)) {
    if (!Array.isArray(value) || counted.has(key.toLowerCase())) continue
    counts.push(
      `${formatNumber(value.length)} ${plural(humanizeKey(key).toLowerCase(), value.length)}`,
    )
  }
  // Counts say what a step produced; other numbers only when there are no counts.
  const parts = (counts.length > 0 ? counts : others).slice(0, 3)
  if (parts.length > 0) return parts.join(' · ')
  const firstString = Object.entries(evidence).find(([, v]) => typeof v === 'string')
  return firstString
    ? `${humanizeKey(firstString[0]).toLowerCase()}: ${String(firstString[1])}`
    : null
}
