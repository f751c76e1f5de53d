// Profiles the values each column actually holds, in SQL, one pass per table: storage classes,
// and how many values pass each candidate type's test (JSON object/array, ISO-8601, 0/1, fits
// numeric(p,s)). The choice of type is then a pure function of these counts (decide.ts), and
// the rows that blocked a candidate are sampled by key for the report.
import { fromTable } from '../sqlite/integrity'
import { quoteIdent, type SqliteDb } from '../sqlite/open'
import { keySelectSql, keyText, keyWidth } from './keys'
import { epochText, isoTimestampText } from './scalars'
import type { TableKey } from './types'
import { keyDisplay } from '../../../shared/contract/row-key'
import { jsonbKeeps } from './json-canon'

export interface ColumnStats {
  nulls: number
  ints: number
  reals: number
  texts: number
  blobs: number
  /**
   * Text values that are JSON objects or arrays jsonb stores unchanged (SQLite's json_valid and
   * json_type, then json-canon: no duplicate key, no \u0000, exponents numeric accepts).
   */
  json: number
  /** Text values that are ISO-8601 timestamps PostgreSQL stores unchanged (scalars.ts). */
  timestamps: number
  /** Integer values 0 or 1. */
  zeroOne: number
  /** Integer values beyond ±2^53 (not exact in double precision). */
  hugeInts: number
  /** Numbers that fit the declared numeric(p,s) exactly; null when none is declared. */
  fitsDeclared: number | null
}

export interface NumericBounds {
  precision: number
  scale: number
}

const COLUMNS_PER_QUERY = 60

/**
 * `bytesOnly` (below): columns declared BLOB, whose text values are not tested for JSON or ISO-8601
 * times — decide.ts never makes such a column jsonb or timestamptz, and those tests are the
 * profile's costliest (a raw log line per row: a third of the 1M-event demo's file_events profile).
 */
const NONE: ReadonlySet<string> = new Set()

/** Registers the SQL function the profile uses (on a read-only connection this is allowed). */
export function registerProfileFunctions(db: SqliteDb): void {
  db.function('ferry_is_iso_ts', { deterministic: true }, (v: unknown) =>
    typeof v === 'string' && isoTimestampText(v) !== null ? 1 : 0,
  )
  db.function('ferry_is_epoch', { deterministic: true, safeIntegers: true }, (v: unknown) =>
    epochText(v) !== null ? 1 : 0,
  )
  // JSON that jsonb would refuse or change beyond its spelling (a duplicate key keeps only its
  // last value, \u0000, an exponent numeric refuses) is not JSON for the jsonb candidate: the
  // column keeps text, rather than sending such rows to the reject log (the loader's own test).
  db.function('ferry_jsonb_ok', { deterministic: true }, (v: unknown) =>
    typeof v === 'string' && jsonbKeeps(v) ? 1 : 0,
  )
}

/**
 * A column compared by bytes: what PostgreSQL's default comparison will see, and it spares SQLite
 * from looking up the column's own collation, which may be one only its application defines.
 */
export const binary = (name: string): string => `${quoteIdent(name)} COLLATE BINARY`

const T = (c: string) => `typeof(${c})`
/** A text value that is a JSON object or array jsonb stores without change (ferry_jsonb_ok). */
const JSON_OK = (c: string) =>
  `CASE WHEN json_valid(${c}) THEN (CASE WHEN json_type(${c}) IN ('object', 'array') THEN ferry_jsonb_ok(${c}) = 1 ELSE 0 END) ELSE 0 END`
const IS_JSON = (c: string) => `CASE WHEN ${T(c)} = 'text' THEN ${JSON_OK(c)} ELSE 0 END`
const TS_GLOB = '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*'
const IS_TS = (c: string) =>
  `CASE WHEN ${T(c)} = 'text' AND ${c} GLOB '${TS_GLOB}' THEN ferry_is_iso_ts(${c}) ELSE 0 END`
const FITS = (c: string, b: NumericBounds) =>
  `(${T(c)} IN ('integer', 'real') AND abs(${c}) < 1e${b.precision - b.scale} AND ${c} = round(${c}, ${b.scale}))`

