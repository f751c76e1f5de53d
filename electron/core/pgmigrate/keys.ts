// Row keys: how the loader orders, resumes and names rows. A rowid table is read in rowid order
// and its key is the rowid; a WITHOUT ROWID table in primary-key order, its key the primary-key
// values as tagged JSON (types kept: 1 and '1' are different keys in SQLite), ordered and compared
// under the primary key index's collations (translate.ts tableKey).
import { quoteIdent } from '../sqlite/open'
import type { TableKey } from './types'
import type { Tagged } from '../../../shared/contract/row-key'

/** The key columns, each under the collation its uniqueness holds in (TableKey.collations). */
export function keySelectSql(key: TableKey): string {
  if (key.kind === 'rowid') return key.expr
  return key.columns
    .map((c, i) => {
      const coll = key.collations?.[i]
      return coll ? `${quoteIdent(c)} COLLATE ${quoteIdent(coll)}` : quoteIdent(c)
    })
    .join(', ')
}

export function keyWidth(key: TableKey): number {
  return key.kind === 'rowid' ? 1 : key.columns.length
}

/** `key > (?…)` with row values, or `key >= (?…) AND key <= (?…)` for a closed range. */
export function keyAfterSql(key: TableKey): string {
  const cols = keySelectSql(key)
  const ph = Array.from({ length: keyWidth(key) }, () => '?').join(', ')
  return key.kind === 'rowid' ? `${cols} > ?` : `(${cols}) > (${ph})`
}

export function keyRangeSql(key: TableKey): string {
  const cols = keySelectSql(key)
  const ph = Array.from({ length: keyWidth(key) }, () => '?').join(', ')
  return key.kind === 'rowid'
    ? `${cols} >= ? AND ${cols} <= ?`
    : `(${cols}) >= (${ph}) AND (${cols}) <= (${ph})`
}

/** `key <op> (?…)`: one bound of a key range (a split table's part, loader.ts), or one row (=). */
export function keyCmpSql(key: TableKey, op: '>' | '>=' | '<' | '='): string {
  const cols = keySelectSql(key)
  const ph = Array.from({ length: keyWidth(key) }, () => '?').join(', ')
  return key.kind === 'rowid' ? `${cols} ${op} ?` : `(${cols}) ${op} (${ph})`
}

/** The key's display and storage text. */
export function keyText(key: TableKey, values: unknown[]): string {
  if (key.kind === 'rowid') return String(values[0])
  return JSON.stringify(values.map(tag))
}

/** The values to bind for a key text (inverse of keyText). */
export function keyValues(key: TableKey, text: string): unknown[] {
  if (key.kind === 'rowid') return [BigInt(text)]
  return (JSON.parse(text) as Tagged[]).map(untag)
}

function tag(v: unknown): Tagged {
  if (v === null || v === undefined) return null
  if (typeof v === 'bigint') return { i: v.toString() }
  if (typeof v === 'number') return { r: v }
  if (typeof v === 'string') return { t: v }
  if (Buffer.isBuffer(v)) return { b: v.toString('hex') }
  return { t: String(v) }
}

function untag(t: Tagged): unknown {
  if (t === null) return null
  if ('i' in t) return BigInt(t.i)
  if ('r' in t) return t.r
  if ('t' in t) return t.t
  return Buffer.from(t.b, 'hex')
}
