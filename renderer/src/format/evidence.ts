// Turns a step's evidence (any JSON object) into something a person can read: a one-line
// summary for the checklist, and a tree of key/value rows, lists, long text and small tables.
import { findPairs, formatChange, isNumericPair } from './change'
import { CODE_KEY, tableOf, type TableNode } from './evidence-table'
import { formatScalar, humanizeKey, isLongText, isPlainObject, labelFor } from './labels'
import { formatNumber } from './numbers'

export { formatScalar, humanizeKey, labelFor } from './labels'
export type { TableCell, TableColumn, TableDetail, TableNode } from './evidence-table'

export type EvidenceNode =
  /** mono: a path or a hash, shown in a fixed-width font and allowed to break anywhere. */
  | { kind: 'scalar'; key: string; label: string; text: string; mono: boolean }
  /** Multi-line or long text (a query plan, a statement), shown whole in a <pre>. */
  | { kind: 'text'; key: string; label: string; text: string }
  | { kind: 'list'; key: string; label: string; items: string[]; more: number }
  | TableNode
  | { kind: 'group'; key: string; label: string; children: EvidenceNode[] }

const MAX_LIST_ITEMS = 20
const MONO = /^(?:[0-9a-f]{32,}|\/|[A-Za-z]:[\\/]|\.{1,2}\/)/

function nodeOf(key: string, value: unknown): EvidenceNode {
  const label = humanizeKey(key)
  if (Array.isArray(value)) {
    if (value.length > 0 && value.every(isPlainObject)) return tableOf(key, value)
    const items = value.slice(0, MAX_LIST_ITEMS).map((v) => formatScalar(key, v))
    return { kind: 'list', key, label, items, more: Math.max(0, value.length - MAX_LIST_ITEMS) }
  }
  if (isPlainObject(value)) return { kind: 'group', key, label, children: evidenceNodes(value) }
  // Plans and statements keep their lines in a <pre>; a long sentence just wraps.
  if (
    typeof value === 'string' &&
    (value.includes('\n') || (CODE_KEY.test(key) && isLongText(value)))
  )
    return { kind: 'text', key, label: labelFor(key), text: value }
  return {
    kind: 'scalar',
    key,
    label: labelFor(key),
    text: formatScalar(key, value),
    mono: typeof value === 'string' && MONO.test(value),
  }
}

const RANK: Record<EvidenceNode['kind'], number> = {
  scalar: 0,
  list: 1,
  text: 2,
  group: 3,
  table: 4,
}

/**
 * The evidence as display nodes: scalars first (in their order), then lists, long text, groups
 * and tables. Numeric before/after pairs become one scalar: "Median before → after".
 */
export function evidenceNodes(evidence: Record<string, unknown>): EvidenceNode[] {
  const entries = Object.entries(evidence)
  const pairs = findPairs(entries.map(([k]) => k)).filter((p) =>
    isNumericPair(evidence[p.before], evidence[p.after]),
  )
  const nodes: EvidenceNode[] = []
  for (const [k, v] of entries) {
    const pair = pairs.find((p) => p.before === k)
    if (pair) {
      nodes.push({
        kind: 'scalar',
        key: pair.base,
        label: `${labelFor(pair.base)} before → after`,
        text: formatChange(pair.base, v, evidence[pair.after]),
        mono: false,
      })
    } else if (!pairs.some((p) => p.after === k)) nodes.push(nodeOf(k, v))
  }
  return nodes
    .map((n, i) => ({ n, i }))
    .sort((a, b) => RANK[a.n.kind] - RANK[b.n.kind] || a.i - b.i)
    .map((x) => x.n)
}

function plural(noun: string, n: number): string {
  // "constraints not valid": the plural is the leading noun's, the words after it qualify it.
  const [head, ...rest] = noun.split(' ')
  if (rest.length && head && /[^s]s$/.test(head)) return [plural(head, n), ...rest].join(' ')
  // "covered", "skipped": a participle names the items without a plural of its own.
  if (/ed$/.test(noun)) return noun
  if (n === 1) return noun.endsWith('ies') ? `${noun.slice(0, -3)}y` : noun.replace(/(?<!s)s$/, '')
  if (noun.endsWith('s')) return noun
  if (/(x|ch|sh)$/.test(noun)) return `${noun}es`
  if (/[^aeiou]y$/.test(noun)) return `${noun.slice(0, -1)}ies`
  return `${noun}s`
}

/** Lists whose key is no plural noun but names what they hold. */
const LIST_NOUNS: Record<string, string> = { sqlite: 'SQLite databases' }