export interface ProfileResult {
  rows: number
  stats: Map<string, ColumnStats>
}

/**
 * The profile's aggregate queries in their wide form: ten sums per column, in the order of
 * ColumnStats (one query per COLUMNS_PER_QUERY columns). profileQuery runs the packed form below
 * and falls back to this one only when a slice holds too many rows to pack.
 */
export function profileSql(
  table: string,
  columns: string[],
  bounds: Map<string, NumericBounds>,
  where = '',
  bytesOnly: ReadonlySet<string> = NONE,
): string[] {
  const out: string[] = []
  for (let at = 0; at < columns.length; at += COLUMNS_PER_QUERY) {
    const exprs = columns.slice(at, at + COLUMNS_PER_QUERY).flatMap((name) => {
      const c = binary(name)
      const b = bounds.get(name)
      const bytes = bytesOnly.has(name)
      return [
        `sum(${T(c)} = 'null')`,
        `sum(${T(c)} = 'integer')`,
        `sum(${T(c)} = 'real')`,
        `sum(${T(c)} = 'text')`,
        `sum(${T(c)} = 'blob')`,
        bytes ? '0' : `sum(${IS_JSON(c)})`,
        bytes ? '0' : `sum(${IS_TS(c)})`,
        `sum(${T(c)} = 'integer' AND ${c} IN (0, 1))`,
        `sum(${T(c)} = 'integer' AND (${c} > 9007199254740992 OR ${c} < -9007199254740992))`,
        b ? `sum(${FITS(c, b)})` : 'NULL',
      ]
    })
    out.push(
      `SELECT ${exprs.join(', ')} FROM ${quoteIdent(table)}${where ? ` WHERE ${where}` : ''}`,
    )
  }
  return out
}

/**
 * Bits per counter in the packed form. Every aggregate SQLite steps costs as much as reading the
 * row, so the packed form adds counters that exclude each other's rows into one sum: an integer
 * counts 1 + (is it 0/1)·2^21 + (is it beyond ±2^53)·2^42, a text 1 + (JSON)·2^21 +
 * (timestamp)·2^42, a real 1 and a blob 2^21 (NULLs are the rest of count(*)) — three aggregates
 * per column instead of ten, the same figures (2.3× faster on the 1M-event demo's file_events with
 * four; the fourth, count(column), went later). Exact while the query covers fewer than 2^21 rows.
 */
const PACK_BITS = 21n
const PACK = 2 ** 21
/** A query over this many rows or more cannot be packed (a counter would spill into the next). */
export const PACK_LIMIT = PACK - 1

function packedSql(
  table: string,
  columns: string[],
  bounds: Map<string, NumericBounds>,
  where: string,
  bytesOnly: ReadonlySet<string>,
): string {
  const exprs = columns.flatMap((name) => {
    const c = binary(name)
    const b = bounds.get(name)
    const json = JSON_OK(c)
    const ts = `CASE WHEN ${c} GLOB '${TS_GLOB}' THEN ferry_is_iso_ts(${c}) = 1 ELSE 0 END`
    const texts = bytesOnly.has(name)
      ? `sum(${T(c)} = 'text')`
      : `sum(CASE ${T(c)} WHEN 'text' THEN 1 + (${json}) * ${PACK} + (${ts}) * ${PACK * PACK} ELSE 0 END)`
    return [
      `sum(CASE ${T(c)} WHEN 'integer' THEN 1 + (${c} IN (0, 1)) * ${PACK} + (${c} > 9007199254740992 OR ${c} < -9007199254740992) * ${PACK * PACK} ELSE 0 END)`,
      texts,
      `sum(CASE ${T(c)} WHEN 'real' THEN 1 WHEN 'blob' THEN ${PACK} ELSE 0 END)`,
      b ? `sum(${FITS(c, b)})` : 'NULL',
    ]
  })
  return `SELECT count(*), ${exprs.join(', ')} FROM ${quoteIdent(table)}${where ? ` WHERE ${where}` : ''}`
}

