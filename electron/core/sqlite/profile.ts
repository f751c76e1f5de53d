// The data profile of one table: what every column really holds, which references dangle, which
// values break a CHECK list. Two passes at most: ferry_profile() over every column, then exact
// SQL checks (json_valid, UTF-8 on the bytes) only for the columns the first pass flagged.
import type { ColumnInfo, TableInfo } from './introspect'
import { quoteIdent, type SqliteDb } from './open'
import { checkOutside, foreignKeyOrphans } from './profile-keys'
import { columnFindings, keyFindings } from './profile-findings'
import { rangedRunner, scanRanges, type Range } from './profile-ranges'
import {
  affinityOf,
  emptyStats,
  mergeStats,
  type ColumnStats,
  type ProfileFunctions,
} from './profile-scan'
import type { ColumnProfile, Finding, TableProfile } from './profile-types'

export { addProfileFunctions, type ProfileFunctions } from './profile-scan'

export interface ProfiledTable extends TableInfo {
  columns: (ColumnInfo & { profile?: ColumnProfile })[]
  profile: TableProfile
}

export interface ProfileOptions {
  /** Rows per scan range (progress and cancel happen between ranges). */
  chunkRows?: number
  /** Called between ranges with the rows scanned so far; may throw to cancel. */
  tick?: (rowsDone: number) => Promise<void>
}

/** Arguments per ferry_profile() call, below SQLite's default limit of 127. */
const COLUMNS_PER_SCAN = 100
const BOOL_NAME =
  /^(is|has|can|should|was|did|allow)_|_(flag|enabled)$|^(enabled|disabled|deleted|archived|pinned)$/i
const TIME_NAME = /(_at|_on|_date|_time|_ts|timestamp)$|^(date|time|timestamp|created|updated)$/i

interface Refined {
  jsonOk?: number
  invalidUtf8?: number
  maxText?: number | null
}

export async function profileTable(
  db: SqliteDb,
  fns: ProfileFunctions,
  table: TableInfo,
  byName: Map<string, TableInfo>,
  opts: ProfileOptions = {},
): Promise<{ table: ProfiledTable; findings: Finding[] }> {
  const started = Date.now()
  if (table.virtual || table.rowCount === null) {
    const skipped = table.virtual ? 'virtual table' : `not readable: ${table.countError ?? ''}`
    return {
      table: {
        ...table,
        profile: { rowsScanned: 0, ms: 0, chunks: 0, foreignKeys: [], checks: [], skipped },
      },
      findings: [],
    }
  }
  const tick = opts.tick ?? (async () => undefined)
  const cols = table.columns.filter((c) => c.hidden !== 1)
  const ranges = scanRanges(
    db,
    table.name,
    table.columns.map((c) => c.name),
    !table.withoutRowid,
    table.rowCount,
    opts.chunkRows ?? 200_000,
  )
  const stats: ColumnStats[] = []
  let rowsScanned = 0
  for (let g = 0; g < cols.length; g += COLUMNS_PER_SCAN) {
    const group = cols.slice(g, g + COLUMNS_PER_SCAN)
    const run = rangedRunner(
      db,
      `SELECT count(*), ferry_profile(${group.map((c) => quoteIdent(c.name)).join(', ')}) FROM ${quoteIdent(table.name)}`,
    )
    const acc: (ColumnStats | null)[] = group.map(() => null)
    let done = 0
    for (const range of ranges) {
      const [count, handle] = run(range)
      done += Number(count)
      // An empty range never called step(): no stats, nothing to merge.
      const part = fns.take(handle)
      part.forEach((s, i) => {
        const prev = acc[i] ?? null
        acc[i] = prev ? mergeStats(prev, s) : s
      })
      await tick(done)
    }
    rowsScanned = done
    stats.push(...acc.map((s) => s ?? emptyStats()))
  }
  const refined = await refine(db, table.name, cols, stats, ranges, tick)
  const profiles = cols.map((c, i) => columnProfile(c, stats[i] as ColumnStats, refined[i] ?? {}))
  const profile: TableProfile = {
    rowsScanned,
    ms: 0,
    chunks: ranges.length,
    foreignKeys: table.foreignKeys.map((fk) => foreignKeyOrphans(db, table, fk, byName)),
    checks: checkOutside(db, table),
  }
  const findings = [
    ...cols.flatMap((c, i) => columnFindings(db, table, c.name, profiles[i] as ColumnProfile)),
    ...keyFindings(table, profile),
  ]
  profile.ms = Date.now() - started
  const byCol = new Map(cols.map((c, i) => [c.name, profiles[i] as ColumnProfile]))
  const columns = table.columns.map((c) => {
    const p = byCol.get(c.name)
    return p ? { ...c, profile: p } : c
  })
  return { table: { ...table, columns, profile }, findings }
}