/** "tableCount" → "table", "totalRows" → "rows", "filesSkipped" → null (not a count name). */
function countNoun(key: string): string | null {
  let m = /^(.+?)(Count|_count)$/.exec(key)
  if (m?.[1]) return humanizeKey(m[1]).toLowerCase()
  m = /^total[_]?(.+)$/i.exec(key)
  if (m?.[1]) return humanizeKey(m[1]).toLowerCase()
  m = /^(?:num|n)([A-Z].*)$/.exec(key)
  if (m?.[1]) return humanizeKey(m[1]).toLowerCase()
  // A plain plural noun holding a number is a count too: "files: 111" → "111 files".
  if (/^[a-z]{3,}s$/.test(key) && !/ms$/.test(key) && key !== 'bytes') return key
  return null
}

/**
 * A count named by a plural noun and what happened to them: "filesImported" → "files imported",
 * "filesToImport" → "files to import", "expectedRows" → "expected rows". Null for anything else.
 */
function countPhrase(key: string): string | null {
  const m =
    /^(files|rows|tables|indexes|agents|queries|snapshots)(Imported|Skipped|Moved|Written|Loaded|Created|Applied|ToImport|ToSkip)$/.exec(
      key,
    ) ?? /^(expected|loaded|rejected|source|target)(Rows|Files|Tables)$/.exec(key)
  return m ? humanizeKey(key).toLowerCase() : null
}

/**
 * One line for the checklist row: counts first ("13 tables · 48,210 rows"), then other
 * numbers ("duration: 340 ms"), at most three parts. Null when nothing is worth a line.
 */
export function evidenceSummary(
  evidence: Record<string, unknown> | null | undefined,
): string | null {
  if (!evidence) return null
  // Named counts first ("tableCount"), then plain nouns ("files: 111") and sizes, then lists.
  const counts: string[] = []
  const plain: string[] = []
  const lists: string[] = []
  const others: string[] = []
  const counted = new Set<string>()
  for (const [key, value] of Object.entries(evidence)) {
    if (typeof value !== 'number') continue
    if (key === 'bytes') {
      plain.push(formatScalar(key, value))
      continue
    }
    const phrase = countNoun(key) === null ? countPhrase(key) : null
    if (phrase) {
      // Shown when something happened ("0 files skipped" says nothing); its noun is counted.
      if (value !== 0) plain.push(`${formatNumber(value)} ${plural(phrase, value)}`)
      for (const w of phrase.split(' ')) if (/s$/.test(w)) counted.add(w)
      continue
    }
    const noun = countNoun(key)
    const named = noun !== null && noun !== key
    if (noun && (named || value !== 0)) {
      ;(named ? counts : plain).push(`${formatNumber(value)} ${plural(noun, value)}`)
      counted.add(plural(noun, 2).replace(/\s+/g, ''))
    } else if (!noun && !/Num$/.test(key)) {
      // ("serverVersionNum" is an identifier, not a quantity: the version string says it.)
      others.push(`${labelFor(key).toLowerCase()}: ${formatScalar(key, value)}`)
    }
  }
  for (const [key, value] of Object.entries(evidence)) {
    // An empty list ("0 warnings") says nothing worth the checklist row's space.
    if (!Array.isArray(value) || value.length === 0 || counted.has(key.toLowerCase())) continue
    const noun = LIST_NOUNS[key] ?? humanizeKey(key).toLowerCase()
    // Only a list named by a plural noun ("files") or a participle ("covered") counts things:
    // not "order", "largest", "byFolder".
    if (!LIST_NOUNS[key] && !/s$/.test(noun.split(' ')[0] ?? '') && !/ed$/.test(noun)) continue
    // A list of numbers is a series swept ("agents: [1, 2, 5, … 50]"): its range, not its length.
    const nums = value.every((v) => typeof v === 'number') ? (value as number[]) : null
    if (nums && Math.min(...nums) !== Math.max(...nums))
      lists.push(`${formatNumber(Math.min(...nums))}–${formatNumber(Math.max(...nums))} ${noun}`)
    else lists.push(`${formatNumber(value.length)} ${plural(noun, value.length)}`)
  }
  counts.push(...plain, ...lists)
  // Counts say what a step produced; other numbers only when there are no counts, after the
  // server they describe when there is one ("PostgreSQL 15.20 (Debian …)").
  const server =
    typeof evidence.serverVersion === 'string' ? [`PostgreSQL ${evidence.serverVersion}`] : []
  const parts = (counts.length > 0 ? counts : [...server, ...others]).slice(0, 3)
  if (parts.length > 0) return parts.join(' · ')
  const firstString = Object.entries(evidence).find(([, v]) => typeof v === 'string')
  return firstString
    ? `${humanizeKey(firstString[0]).toLowerCase()}: ${String(firstString[1])}`
    : null
}
