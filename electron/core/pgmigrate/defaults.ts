// SQLite DEFAULT expressions → PostgreSQL, for the target column's chosen type. Literals and the
// current-time functions translate (SQLite's CURRENT_TIMESTAMP is UTC text 'YYYY-MM-DD HH:MM:SS',
// so a text column keeps getting that exact form); anything else is reported, never dropped.
import Database from 'better-sqlite3'
import pg from 'pg'
import { canonicalJsonb } from './json-canon'
import { float8Text, isIsoDate, isoTimestampText } from './scalars'
import type { PgType } from './types'

type Parsed =
  | { kind: 'null' }
  | { kind: 'number'; text: string; integer: boolean }
  | { kind: 'string'; value: string }
  | { kind: 'blob'; hex: string }
  | { kind: 'now'; part: 'timestamp' | 'date' | 'time' }
  | { kind: 'epoch' }
  | { kind: 'julianday' }
  | { kind: 'format'; pgFormat: string }

export interface DefaultTranslation {
  sql: string | null
  /** Why the default could not be carried over (null when it was, or there was none). */
  problem: string | null
}

export function parseSqliteDefault(raw: string): Parsed | null {
  let s = raw.trim()
  while (s.startsWith('(') && s.endsWith(')')) s = s.slice(1, -1).trim()
  const u = s.toUpperCase().replace(/\s+/g, '')
  if (u === 'NULL') return { kind: 'null' }
  if (u === 'TRUE' || u === 'FALSE')
    return { kind: 'number', text: u === 'TRUE' ? '1' : '0', integer: true }
  if (/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(s)) {
    return { kind: 'number', text: s.replace(/^\+/, ''), integer: /^[+-]?\d+$/.test(s) }
  }
  // A hex integer literal (0x10), read as SQLite reads it: 64-bit two's complement.
  const hex = /^([+-]?)0[xX]([0-9a-fA-F]{1,16})$/.exec(s)
  if (hex) {
    const v = BigInt.asIntN(64, BigInt(`0x${hex[2]}`))
    return { kind: 'number', text: (hex[1] === '-' ? -v : v).toString(), integer: true }
  }
  const str = /^'((?:[^']|'')*)'$/s.exec(s)
  if (str) return { kind: 'string', value: (str[1] ?? '').replace(/''/g, "'") }
  // A double-quoted word in a DEFAULT is a string to SQLite (no column can be meant there).
  const dq = /^"((?:[^"]|"")*)"$/s.exec(s)
  if (dq) return { kind: 'string', value: (dq[1] ?? '').replace(/""/g, '"') }
  const blob = /^[xX]'([0-9a-fA-F]*)'$/.exec(s)
  if (blob && (blob[1] ?? '').length % 2 === 0)
    return { kind: 'blob', hex: (blob[1] ?? '').toLowerCase() }
  if (u === 'CURRENT_TIMESTAMP' || u === "DATETIME('NOW')")
    return { kind: 'now', part: 'timestamp' }
  if (u === 'CURRENT_DATE' || u === "DATE('NOW')") return { kind: 'now', part: 'date' }
  if (u === 'CURRENT_TIME' || u === "TIME('NOW')") return { kind: 'now', part: 'time' }
  if (/^UNIXEPOCH\(('NOW')?\)$/.test(u)) return { kind: 'epoch' }
  // '%s' (seconds since 1970) is lower case; '%S' is the seconds field.
  if (
    /^(STRFTIME\('%S','NOW'\)|CAST\(STRFTIME\('%S','NOW'\)ASINTEGER\))$/.test(u) &&
    s.includes("'%s'")
  )
    return { kind: 'epoch' }
  if (u === "JULIANDAY('NOW')") return { kind: 'julianday' }
  const f = /^strftime\s*\(\s*'([^']*)'\s*,\s*'now'\s*\)$/i.exec(s)
  if (f) {
    const pgFormat = strftimeToPg(f[1]!)
    if (pgFormat) return { kind: 'format', pgFormat }
  }
  return null
}

const STRFTIME: Record<string, string> = {
  '%Y': 'YYYY',
  '%m': 'MM',
  '%d': 'DD',
  '%H': 'HH24',
  '%M': 'MI',
  '%S': 'SS',
  '%f': 'SS.MS',
  '%j': 'DDD',
}

/** A strftime format of date/time fields → to_char's; null when it has anything else. */
function strftimeToPg(fmt: string): string | null {
  let out = ''
  for (let i = 0; i < fmt.length; i++) {
    const ch = fmt[i]!
    if (ch === '%') {
      const p = STRFTIME[fmt.slice(i, i + 2)]
      if (!p) return null
      out += p
      i++
    } else if (/[-:. /]/.test(ch)) out += ch
    else if (/[A-Za-z]/.test(ch)) out += `"${ch}"`
    else return null
  }
  return out
}

const EPOCH = 'extract(epoch from CURRENT_TIMESTAMP)'

const NOW_TEXT: Record<'timestamp' | 'date' | 'time', string> = {
  timestamp: `to_char(CURRENT_TIMESTAMP AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')`,
  date: `to_char(CURRENT_TIMESTAMP AT TIME ZONE 'UTC', 'YYYY-MM-DD')`,
  time: `to_char(CURRENT_TIMESTAMP AT TIME ZONE 'UTC', 'HH24:MI:SS')`,
}

