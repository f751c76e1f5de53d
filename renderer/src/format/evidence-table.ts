// Arrays of objects in evidence as tables: short values in columns, before/after pairs merged
// into one "12 ms → 0.31 ms (×38.7 faster)" column, and long text (query plans, SQL) moved to
// a detail area under each row, where it can be read in full in a <pre>.
import { findPairs, formatChange, isNumericPair, isTimingKey, type PairKeys } from './change'
import { humanizeKey, isLongText, isPlainObject, labelFor, formatScalar } from './labels'
import { formatNumber } from './numbers'

export interface TableColumn {
  key: string
  label: string
  numeric: boolean
  /** Long text: 'anywhere' for unbroken names (a path, a hash), 'prose' for sentences. */
  wrap?: 'anywhere' | 'prose'
}

export interface TableCell {
  text: string
  /** A verdict or status word gets its shape and colour: "✔ faster", "▲ slower". */
  status?: { icon: string; tone: 'ok' | 'warn' | 'bad' | 'idle' }
  /** Extra detail on hover, e.g. the names inside a collapsed list. */
  title?: string
}

/** A value too long for a cell: pre = keep line breaks, fixed-width (a plan, a statement). */
export interface TableDetail {
  key: string
  label: string
  text: string
  pre: boolean
}

export interface TableNode {
  kind: 'table'
  key: string
  label: string
  columns: TableColumn[]
  rows: TableCell[][]
  /** Per shown row: its long values, in column order; empty when it has none. */
  details: TableDetail[][]
  more: number
}

const MAX_TABLE_ROWS = 200
const MAX_TABLE_COLUMNS = 8
const LONG_CELL = 80
const SHORT_LIST = 40
/** Query plans, statements and queries are code: always shown whole, in a <pre>. */
export const CODE_KEY = /(^|[a-z])(plan|sql|query|statement)(Before|After)?$/i

export function cellOf(key: string, value: unknown): TableCell {
  // A short list of names reads better as the names: "agent_id, task_id".
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')) {
    const joined = value.join(', ')
    if (joined.length <= SHORT_LIST) return { text: joined }
  }
  if (Array.isArray(value)) {
    const names = value
      .map((v) => (isPlainObject(v) ? (v.name ?? v.id) : v))
      .filter((v) => v !== undefined)
    const cell: TableCell = { text: formatNumber(value.length) }
    if (names.length > 0) cell.title = names.map(String).join(', ')
    return cell
  }
  if (isPlainObject(value)) return { text: JSON.stringify(value) }
  const status = STATUS_KEY.test(key) && typeof value === 'string' ? STATUS_WORD[value] : undefined
  return status ? { text: value as string, status } : { text: formatScalar(key, value) }
}

const STATUS_KEY = /^(verdict|status|result|outcome)$/i
const OK = { icon: '✔', tone: 'ok' } as const
const WARN = { icon: '▲', tone: 'warn' } as const
const BAD = { icon: '✖', tone: 'bad' } as const
const IDLE = { icon: '○', tone: 'idle' } as const
const STATUS_WORD: Record<string, TableCell['status']> = {
  ok: OK,
  pass: OK,
  passed: OK,
  faster: OK,
  applied: OK,
  verified: OK,
  done: OK,
  slower: WARN,
  warn: WARN,
  warning: WARN,
  drift: WARN,
  failed: BAD,
  fail: BAD,
  error: BAD,
  mismatch: BAD,
  same: IDLE,
  unchanged: IDLE,
  pending: IDLE,
  skipped: IDLE,
}

/** Worth a detail area: several lines, a big object, a long list. A long path stays a cell. */
function isLongValue(v: unknown): boolean {
  return (
    (typeof v === 'string' && v.includes('\n')) ||
    (isLongText(v, LONG_CELL * 3) && /\s/.test(v)) ||
    (isPlainObject(v) && JSON.stringify(v).length > LONG_CELL) ||
    (Array.isArray(v) && v.every((x) => typeof x === 'string') && v.join(', ').length > LONG_CELL)
  )
}

function detailOf(key: string, value: unknown, pre: boolean): TableDetail {
  const text = isPlainObject(value)
    ? JSON.stringify(value, null, 2)
    : Array.isArray(value)
      ? value.map((v) => (isPlainObject(v) ? JSON.stringify(v) : formatScalar(key, v))).join('\n')
      : formatScalar(key, value)
  return { key, label: labelFor(key), text, pre: pre || text.includes('\n') }
}

/**
 * A column that says nothing new: empty lists in every row, or the same text as an earlier
 * column in every row ("columns: [agent_id]" beside "column: agent_id").
 */
