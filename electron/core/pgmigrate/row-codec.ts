// One SQLite row → its COPY line and its hash, or the reasons it must go to the reject log.
// Values PostgreSQL would refuse or alter are caught here, before anything is sent: NUL in text,
// invalid UTF-8 (better-sqlite3 hands it over as U+FFFD, so such strings are re-read as bytes),
// \u0000 or duplicate keys in JSON, numbers that do not fit the column's type.
import type Database from 'better-sqlite3'
import { quoteIdent, type SqliteDb } from '../sqlite/open'
import { invalidTextReason, textEncoding, validTextBytes } from '../sqlite/text-encoding'
import {
  copyField,
  encoderFor,
  isRejection,
  plainCanonical,
  rowTextHash,
  type Canon,
} from './canonical'
import { keyCmpSql, keyText, keyWidth, keySelectSql } from './keys'
import { q } from './names'
import { float8Text, quoteNullable } from './scalars'
import type { RejectRow } from './ledger'
import type { TablePlan } from './types'

export interface EncodedRow {
  key: string
  /** The COPY text line (with its newline), except in 'hash' mode; null when the row is rejected. */
  line: string | null
  /** The row's hash (canonical.ts), except in 'line' mode (0 there). */
  hash: bigint
  rejects: RejectRow[] | null
}

/** A refusal learnt from PostgreSQL itself on an earlier attempt (column null: the whole row). */
export type ForcedRejects = Map<string, { column: string | null; reason: string }>

export interface RowCodec {
  /**
   * The SELECT list: key columns first, then the table's columns in plan order, then SQLite's hex
   * of each bytea column's blob (a blob's own place then holds NULL: see natural()).
   */
  selectList: string
  keyWidth: number
  /** A selected row as the plain SQLite values: keys, then the columns (blobs as Buffers). */
  natural(row: unknown[]): unknown[]
  /** `ruled`: columns whose value a recorded reject rule set (not re-read from SQLite as bytes). */
  encode(
    row: unknown[],
    mode: 'line' | 'hash' | 'both',
    forced?: ForcedRejects,
    ruled?: ReadonlySet<number>,
  ): EncodedRow
}

/**
 * `computed`: target columns PostgreSQL computes (generated, ddl.ts generatedColumns): left out of
 * the COPY line (copyColumnsSql lists the others), still part of the row's hash.
 */