const isJsonColumn = (s: ColumnStats) => s.jsonLike > 0 && s.jsonLike * 2 >= s.text

/** Exact figures the first pass can only suspect: json_valid() on JSON columns, UTF-8 on the bytes. */
async function refine(
  db: SqliteDb,
  table: string,
  cols: ColumnInfo[],
  stats: ColumnStats[],
  ranges: Range[],
  tick: (n: number) => Promise<void>,
): Promise<Refined[]> {
  const parts: { i: number; key: keyof Refined; sql: string; how: 'sum' | 'max' }[] = []
  cols.forEach((col, i) => {
    const s = stats[i] as ColumnStats
    const c = quoteIdent(col.name)
    if (isJsonColumn(s))
      parts.push({
        i,
        key: 'jsonOk',
        how: 'sum',
        sql: `sum(CASE WHEN typeof(${c}) = 'text' THEN json_valid(${c}) END)`,
      })
    if (s.replacement > 0) {
      // Only columns where some value decoded with U+FFFD get here: the bytes tell if it was real.
      parts.push({
        i,
        key: 'invalidUtf8',
        how: 'sum',
        sql: `sum(CASE WHEN typeof(${c}) = 'text' THEN ferry_utf8_invalid(CAST(${c} AS BLOB)) END)`,
      })
      parts.push({
        i,
        key: 'maxText',
        how: 'max',
        sql: `max(CASE WHEN typeof(${c}) = 'text' THEN length(CAST(${c} AS BLOB)) END)`,
      })
    }
  })
  const out: Refined[] = cols.map(() => ({}))
  if (!parts.length) return out
  const run = rangedRunner(
    db,
    `SELECT ${parts.map((p) => p.sql).join(', ')} FROM ${quoteIdent(table)}`,
  )
  const acc: (number | null)[] = parts.map(() => null)
  let done = 0
  for (const range of ranges) {
    run(range).forEach((v, k) => {
      if (v === null) return
      const n = Number(v)
      const prev = acc[k] ?? null
      acc[k] = prev === null ? n : parts[k]?.how === 'max' ? Math.max(prev, n) : prev + n
    })
    done++
    await tick(done)
  }
  parts.forEach((p, k) => {
    const r = out[p.i] as Refined
    if (p.key === 'maxText') r.maxText = acc[k] ?? null
    else r[p.key] = acc[k] ?? 0
  })
  return out
}

function columnProfile(col: ColumnInfo, s: ColumnStats, r: Refined): ColumnProfile {
  const storage = { integer: s.integer, real: s.real, text: s.text, blob: s.blob, null: s.null }
  const nonNull = s.integer + s.real + s.text + s.blob
  const isTime =
    /DATE|TIME/i.test(col.declaredType) ||
    TIME_NAME.test(col.name) ||
    (s.text > 0 && s.iso * 2 >= s.text)
  // By values only when it is not a key: an id column of one row is not a flag.
  const isBool =
    /BOOL/i.test(col.declaredType) ||
    BOOL_NAME.test(col.name) ||
    (col.pkPosition === 0 && nonNull > 0 && s.integer === nonNull && s.bool01 === nonNull)
  const byText = (a: unknown, b: unknown) =>
    String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0
  const values = s.values
    ? [...s.values.values()].sort((a, b) => b.count - a.count || byText(a.value, b.value))
    : null
  return {
    affinity: affinityOf(col.declaredType),
    storage,
    nulls: s.null,
    maxTextBytes: r.maxText !== undefined ? r.maxText : s.maxText,
    maxBlobBytes: s.maxBlob,
    intMin: s.intMin === null ? null : s.intMin.toString(),
    intMax: s.intMax === null ? null : s.intMax.toString(),
    nulBytes: s.nul,
    invalidUtf8: r.invalidUtf8 ?? 0,
    json: isJsonColumn(s)
      ? { valid: r.jsonOk ?? 0, invalid: s.text - (r.jsonOk ?? 0), nulEscapes: s.jsonNulEsc }
      : null,
    timestamps: isTime ? { iso: s.iso, notIso: nonNull - s.iso, withZone: s.isoZone } : null,
    boolean: isBool ? { zeros: s.bool01 - s.ones, ones: s.ones, other: nonNull - s.bool01 } : null,
    values,
    highCardinality: s.overflow,
  }
}
