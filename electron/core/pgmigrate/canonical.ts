// One canonical text per value, computed in JS for SQLite values and in SQL for the target's:
// it is what the loader COPYs, what the ledger's source hash and validation's checksums cover.
//   bigint      decimal                          c::text
//   numeric     plain decimal, trimmed           trim_scale(c)::text
//   double      float8out (scalars.ts)            c::text            (extra_float_digits = 1)
//   boolean     true / false                     c::text
//   timestamptz YYYY-MM-DDTHH:MI:SS.ffffffZ      to_char(c AT TIME ZONE 'UTC', …)
//   date        YYYY-MM-DD                       to_char(c, 'YYYY-MM-DD')
//   jsonb       jsonb_out (json-canon.ts)        c::text
//   bytea       lower-case hex                   encode(c, 'hex')
//   text        the string                       c
// A row's canonical text is its fields through quote_nullable() joined by ','; its hash is the
// first 8 bytes of the row text's digest (SHA-256 of its UTF-8, or MD5 in plans that predate it)
// as a signed 64-bit integer; a table's checksum is the exact sum of its rows' hashes
// (order-independent; a changed, missing or duplicated row changes it).
import { hash } from 'node:crypto'
import { canonicalJsonb } from './json-canon'
import { q } from './names'
import {
  decimalShape,
  epochText,
  float8Text,
  isIsoDate,
  isoTimestampText,
  numericText,
  quoteNullable,
} from './scalars'
import type { ColumnPlan } from './types'

export interface Rejection {
  reason: string
}

/** The canonical text, null for SQL NULL, or why PostgreSQL cannot take the value unchanged. */
export type Canon = string | null | Rejection

export type Encoder = (v: unknown) => Canon

const TWO_53 = 2n ** 53n

const kind = (v: unknown): string =>
  v === null
    ? 'NULL'
    : typeof v === 'bigint'
      ? 'an integer'
      : typeof v === 'number'
        ? 'a real'
        : typeof v === 'string'
          ? 'a text'
          : 'a blob'

const wrong = (v: unknown, type: string): Rejection => ({
  reason: `${kind(v)} value cannot be stored in ${type} unchanged`,
})

export function encoderFor(
  col: Pick<ColumnPlan, 'type' | 'precision' | 'scale'> & Pick<Partial<ColumnPlan>, 'epoch'>,
): Encoder {
  switch (col.type) {
    case 'bigint':
      return (v) => (v === null ? null : typeof v === 'bigint' ? v.toString() : wrong(v, 'bigint'))
    case 'boolean':
      return (v) =>
        v === null ? null : v === 0n ? 'false' : v === 1n ? 'true' : wrong(v, 'boolean')
    case 'double precision':
      return (v) => {
        if (v === null) return null
        if (typeof v === 'number') return float8Text(v)
        if (typeof v === 'bigint' && v <= TWO_53 && v >= -TWO_53) return float8Text(Number(v))
        return typeof v === 'bigint'
          ? { reason: 'integer beyond 2^53 cannot be stored exactly in double precision' }
          : wrong(v, 'double precision')
      }
    case 'numeric':
      return numericEncoder(col.precision, col.scale)
    case 'timestamptz':
      return (v) => {
        if (v === null) return null
        if (col.epoch && typeof v !== 'string')
          return epochText(v) ?? { reason: 'number is not epoch seconds Ferry reads as a time' }
        if (typeof v !== 'string') return wrong(v, 'timestamptz')
        return (
          isoTimestampText(v) ?? {
            reason: 'text is not an ISO-8601 timestamp PostgreSQL would store unchanged',
          }
        )
      }
    case 'date':
      return (v) => {
        if (v === null) return null
        if (typeof v !== 'string') return wrong(v, 'date')
        return isIsoDate(v)
          ? v
          : { reason: 'text is not an ISO-8601 date (YYYY-MM-DD) PostgreSQL would store unchanged' }
      }
    case 'jsonb':
      return (v) => {
        if (v === null) return null
        if (typeof v !== 'string') return wrong(v, 'jsonb')
        const c = canonicalJsonb(v)
        return c.ok ? c.text : { reason: c.reason }
      }
    case 'bytea':
      // A text value (a column declared BLOB, or --type c=bytea) is stored as its UTF-8 bytes.
      return (v) =>
        v === null
          ? null
          : Buffer.isBuffer(v)
            ? v.toString('hex')
            : typeof v === 'string'
              ? Buffer.from(v, 'utf8').toString('hex')
              : wrong(v, 'bytea')
    case 'text':
      return (v) => {
        if (v === null) return null
        if (typeof v === 'string')
          return v.includes('\0') ? { reason: 'NUL byte in text (PostgreSQL error 22021)' } : v
        if (typeof v === 'bigint') return v.toString()
        if (typeof v === 'number') return realAsText(v)
        return { reason: 'a blob value cannot be stored in a text column unchanged' }
      }
  }
}

