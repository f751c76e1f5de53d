// Turning database values into contract cells without losing anything: SQLite values arrive with
// safeIntegers (bigint), PostgreSQL values arrive as the server's text (our pool parses nothing),
// so int8 and numeric stay exact. Row keys travel as opaque, typed strings.
import { FerryError } from '../../../shared/contract/envelope'
import type { Cell, CellValue } from '../../../shared/contract/inspect'

/** Characters of text shown in the grid before a value becomes { t: 'long' }. */
export const TEXT_PREVIEW = 300
export const HEX_PREVIEW_BYTES = 32
const MAX_TEXT = 4 * 1024 * 1024
const MAX_BLOB = 1024 * 1024
const SAFE = BigInt(Number.MAX_SAFE_INTEGER)

export function looksLikeJson(s: string): boolean {
  const c = s.trimStart()[0]
  if (c !== '{' && c !== '[') return false
  try {
    const v: unknown = JSON.parse(s)
    return typeof v === 'object' && v !== null
  } catch {
    return false
  }
}

function textCell(s: string): Cell {
  if (s.length > TEXT_PREVIEW) {
    const head = s.trimStart()[0]
    return {
      t: 'long',
      v: s.slice(0, TEXT_PREVIEW),
      chars: s.length,
      json: (head === '{' || head === '[') && looksLikeJson(s),
    }
  }
  return looksLikeJson(s) ? { t: 'json', v: s } : s
}

function blobCell(b: Uint8Array): Cell {
  return {
    t: 'blob',
    size: b.length,
    hex: Buffer.from(b.subarray(0, HEX_PREVIEW_BYTES)).toString('hex'),
  }
}

/**
 * A text or blob value over this many bytes is cut to its preview by the database itself
 * (Dialect.preview): a page of 100 rows of 10 MB snapshots no longer brings 1 GB into the process
 * to show 300 characters each. Anything under it reads whole, as before (at 4 KiB every text cut
 * is one the grid shows as long anyway: more than TEXT_PREVIEW characters).
 */
export const LONG_VALUE_BYTES = 4096
/** A cut text over this many bytes is not checked for JSON in the grid (the viewer still does). */
export const JSON_CHECK_BYTES = 1024 * 1024

/**
 * A large SQLite value cut to its preview: `meta` is "b:<bytes>" for a blob, "t:<characters>:<1
 * if valid JSON>" for text. The cell textCell/blobCell give for the whole value, except that
 * characters are counted as code points and a text over JSON_CHECK_BYTES is not marked JSON.
 */
export function sqlitePreviewCell(preview: unknown, meta: string): Cell {
  const [kind, size, json] = meta.split(':')
  if (kind === 'b') {
    const b = preview instanceof Uint8Array ? preview : Buffer.alloc(0)
    return {
      t: 'blob',
      size: Number(size),
      hex: Buffer.from(b.subarray(0, HEX_PREVIEW_BYTES)).toString('hex'),
    }
  }
  const v = String(preview).slice(0, TEXT_PREVIEW)
  const head = v.trimStart()[0]
  return { t: 'long', v, chars: Number(size), json: json === '1' && (head === '{' || head === '[') }
}

/**
 * A large PostgreSQL value cut to its preview: `meta` is "<type>:<characters of its text>:<head
 * of its text>", for bytea "bytea:<bytes>:<hex of the first bytes>"; json/jsonb: long JSON; text:
 * long text, not marked JSON (PostgreSQL 15 cannot check it without reading it here; the cell
 * viewer still finds it is JSON when opened).
 */
export function pgPreviewCell(_value: unknown, meta: string): Cell {
  const a = meta.indexOf(':')
  const b = meta.indexOf(':', a + 1)
  const type = meta.slice(0, a)
  const chars = Number(meta.slice(a + 1, b))
  const head = meta.slice(b + 1)
  // bytea: its size in bytes and the hex of its first bytes (pg-source.ts).
  if (type === 'bytea') return { t: 'blob', size: chars, hex: head }
  return {
    t: 'long',
    v: head.slice(0, TEXT_PREVIEW),
    chars,
    json: type === 'json' || type === 'jsonb',
  }
}

/** A value read from better-sqlite3 with safeIntegers(true). */
export function sqliteCell(v: unknown): Cell {
  if (v === null || v === undefined) return null
  if (typeof v === 'bigint')
    return v <= SAFE && v >= -SAFE ? Number(v) : { t: 'num', v: v.toString() }
  if (typeof v === 'number') return Number.isFinite(v) ? v : { t: 'num', v: String(v) }
  if (typeof v === 'string') return textCell(v)
  if (v instanceof Uint8Array) return blobCell(v)
  return String(v)
}

