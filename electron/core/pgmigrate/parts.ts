// Splitting a large table into key ranges (issue 5, "COPY from worker threads with the events
// table split in key ranges"): a Node loader is bound by its own CPU (reading rows, escaping,
// hashing, UTF-8), so one big table is loaded as several parts by several threads, each with its
// own COPY stream — PostgreSQL parses them side by side. The split points are chosen once, when the
// plan is made, and stored with it (ferry_run), so a resumed run loads the very same ranges.
import type { SqliteDb } from '../sqlite/open'
import { quoteIdent } from '../sqlite/open'
import { keySelectSql, keyText } from './keys'
import type { LoadPart } from './loader'
import type { MigrationPlan, TablePlan } from './types'

/** Tables with fewer rows than this are loaded whole: a part must be worth a thread's start-up. */
export const DEFAULT_SPLIT_ROWS = 200_000

/** Picks each large table's split points (sets `parts`); small tables and one worker: no split. */
export function splitLargeTables(
  db: SqliteDb,
  plan: MigrationPlan,
  o: { workers: number; splitRows?: number },
): void {
  const splitRows = Math.max(1, o.splitRows ?? DEFAULT_SPLIT_ROWS)
  for (const t of plan.tables) {
    const n = Math.min(Math.max(1, o.workers), Math.ceil(t.rows / splitRows))
    if (n > 1) t.parts = splitPoints(db, t, n)
  }
}

/**
 * n-1 keys that cut the table into n ranges of about equal row counts. A rowid table is cut
 * between its smallest and largest rowid (two b-tree descents; rowids are dense in practice, and
 * uneven ranges would only balance worse, never load wrong); a WITHOUT ROWID table at every
 * (rows·i/n)-th key in key order. The points are strictly increasing.
 */
export function splitPoints(db: SqliteDb, t: TablePlan, n: number): string[] {
  const cols = keySelectSql(t.key)
  if (t.key.kind === 'rowid') {
    const r = db
      .prepare(`SELECT min(${cols}), max(${cols}) FROM ${quoteIdent(t.source)}`)
      .raw(true)
      .safeIntegers(true)
      .get() as [bigint | null, bigint | null]
    const [lo, hi] = r
    if (lo === null || hi === null || hi - lo < BigInt(n)) return []
    const points: string[] = []
    for (let i = 1; i < n; i++) points.push(String(lo + ((hi - lo + 1n) * BigInt(i)) / BigInt(n)))
    return points
  }
  const st = db
    .prepare(`SELECT ${cols} FROM ${quoteIdent(t.source)} ORDER BY ${cols} LIMIT 1 OFFSET ?`)
    .raw(true)
    .safeIntegers(true)
  const points: string[] = []
  for (let i = 1; i < n; i++) {
    const row = st.get(Math.floor((t.rows * i) / n)) as unknown[] | undefined
    if (!row) break
    const key = keyText(t.key, row)
    if (points[points.length - 1] !== key) points.push(key)
  }
  return points
}

/** The ranges to load: [-∞, p1), [p1, p2), … [pk, +∞); one unbounded part for an unsplit table. */
export function tableParts(t: TablePlan): LoadPart[] {
  const points = t.parts ?? []
  return Array.from({ length: points.length + 1 }, (_, i) => ({
    index: i,
    from: i === 0 ? null : points[i - 1]!,
    to: i === points.length ? null : points[i]!,
  }))
}