/**
 * A REAL kept in a text column (one that also holds text): its shortest round-trip digits, with
 * '.0' on an integral value as SQLite's own CAST(x AS TEXT) writes it, so the real 2.0 stays
 * distinguishable from the integer 2 beside it (both would read '2' otherwise).
 */
export function realAsText(v: number): string {
  const t = float8Text(v)
  return /^-?\d+$/.test(t) ? `${t}.0` : t
}

function numericEncoder(precision: number | null, scale: number | null): Encoder {
  return (v) => {
    if (v === null) return null
    if (typeof v !== 'bigint' && typeof v !== 'number') return wrong(v, 'numeric')
    const text = numericText(v)
    if (text === null) return { reason: 'Infinity cannot be stored in numeric' }
    if (precision !== null) {
      const s = decimalShape(text)
      if (s.fracDigits > (scale ?? 0) || s.intDigits > precision - (scale ?? 0)) {
        return {
          reason: `${text} does not fit numeric(${precision},${scale ?? 0}) without rounding`,
        }
      }
    }
    return text
  }
}

export const isRejection = (c: Canon): c is Rejection => c !== null && typeof c === 'object'

/** The SQL expression of a target column's canonical text (the right-hand column above). */
export function canonicalSql(col: Pick<ColumnPlan, 'type' | 'target'>): string {
  const c = q(col.target)
  switch (col.type) {
    case 'numeric':
      return `trim_scale(${c})::text`
    case 'timestamptz':
      return `to_char(${c} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`
    case 'date':
      return `to_char(${c}, 'YYYY-MM-DD')`
    case 'bytea':
      return `encode(${c}, 'hex')`
    case 'text':
      return c
    default:
      return `${c}::text`
  }
}

/**
 * The digest of the row hashes. A plan records its own (TablePlan.rowHash); plans made before
 * SHA-256 was used have none and keep MD5, so their ledgers and resumes stay valid.
 */
export type RowHashAlgo = 'md5' | 'sha256'

/**
 * The digest new plans use: SHA-256 where this CPU computes it faster than MD5 (SHA extensions:
 * about twice as fast on a row of a few hundred bytes, here and in PostgreSQL), MD5 otherwise.
 * Either is exact; this only picks the cheaper one, once per process.
 */
export function preferredRowHash(): RowHashAlgo {
  if (preferred) return preferred
  const text = 'x'.repeat(600)
  const time = (algo: RowHashAlgo): number => {
    const t0 = performance.now()
    for (let i = 0; i < 1000; i++) hash(algo, text + i, 'binary')
    return performance.now() - t0
  }
  time('md5')
  time('sha256')
  // Interleaved, best of three: a busy machine slows both sides alike.
  let md5 = Infinity
  let sha = Infinity
  for (let i = 0; i < 3; i++) {
    md5 = Math.min(md5, time('md5'))
    sha = Math.min(sha, time('sha256'))
  }
  preferred = sha < md5 ? 'sha256' : 'md5'
  return preferred
}
let preferred: RowHashAlgo | null = null

