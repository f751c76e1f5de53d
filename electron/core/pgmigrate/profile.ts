// Profiles the values each column actually holds, in SQL, one pass per table: storage classes,
// and how many values pass each candidate type's test (JSON object/array, ISO-8601, 0/1, fits
// numeric(p,s)). The choice of type is then a pure function of these counts (decide.ts), and
// the rows that blocked a candidate are sampled by key for the report.
import { fromTable } from '../sqlite/integrity'
import { quoteIdent, type SqliteDb } from '../sqlite/open'
import { keySelectSql, keyText, keyWidth } from './keys'
import { epochText, isoTimestampText } from './scalars'
import type { TableKey } from './types'

export interface ColumnStats {
  nulls: number
  ints: number
  reals: number
  texts: number
  blobs: number
  /** Text values that are valid JSON objects or arrays (SQLite's json_valid + json_type). */
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

/** Registers the SQL function the profile uses (on a read-only connection this is allowed). */
export function registerProfileFunctions(db: SqliteDb): void {
  db.function('ferry_is_iso_ts', { deterministic: true }, (v: unknown) =>
    typeof v === 'string' && isoTimestampText(v) !== null ? 1 : 0,
  )
  db.function('ferry_is_epoch', { deterministic: true, safeIntegers: true }, (v: unknown) =>
    epochText(v) !== null ? 1 : 0,
  )
}

/**
 * A column compared by bytes: what PostgreSQL's default comparison will see, and it spares SQLite
 * from looking up the column's own collation, which may be one only its application defines.
 */
export const binary = (name: string): string => `${quoteIdent(name)} COLLATE BINARY`

const T = (c: string) => `typeof(${c})`
const IS_JSON = (c: string) =>
  `CASE WHEN ${T(c)} = 'text' AND json_valid(${c}) THEN json_type(${c}) IN ('object', 'array') ELSE 0 END`
const IS_TS = (c: string) =>
  `CASE WHEN ${T(c)} = 'text' AND ${c} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*' THEN ferry_is_iso_ts(${c}) ELSE 0 END`
const FITS = (c: string, b: NumericBounds) =>
  `(${T(c)} IN ('integer', 'real') AND abs(${c}) < 1e${b.precision - b.scale} AND ${c} = round(${c}, ${b.scale}))`

export interface ProfileResult {
  rows: number
  stats: Map<string, ColumnStats>
}

/**
 * The profile's aggregate queries (one per COLUMNS_PER_QUERY columns), optionally over a slice of
 * the table (`where`, with its parameters bound by the caller): every figure is a sum, so slices
 * profiled side by side add up to the whole (profile-threads.ts).
 */
export function profileSql(
  table: string,
  columns: string[],
  bounds: Map<string, NumericBounds>,
  where = '',
): string[] {
  const out: string[] = []
  for (let at = 0; at < columns.length; at += COLUMNS_PER_QUERY) {
    const exprs = columns.slice(at, at + COLUMNS_PER_QUERY).flatMap((name) => {
      const c = binary(name)
      const b = bounds.get(name)
      return [
        `sum(${T(c)} = 'null')`,
        `sum(${T(c)} = 'integer')`,
        `sum(${T(c)} = 'real')`,
        `sum(${T(c)} = 'text')`,
        `sum(${T(c)} = 'blob')`,
        `sum(${IS_JSON(c)})`,
        `sum(${IS_TS(c)})`,
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
): ProfileResult {
  const rows = Number(
    db
      .prepare(`SELECT count(*) FROM ${fromTable(db, table)}`)
      .pluck()
      .safeIntegers(true)
      .get() as bigint,
  )
  const results = profileSql(table, columns, bounds).map(
    (sql) => db.prepare(sql).raw(true).safeIntegers(true).get() as ProfileRow,
  )
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
  bytea: (c) => `${T(c)} NOT IN ('blob', 'null')`,
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
    if (key.kind !== 'rowid') return `key ${keys[i]}`
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