const PACKED_WIDTH = 4

/** A packed result row as the wide form's row (profileSql's order). */
function unpack(r: (bigint | null)[], columns: number): ProfileRow {
  const rows = r[0] ?? 0n
  const mask = (1n << PACK_BITS) - 1n
  const out: ProfileRow = []
  for (let j = 0; j < columns; j++) {
    const at = 1 + j * PACKED_WIDTH
    const i = r[at] ?? 0n
    const t = r[at + 1] ?? 0n
    const rb = r[at + 2] ?? 0n
    const ints = i & mask
    const texts = t & mask
    const reals = rb & mask
    const blobs = rb >> PACK_BITS
    out.push(
      rows - ints - reals - texts - blobs,
      ints,
      reals,
      texts,
      blobs,
      (t >> PACK_BITS) & mask,
      t >> (2n * PACK_BITS),
      (i >> PACK_BITS) & mask,
      i >> (2n * PACK_BITS),
      r[at + 3] ?? null,
    )
  }
  return out
}

/**
 * Runs the profile over `table` (or the rows matching `where`, with `params` bound): the wide
 * form's rows (statsFromRows reads them). Packed unless `rowsHint` or the query's own count says
 * the scope holds too many rows for it; then the wide form, over the same rows.
 */
export function profileQuery(
  db: SqliteDb,
  table: string,
  columns: string[],
  bounds: Map<string, NumericBounds>,
  o: {
    where?: string
    params?: unknown[]
    rowsHint?: number
    bytesOnly?: ReadonlySet<string>
  } = {},
): ProfileRow[] {
  const where = o.where ?? ''
  const params = o.params ?? []
  const bytesOnly = o.bytesOnly ?? NONE
  const wide = (cols: string[]): ProfileRow =>
    db
      .prepare(profileSql(table, cols, bounds, where, bytesOnly)[0]!)
      .raw(true)
      .safeIntegers(true)
      .get(...params) as ProfileRow
  const out: ProfileRow[] = []
  for (let at = 0; at < columns.length; at += COLUMNS_PER_QUERY) {
    const cols = columns.slice(at, at + COLUMNS_PER_QUERY)
    if ((o.rowsHint ?? 0) >= PACK_LIMIT) {
      out.push(wide(cols))
      continue
    }
    let r: (bigint | null)[] | null = null
    try {
      r = db
        .prepare(packedSql(table, cols, bounds, where, bytesOnly))
        .raw(true)
        .safeIntegers(true)
        .get(...params) as (bigint | null)[]
    } catch (err) {
      // Past the limit a packed sum can also overflow 64 bits, which SQLite reports as an error.
      if (!/integer overflow/i.test((err as Error)?.message ?? '')) throw err
    }
    // Rows written since the count (agents keep writing) may have pushed it past the limit.
    out.push(r && (r[0] ?? 0n) < BigInt(PACK_LIMIT) ? unpack(r, cols.length) : wide(cols))
  }
  return out
}

/**
 * A profile query's result: counts, as BigInt (safeIntegers) or as a double where a sum ran over
 * the UDF's results (ferry_is_iso_ts returns a JS number); null for a sum over no rows.
 */
export type ProfileRow = (bigint | number | null)[]

/** Element-wise sum of two slices' query results (counts stay far below 2^53). */
export function addProfileRows(a: ProfileRow[], b: ProfileRow[]): ProfileRow[] {
  return a.map((row, q) =>
    row.map((v, i) => {
      const w = b[q]?.[i] ?? null
      return v === null && w === null ? null : Number(v ?? 0) + Number(w ?? 0)
    }),
  )
}