/** SQL of one target row's hash (the same value as rowHash() of its source row). */
export function rowHashSql(
  columns: Pick<ColumnPlan, 'type' | 'target'>[],
  algo: RowHashAlgo = 'md5',
): string {
  const fields = columns.map((c) => `quote_nullable(${canonicalSql(c)})`)
  // A function takes at most 100 arguments (FUNC_MAX_ARGS): a wider table's fields are joined
  // in groups, then the groups — the same text, as no field is ever NULL (quote_nullable).
  const row = joinFields(fields)
  return algo === 'sha256'
    ? `('x' || encode(substr(sha256(convert_to(${row}, 'UTF8')), 1, 8), 'hex'))::bit(64)::bigint`
    : `('x' || left(md5(${row}), 16))::bit(64)::bigint`
}

const MAX_ARGS = 99

function joinFields(fields: string[]): string {
  if (fields.length <= MAX_ARGS) return `concat_ws(',', ${fields.join(', ')})`
  const groups: string[] = []
  for (let i = 0; i < fields.length; i += MAX_ARGS)
    groups.push(joinFields(fields.slice(i, i + MAX_ARGS)))
  return joinFields(groups)
}

/** SQL computing (rows, checksum) of a target table, or of the rows matching `where`. */
export function checksumSql(
  table: string,
  columns: Pick<ColumnPlan, 'type' | 'target'>[],
  where = '',
  algo: RowHashAlgo = 'md5',
): string {
  return `SELECT count(*)::text AS rows, coalesce(sum(${rowHashSql(columns, algo)}::numeric), 0)::text AS checksum FROM ${table}${where ? ` WHERE ${where}` : ''}`
}

/** The row hash: first 8 bytes of the digest of the canonical row text, signed. */
export function rowHash(fields: (string | null)[], algo: RowHashAlgo = 'md5'): bigint {
  let text = quoteNullable(fields[0] ?? null)
  for (let i = 1; i < fields.length; i++) text += ',' + quoteNullable(fields[i] ?? null)
  return rowTextHash(text, algo)
}

/** The row hash of a row's canonical text (fields through quote_nullable, joined by ','). */
export function rowTextHash(text: string, algo: RowHashAlgo = 'md5'): bigint {
  // A one-shot latin1 digest string: no Hash object nor Buffer per row (half the cost).
  const d = hash(algo, text, 'binary')
  const hi =
    ((d.charCodeAt(0) << 24) |
      (d.charCodeAt(1) << 16) |
      (d.charCodeAt(2) << 8) |
      d.charCodeAt(3)) >>>
    0
  const lo =
    ((d.charCodeAt(4) << 24) |
      (d.charCodeAt(5) << 16) |
      (d.charCodeAt(6) << 8) |
      d.charCodeAt(7)) >>>
    0
  return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo))
}

/** COPY text format: backslash, tab, newline and CR escaped; NULL is \N. */
export function copyField(c: string | null, type: ColumnPlan['type']): string {
  if (c === null) return '\\N'
  if (type === 'bytea') return `\\\\x${c}`
  return COPY_SPECIAL.test(c) ? c.replace(COPY_ESCAPES, (ch) => COPY_ESCAPE_MAP[ch] ?? ch) : c
}

/**
 * Types whose canonical text is digits, signs, hex and the like: it never holds a character that
 * COPY escaping or quote_nullable() change, so the row codec need not look for one.
 */
export const plainCanonical = (type: ColumnPlan['type']): boolean =>
  type !== 'text' && type !== 'jsonb'

const COPY_SPECIAL = /[\\\t\n\r]/
const COPY_ESCAPES = /[\\\t\n\r]/g
const COPY_ESCAPE_MAP: Record<string, string> = {
  '\\': '\\\\',
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
}