function redundant(key: string, keys: string[], rows: Record<string, unknown>[]): boolean {
  const empty = (v: unknown) =>
    v === null || v === undefined || (Array.isArray(v) && v.length === 0)
  if (rows.every((r) => empty(r[key]))) return true
  // Only names repeat meaningfully; two yes/no or numeric columns that agree still differ.
  const named = (v: unknown) =>
    typeof v === 'string' ||
    (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string'))
  const text = (k: string, r: Record<string, unknown>) => cellOf(k, r[k]).text
  return keys
    .slice(0, keys.indexOf(key))
    .some((other) =>
      rows.every((r) => named(r[key]) && named(r[other]) && text(other, r) === text(key, r)),
    )
}

/** A plan or a statement (text with spaces under a code-like key), not a query's short name. */
function isCode(key: string, rows: Record<string, unknown>[]): boolean {
  return CODE_KEY.test(key) && rows.some((r) => typeof r[key] === 'string' && /\s/.test(r[key]))
}

function wrapOf(values: unknown[]): TableColumn['wrap'] {
  const long = values.filter((v): v is string => isLongText(v, 40))
  if (long.length === 0) return undefined
  return long.some((v) => /\s/.test(v)) ? 'prose' : 'anywhere'
}

type Planned = { type: 'plain'; key: string } | { type: 'pair'; pair: PairKeys }

export function tableOf(key: string, rows: Record<string, unknown>[]): TableNode {
  const keys: string[] = []
  for (const r of rows) for (const k of Object.keys(r)) if (!keys.includes(k)) keys.push(k)
  const pairs = findPairs(keys).filter((p) =>
    rows.every(
      (r) =>
        isNumericPair(r[p.before], r[p.after]) ||
        (r[p.before] === undefined && r[p.after] === undefined),
    ),
  )
  const inPair = new Set(pairs.flatMap((p) => [p.before, p.after]))
  // A timing pair's cell already says "×38.7 faster": a separate speed-up column repeats it.
  if (pairs.some((p) => isTimingKey(p.base)))
    for (const k of keys) if (/^speed_?up/i.test(k)) inPair.add(k)
  const long = new Set(
    keys.filter((k) => !inPair.has(k) && (isCode(k, rows) || rows.some((r) => isLongValue(r[k])))),
  )
  // Two halves of a before/after text pair go together, so they can be read side by side.
  for (const p of findPairs(keys))
    if (long.has(p.before) || long.has(p.after)) long.add(p.before).add(p.after)

  const planned: Planned[] = []
  for (const k of keys) {
    const pair = pairs.find((p) => p.before === k)
    if (pair) planned.push({ type: 'pair', pair })
    else if (!inPair.has(k) && !long.has(k) && !redundant(k, keys, rows))
      planned.push({ type: 'plain', key: k })
  }
  const shown = planned.slice(0, MAX_TABLE_COLUMNS)
  const overflow = planned.slice(MAX_TABLE_COLUMNS)

  const columns: TableColumn[] = shown.map((p) =>
    p.type === 'pair'
      ? { key: p.pair.base, label: `${labelFor(p.pair.base)} before → after`, numeric: true }
      : {
          key: p.key,
          label: labelFor(p.key),
          numeric: rows.every(
            (r) =>
              r[p.key] === undefined ||
              r[p.key] === null ||
              typeof r[p.key] === 'number' ||
              // A list shown as its count is a number; a short list shown as names is not.
              (Array.isArray(r[p.key]) && /^\d[\d,]*$/.test(cellOf(p.key, r[p.key]).text)),
          ),
          wrap: wrapOf(rows.map((r) => r[p.key])),
        },
  )
  const visible = rows.slice(0, MAX_TABLE_ROWS)
  const body = visible.map((r) =>
    shown.map((p) =>
      p.type === 'pair'
        ? { text: formatChange(p.pair.base, r[p.pair.before], r[p.pair.after]) }
        : cellOf(p.key, r[p.key]),
    ),
  )
  const details = visible.map((r) => {
    const out: TableDetail[] = []
    for (const k of keys) {
      if (!long.has(k) || r[k] === undefined || r[k] === null) continue
      out.push(detailOf(k, r[k], true))
    }
    for (const p of overflow) {
      if (p.type === 'pair') {
        const text = formatChange(p.pair.base, r[p.pair.before], r[p.pair.after])
        out.push({
          key: p.pair.base,
          label: `${labelFor(p.pair.base)} before → after`,
          text,
          pre: false,
        })
      } else if (r[p.key] !== undefined && r[p.key] !== null)
        out.push(detailOf(p.key, r[p.key], false))
    }
    return out
  })
  return {
    kind: 'table',
    key,
    label: humanizeKey(key),
    columns,
    rows: body,
    details,
    more: Math.max(0, rows.length - MAX_TABLE_ROWS),
  }
}