/** The query results (profileSql's order) as per-column figures. */
export function statsFromRows(
  columns: string[],
  bounds: Map<string, NumericBounds>,
  rows: ProfileRow[],
): Map<string, ColumnStats> {
  const stats = new Map<string, ColumnStats>()
  columns.forEach((name, j) => {
    const row = rows[Math.floor(j / COLUMNS_PER_QUERY)]!
    const i = j % COLUMNS_PER_QUERY
    const n = (k: number): number => Number(row[i * 10 + k] ?? 0)
    stats.set(name, {
      nulls: n(0),
      ints: n(1),
      reals: n(2),
      texts: n(3),
      blobs: n(4),
      json: n(5),
      timestamps: n(6),
      zeroOne: n(7),
      hugeInts: n(8),
      fitsDeclared: bounds.has(name) ? n(9) : null,
    })
  })
  return stats
}

export function profileColumns(
  db: SqliteDb,
  table: string,
  columns: string[],
  bounds: Map<string, NumericBounds>,
  bytesOnly: ReadonlySet<string> = NONE,
): ProfileResult {
  const rows = Number(
    db
      .prepare(`SELECT count(*) FROM ${fromTable(db, table)}`)
      .pluck()
      .safeIntegers(true)
      .get() as bigint,
  )
  const results = profileQuery(db, table, columns, bounds, { rowsHint: rows, bytesOnly })
  return { rows, stats: statsFromRows(columns, bounds, results) }
}

/** SQL predicates, true for a value that blocks the candidate type (used for samples). */
export const BLOCKS: Record<string, (c: string, b?: NumericBounds) => string> = {
  bigint: (c) => `${T(c)} NOT IN ('integer', 'null')`,
  boolean: (c) => `${T(c)} <> 'null' AND NOT (${T(c)} = 'integer' AND ${c} IN (0, 1))`,
  'double precision': (c) => `${T(c)} NOT IN ('integer', 'real', 'null')`,
  numeric: (c, b) =>
    b ? `${T(c)} <> 'null' AND NOT ${FITS(c, b)}` : `${T(c)} NOT IN ('integer', 'real', 'null')`,
  jsonb: (c) => `${T(c)} <> 'null' AND NOT (${IS_JSON(c)})`,
  timestamptz: (c) => `${T(c)} <> 'null' AND NOT (${IS_TS(c)})`,
  date: (c) => `${T(c)} <> 'null' AND NOT (${IS_TS(c)} AND length(${c}) = 10)`,
  bytea: (c) => `${T(c)} NOT IN ('blob', 'text', 'null')`,
  text: (c) => `${T(c)} = 'blob'`,
}

/**
 * Up to `limit` rows whose value in `column` blocks `candidate`: their keys, and a readable label
 * that names the primary key too when the key is a hidden rowid ("rowid 12 (agent_id 'qa-01')").
 */
export function sampleBlockers(
  db: SqliteDb,
  table: string,
  key: TableKey,
  primaryKey: string[],
  column: string,
  candidate: string,
  bounds: NumericBounds | undefined,
  limit = 5,
): { keys: string[]; labels: string[] } {
  const pred = BLOCKS[candidate]
  if (!pred) return { keys: [], labels: [] }
  const pk = key.kind === 'rowid' ? primaryKey.filter((c) => c.toLowerCase() !== key.expr) : []
  const select = [keySelectSql(key), ...pk.map(quoteIdent)].join(', ')
  const sql = `SELECT ${select} FROM ${quoteIdent(table)} WHERE ${pred(binary(column), bounds)} ORDER BY ${keySelectSql(key)} LIMIT ?`
  const rows = db.prepare(sql).raw(true).safeIntegers(true).all(limit) as unknown[][]
  const w = keyWidth(key)
  const keys = rows.map((r) => keyText(key, r.slice(0, w)))
  const labels = rows.map((r, i) => {
    if (key.kind !== 'rowid') return `key ${keyDisplay(keys[i]!)}`
    const named = pk.map((c, j) => `${c} ${literal(r[w + j])}`).join(', ')
    return `rowid ${keys[i]}${named ? ` (${named})` : ''}`
  })
  return { keys, labels }
}

function literal(v: unknown): string {
  if (typeof v === 'string') return `'${v.length > 60 ? `${v.slice(0, 60)}…` : v}'`
  if (Buffer.isBuffer(v)) return `x'${v.subarray(0, 30).toString('hex')}'`
  return String(v)
}
