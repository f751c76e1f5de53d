// Scanning a big table in rowid ranges, so the profile reports progress and honours a cancel
// between ranges instead of disappearing into one statement for the whole table.
import { quoteIdent, type SqliteDb } from './open'

/** A rowid range, with the name that reaches the rowid in this table; null = the whole table. */
export type Range = readonly [bigint, bigint, string] | null

/** A column may be named rowid; SQLite then still offers the rowid under its other names. */
export function rowidName(columns: string[]): string | undefined {
  const taken = new Set(columns.map((c) => c.toLowerCase()))
  return ['rowid', '_rowid_', 'oid'].find((n) => !taken.has(n))
}

/** Rowid ranges of about `chunkRows` rows, or one full scan when rowids are sparse or absent. */
export function scanRanges(
  db: SqliteDb,
  table: string,
  columns: string[],
  rowidTable: boolean,
  rows: number,
  chunkRows: number,
): Range[] {
  const name = rowidName(columns)
  if (!rowidTable || rows <= chunkRows || !name) return [null]
  const r = db
    .prepare(`SELECT min(${name}) AS lo, max(${name}) AS hi FROM ${quoteIdent(table)}`)
    .safeIntegers(true)
    .get() as { lo: bigint | null; hi: bigint | null }
  if (r.lo === null || r.hi === null) return [null]
  const span = r.hi - r.lo + 1n
  if (span > BigInt(rows) * 4n) return [null]
  const width = (span * BigInt(chunkRows)) / BigInt(rows) + 1n
  const ranges: Range[] = []
  for (let lo = r.lo; lo <= r.hi; lo += width)
    ranges.push([lo, lo + width - 1n > r.hi ? r.hi : lo + width - 1n, name])
  return ranges
}

/** Runs `sql` (a statement with no WHERE) over one range; each shape is prepared once. */
export function rangedRunner(db: SqliteDb, sql: string) {
  type Getter = { get: (...args: unknown[]) => unknown }
  const cache = new Map<string, Getter>()
  return (range: Range, params: unknown[] = []): unknown[] => {
    const where = range ? ` WHERE ${range[2]} BETWEEN ? AND ?` : ''
    let stmt = cache.get(where)
    if (!stmt) {
      stmt = db
        .prepare(sql + where)
        .raw(true)
        .safeIntegers(true) as unknown as Getter
      cache.set(where, stmt)
    }
    return stmt.get(...params, ...(range ? [range[0], range[1]] : [])) as unknown[]
  }
}