const PG_INT = new Set([20, 21, 23, 26]) // int8, int2, int4, oid
const PG_FLOAT = new Set([700, 701])
const PG_JSON = new Set([114, 3802])
const PG_BYTEA = 17
const PG_BOOL = 16
const PG_NUMERIC = 1700

/** A value read as text from PostgreSQL, typed by the result field's type oid. */
export function pgCell(v: string | null, typeOid: number): Cell {
  if (v === null) return null
  if (PG_INT.has(typeOid)) {
    const n = BigInt(v)
    return n <= SAFE && n >= -SAFE ? Number(n) : { t: 'num', v }
  }
  if (PG_FLOAT.has(typeOid)) {
    const n = Number(v)
    return Number.isFinite(n) && String(n) === v ? n : { t: 'num', v }
  }
  if (typeOid === PG_NUMERIC) return { t: 'num', v }
  if (typeOid === PG_BOOL) return v === 't'
  if (typeOid === PG_BYTEA) return blobCell(Buffer.from(v.slice(2), 'hex'))
  if (PG_JSON.has(typeOid))
    return v.length > TEXT_PREVIEW
      ? { t: 'long', v: v.slice(0, TEXT_PREVIEW), chars: v.length, json: true }
      : { t: 'json', v }
  return textCell(v)
}

/** The whole value of one cell, for the cell viewer. */
export function fullValue(v: unknown, pgTypeOid?: number): CellValue {
  if (v === null || v === undefined)
    return { kind: 'null', value: null, size: 0, truncated: false, json: false }
  if (pgTypeOid === PG_BYTEA && typeof v === 'string') v = Buffer.from(v.slice(2), 'hex')
  if (v instanceof Uint8Array) {
    const hex = Buffer.from(v.subarray(0, MAX_BLOB)).toString('hex')
    return { kind: 'blob', value: hex, size: v.length, truncated: v.length > MAX_BLOB, json: false }
  }
  if (typeof v === 'bigint' || typeof v === 'number')
    return {
      kind: 'number',
      value: String(v),
      size: String(v).length,
      truncated: false,
      json: false,
    }
  if (pgTypeOid === PG_BOOL)
    return {
      kind: 'boolean',
      value: v === 't' ? 'true' : 'false',
      size: 1,
      truncated: false,
      json: false,
    }
  const s = String(v)
  if (
    pgTypeOid !== undefined &&
    (PG_INT.has(pgTypeOid) || PG_FLOAT.has(pgTypeOid) || pgTypeOid === PG_NUMERIC)
  )
    return { kind: 'number', value: s, size: s.length, truncated: false, json: false }
  return {
    kind: 'text',
    value: s.slice(0, MAX_TEXT),
    size: s.length,
    truncated: s.length > MAX_TEXT,
    json: looksLikeJson(s),
  }
}

/** A key value: typed so it binds back exactly as it was read. */
export type KeyValue = null | { i: string } | { r: number } | { s: string } | { b: string }

export function toKeyValue(v: unknown): KeyValue {
  if (v === null || v === undefined) return null
  if (typeof v === 'bigint') return { i: v.toString() }
  if (typeof v === 'number') return Number.isInteger(v) ? { i: String(v) } : { r: v }
  if (v instanceof Uint8Array) return { b: Buffer.from(v).toString('hex') }
  return { s: String(v) }
}

/** Back to a bind value: SQLite takes bigint/Buffer; PostgreSQL takes everything as text. */
export function fromKeyValue(k: KeyValue, dialect: 'sqlite' | 'pg'): unknown {
  if (k === null) return null
  if ('i' in k) return dialect === 'sqlite' ? BigInt(k.i) : k.i
  if ('r' in k) return dialect === 'sqlite' ? k.r : String(k.r)
  if ('b' in k) return dialect === 'sqlite' ? Buffer.from(k.b, 'hex') : `\\x${k.b}`
  return k.s
}

export function encodeKey(values: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(values.map(toKeyValue))).toString('base64url')
}

export function decodeKey(key: string, width: number): KeyValue[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(key, 'base64url').toString('utf8'))
  } catch {
    parsed = null
  }
  if (!Array.isArray(parsed) || parsed.length !== width) {
    throw new FerryError(
      'BAD_KEY',
      'The row key does not belong to this table view.',
      'Reload the table and try again.',
    )
  }
  return parsed as KeyValue[]
}