export function makeRowCodec(
  db: SqliteDb,
  plan: TablePlan,
  computed?: ReadonlySet<string>,
): RowCodec {
  const kw = keyWidth(plan.key)
  const inLine = plan.columns.map((c) => !computed?.has(c.target))
  const encoders = plan.columns.map((c) => encoderFor(c))
  const types = plan.columns.map((c) => c.type)
  const plain = types.map(plainCanonical)
  const isText = types.map((t) => t === 'text')
  const isBytea = types.map((t) => t === 'bytea')
  // Per row, reused: the canonical texts, and which of them hold nothing to escape or quote.
  const canon: (string | null)[] = new Array(encoders.length)
  const clean: boolean[] = new Array(encoders.length)
  const rawStmts = new Map<number, Database.Statement>()
  // A text value's bytes (rawBytes) are in the database's encoding: UTF-8 or UTF-16.
  const encoding = textEncoding(db)
  // The pre-flight's map choice (types.ts ColumnPlan.valueMap), by column index.
  const maps = plan.columns.map((c) => (c.valueMap ? new Map(Object.entries(c.valueMap)) : null))
  const keyEq = keyCmpSql(plan.key, '=')
  const algo = plan.rowHash ?? 'md5'
  // A blob bound for bytea is read as SQLite's hex() of it: made in C, with no Buffer per value
  // (better-sqlite3's costliest value) nor a hex conversion here. Beyond SQL_HEX_MAX the blob
  // comes as a Buffer, as before (a huge one is quarantined by tooLarge, not failed in SQLite).
  const n = plan.columns.length
  const hexAt = new Array<number>(n).fill(-1)
  const hexSelect: string[] = []
  plan.columns.forEach((c, i) => {
    if (c.type !== 'bytea') return
    hexAt[i] = kw + n + hexSelect.length
    hexSelect.push(`CASE WHEN ${sqlHexable(c.source)} THEN lower(hex(${quoteIdent(c.source)})) END`)
  })
  const natural = (row: unknown[]): unknown[] => {
    if (row.length === kw + n) return row
    const out = row.slice(0, kw + n)
    for (let i = 0; i < n; i++) {
      const h = hexAt[i]! >= 0 ? row[hexAt[i]!] : null
      if (typeof h === 'string') out[kw + i] = Buffer.from(h, 'hex')
    }
    return out
  }

  const rawBytes = (i: number, keyVals: unknown[]): Buffer | null => {
    let st = rawStmts.get(i)
    if (!st) {
      st = db
        .prepare(
          `SELECT CAST(${quoteIdent(plan.columns[i]!.source)} AS BLOB) FROM ${quoteIdent(plan.source)} WHERE ${keyEq}`,
        )
        .pluck()
        .safeIntegers(true)
      rawStmts.set(i, st)
    }
    return (st.get(...keyVals) as Buffer | null | undefined) ?? null
  }

  const encode: RowCodec['encode'] = (row, mode, forced, ruled) => {
    const hexed = row.length > kw + n
    const keyVals = row.slice(0, kw)
    const key = keyText(plan.key, keyVals)
    const force = forced?.get(key)
    let rejects: RejectRow[] | null = null
    let raws: Map<number, Buffer> | null = null
    for (let i = 0; i < encoders.length; i++) {
      let v = row[kw + i]
      const map = maps[i]
      if (map && typeof v === 'string') v = map.get(v) ?? v
      let c: Canon
      clean[i] = plain[i]!
      const hex = hexed && hexAt[i]! >= 0 ? row[hexAt[i]!] : null
      if (typeof hex === 'string' && !ruled?.has(i)) {
        c = hex
      } else if (typeof v === 'string' && isText[i] && !TEXT_SPECIAL.test(v)) {
        // The common text value, in one scan: no U+FFFD, no NUL, nothing to escape or quote.
        c = v
        clean[i] = true
      } else if (typeof v === 'string' && v.includes('\uFFFD') && !ruled?.has(i)) {
        const raw = rawBytes(i, keyVals)
        if (raw && !validTextBytes(raw, encoding)) {
          if (isBytea[i] && encoding === 'UTF-8') {
            // Bytes into bytea: the very bytes SQLite holds, whatever their encoding.
            c = raw.toString('hex')
          } else {
            ;(raws ??= new Map()).set(i, raw)
            c = { reason: invalidTextReason(encoding) }
          }
        } else c = encoders[i]!(v)
      } else c = encoders[i]!(v)
      if (force && force.column === plan.columns[i]!.target) c = { reason: force.reason }
      if (isRejection(c)) {
        if (typeof hex === 'string') v = Buffer.from(hex, 'hex')
        const raw = raws?.get(i)
        ;(rejects ??= []).push({
          key,
          column: plan.columns[i]!.source,
          reason: c.reason,
          storage: storageOf(v),
          rawHex: raw ? raw.toString('hex') : rawHex(v),
          rowJson: '',
        })
      } else {
        canon[i] = c
        // One scan instead of COPY's and quote_nullable()'s own (a JSON text, say).
        if (!clean[i] && c !== null) clean[i] = !ESCAPED.test(c)
      }
    }
    if (force && force.column === null && !rejects)
      rejects = [
        { key, column: null, reason: force.reason, storage: null, rawHex: null, rowJson: '' },
      ]
    if (rejects) {
      const json = rowJson(plan, natural(row).slice(kw), raws)
      for (const r of rejects) r.rowJson = json
      return { key, line: null, hash: 0n, rejects }
    }
    // The COPY line and the hash's row text (canonical.ts) in one pass; a clean field is written
    // as it is, the others through the full escaping and quoting.
    const wantLine = mode !== 'hash'
    const wantHash = mode !== 'line'
    let line = ''
    let text = ''
    let fields = 0
    for (let i = 0; i < canon.length; i++) {
      const c = canon[i] ?? null
      if (wantLine && inLine[i]) {
        if (fields++) line += '\t'
        line += clean[i] && c !== null && !isBytea[i] ? c : copyField(c, types[i]!)
      }
      if (wantHash) {
        if (i) text += ','
        text += clean[i] && c !== null ? `'${c}'` : quoteNullable(c)
      }
    }
    return {
      key,
      line: wantLine ? line + '\n' : null,
      hash: wantHash ? rowTextHash(text, algo) : 0n,
      rejects: null,
    }
  }

  return {
    selectList: [
      keySelectSql(plan.key),
      ...plan.columns.map((c) =>
        c.type === 'bytea'
          ? `CASE WHEN ${sqlHexable(c.source)} THEN NULL ELSE ${quoteIdent(c.source)} END`
          : quoteIdent(c.source),
      ),
      ...hexSelect,
    ].join(', '),
    keyWidth: kw,
    natural,
    encode(row, mode, forced, ruled) {
      try {
        return encode(row, mode, forced, ruled)
      } catch (err) {
        if (!isTooLong(err)) throw err
        return tooLarge(plan, natural(row), kw)
      }
    },
  }
}