export function translateDefault(raw: string | null, type: PgType): DefaultTranslation {
  if (raw === null) return { sql: null, problem: null }
  const p = parseSqliteDefault(raw) ?? constantDefault(raw)
  const no = (why: string): DefaultTranslation => ({
    sql: null,
    problem: `DEFAULT ${raw} not carried over: ${why}`,
  })
  if (!p)
    return no('not a literal, a constant expression or a current-time function Ferry translates')
  if (p.kind === 'null') return { sql: null, problem: null }
  const lit = (s: string): DefaultTranslation => ({ sql: pg.escapeLiteral(s), problem: null })
  switch (p.kind) {
    case 'number':
      if (type === 'text') return lit(p.text)
      if (type === 'bigint')
        return p.integer ? { sql: p.text, problem: null } : no('not an integer')
      if (type === 'numeric' || type === 'double precision') return { sql: p.text, problem: null }
      if (type === 'boolean')
        return p.text === '0' || p.text === '1'
          ? { sql: p.text === '1' ? 'true' : 'false', problem: null }
          : no('not 0 or 1')
      return no(`a number is not a ${type} value`)
    case 'string': {
      if (type === 'text') return lit(p.value)
      if (type === 'jsonb') {
        const c = canonicalJsonb(p.value)
        return c.ok ? lit(c.text) : no(c.reason)
      }
      if (type === 'timestamptz') {
        const t = isoTimestampText(p.value)
        return t ? lit(t) : no('not an ISO-8601 timestamp')
      }
      if (type === 'date') return isIsoDate(p.value) ? lit(p.value) : no('not an ISO-8601 date')
      if (type === 'boolean')
        return p.value === '0' || p.value === '1'
          ? { sql: p.value === '1' ? 'true' : 'false', problem: null }
          : no('not 0 or 1')
      if (/^[+-]?\d+$/.test(p.value) && type === 'bigint') return { sql: p.value, problem: null }
      if (
        /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(p.value) &&
        (type === 'numeric' || type === 'double precision')
      )
        return { sql: p.value, problem: null }
      return no(`the text is not a ${type} value`)
    }
    case 'blob':
      return type === 'bytea'
        ? { sql: `decode('${p.hex}', 'hex')`, problem: null }
        : no(`a blob is not a ${type} value`)
    case 'epoch':
      if (type === 'bigint' || type === 'numeric')
        return { sql: `floor(${EPOCH})::bigint`, problem: null }
      if (type === 'double precision') return { sql: `floor(${EPOCH})`, problem: null }
      if (type === 'text') return { sql: `floor(${EPOCH})::bigint::text`, problem: null }
      if (type === 'timestamptz')
        return { sql: `date_trunc('second', CURRENT_TIMESTAMP)`, problem: null }
      return no(`seconds since 1970 are not a ${type} value`)
    case 'julianday':
      if (type === 'double precision' || type === 'numeric')
        return { sql: `(${EPOCH} / 86400.0 + 2440587.5)`, problem: null }
      return no(`a Julian day number is not a ${type} value`)
    case 'format':
      if (type === 'text')
        return {
          sql: `to_char(CURRENT_TIMESTAMP AT TIME ZONE 'UTC', ${pg.escapeLiteral(p.pgFormat)})`,
          problem: null,
        }
      if (type === 'timestamptz') return { sql: 'CURRENT_TIMESTAMP', problem: null }
      if (type === 'date' && p.pgFormat === 'YYYY-MM-DD')
        return { sql: `(CURRENT_TIMESTAMP AT TIME ZONE 'UTC')::date`, problem: null }
      return no(`a formatted time is not a ${type} value`)
    case 'now':
      if (type === 'text') return { sql: NOW_TEXT[p.part], problem: null }
      if (type === 'timestamptz' && p.part === 'timestamp')
        return { sql: 'CURRENT_TIMESTAMP', problem: null }
      // SQLite's date('now') is the UTC date; CURRENT_DATE would be the session time zone's.
      if (type === 'date' && p.part === 'date')
        return { sql: `(CURRENT_TIMESTAMP AT TIME ZONE 'UTC')::date`, problem: null }
      if (type === 'timestamptz' && p.part === 'date')
        return {
          sql: `date_trunc('day', CURRENT_TIMESTAMP AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`,
          problem: null,
        }
      return no(`the current ${p.part} is not a ${type} value`)
  }
}

let scratch: Database.Database | null = null

/**
 * A constant DEFAULT expression — (1+2), (lower('ABC')), (10 * 60) — as the value SQLite gives
 * every row that omits the column, computed by SQLite itself in a scratch in-memory database
 * (never the source). Only a deterministic expression: SQLite refuses random(), 'now' and the
 * like in a generated column, and those stay reported. Null when SQLite cannot evaluate it (an
 * application's function, say).
 */
function constantDefault(raw: string): Parsed | null {
  try {
    scratch ??= new Database(':memory:')
    scratch.prepare('DROP TABLE IF EXISTS d').run()
    // No declared type: no affinity, so the value keeps the storage class the expression gives.
    scratch.prepare(`CREATE TABLE d (k INTEGER PRIMARY KEY, v AS (${raw}))`).run()
    scratch.prepare('INSERT INTO d (k) VALUES (1)').run()
    const [v, bytes] = scratch
      .prepare('SELECT v, CAST(v AS BLOB) FROM d')
      .raw(true)
      .safeIntegers(true)
      .get() as [unknown, Buffer | null]
    if (v === null || v === undefined) return { kind: 'null' }
    if (typeof v === 'bigint') return { kind: 'number', text: v.toString(), integer: true }
    if (typeof v === 'number')
      return Number.isFinite(v) ? { kind: 'number', text: float8Text(v), integer: false } : null
    // Text PostgreSQL would refuse (NUL) or that is not UTF-8 (read back as U+FFFD): reported.
    if (typeof v === 'string')
      return v.includes('\0') || !bytes?.equals(Buffer.from(v, 'utf8'))
        ? null
        : { kind: 'string', value: v }
    if (Buffer.isBuffer(v)) return { kind: 'blob', hex: v.toString('hex') }
    return null
  } catch {
    return null
  }
}