/** Blobs up to this size are hexed by SQLite (row-codec's hexSelect). */
const SQL_HEX_MAX = 16 * 1024 * 1024

/** typeof() and length() of a blob read only the record header, not the value. */
const sqlHexable = (column: string): string =>
  `typeof(${quoteIdent(column)}) = 'blob' AND length(${quoteIdent(column)}) <= ${SQL_HEX_MAX}`

/** V8 cannot make a string this long: a value's hex, its escaped text or its COPY line. */
const isTooLong = (err: unknown): boolean =>
  (err as { code?: string })?.code === 'ERR_STRING_TOO_LONG' ||
  (err instanceof RangeError && /Invalid string length/.test(err.message))

const valueBytes = (v: unknown): number =>
  Buffer.isBuffer(v) ? v.length : typeof v === 'string' ? Buffer.byteLength(v) : 0

/**
 * A row holding a value too large to convert in one piece (a blob over ~256 MiB becomes more hex
 * than a JavaScript string holds): quarantined, never altered, never a failed load. Its largest
 * value is named; the reject log keeps the row without the huge values (SQLite still has them).
 */
function tooLarge(plan: TablePlan, row: unknown[], kw: number): EncodedRow {
  const key = keyText(plan.key, row.slice(0, kw))
  const values = row.slice(kw)
  let big = 0
  values.forEach((v, i) => {
    if (valueBytes(v) > valueBytes(values[big])) big = i
  })
  const bytes = valueBytes(values[big])
  const small = values.map((v) => (valueBytes(v) > 1024 * 1024 ? null : v))
  const json = JSON.parse(rowJson(plan, small, null)) as Record<string, unknown>
  values.forEach((v, i) => {
    if (valueBytes(v) > 1024 * 1024)
      json[plan.columns[i]!.source] = { omittedBytes: valueBytes(v), storage: storageOf(v) }
  })
  return {
    key,
    line: null,
    hash: 0n,
    rejects: [
      {
        key,
        column: plan.columns[big]!.source,
        reason: `value of ${bytes.toLocaleString('en-US')} bytes is too large to convert in one piece (a blob over about 256 MiB, a text over about 512 MiB); it stays in SQLite: copy it by hand`,
        storage: storageOf(values[big]),
        rawHex: null,
        rowJson: JSON.stringify(json),
      },
    ],
  }
}

/** Characters that COPY's text format escapes or quote_nullable() quotes. */
const ESCAPED = /[\\\t\n\r']/
/** Those, and what makes a text value rejected or re-read as bytes (NUL, U+FFFD). */
// eslint-disable-next-line no-control-regex
const TEXT_SPECIAL = /[\u0000\\\t\n\r'\uFFFD]/

function storageOf(v: unknown): string {
  if (v === null) return 'null'
  if (typeof v === 'bigint') return 'integer'
  if (typeof v === 'number') return 'real'
  if (typeof v === 'string') return 'text'
  return 'blob'
}

function rawHex(v: unknown): string | null {
  if (v === null || v === undefined) return null
  if (Buffer.isBuffer(v)) return v.toString('hex')
  if (typeof v === 'string') return Buffer.from(v, 'utf8').toString('hex')
  if (typeof v === 'number') return Buffer.from(float8Text(v)).toString('hex')
  return Buffer.from(String(v)).toString('hex')
}

/** The whole row, JSON-safe and exact: integers as strings, blobs and invalid UTF-8 as hex. */
function rowJson(plan: TablePlan, values: unknown[], raws: Map<number, Buffer> | null): string {
  const out: Record<string, unknown> = {}
  plan.columns.forEach((c, i) => {
    const v = values[i]
    const raw = raws?.get(i)
    if (raw) out[c.source] = { invalidUtf8Hex: raw.toString('hex') }
    else if (typeof v === 'bigint') out[c.source] = { integer: v.toString() }
    else if (typeof v === 'number') out[c.source] = { real: float8Text(v) }
    else if (Buffer.isBuffer(v)) out[c.source] = { blobHex: v.toString('hex') }
    else out[c.source] = v ?? null
  })
  return JSON.stringify(out)
}

/** The column list of a COPY into the table: every column but those PostgreSQL computes. */
export function copyColumnsSql(plan: TablePlan, computed?: ReadonlySet<string>): string {
  return plan.columns
    .filter((c) => !computed?.has(c.target))
    .map((c) => q(c.target))
    .join(', ')
}
