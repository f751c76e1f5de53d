// Which copied rows of a compared table (a delta of a keyed table without a usable time column)
// may have changed, found without sending every row to PostgreSQL: rows are spread into key-hash
// buckets (bisect-hash.ts: the same bucket for a row on both sides) and each bucket's (count,
// checksum) compared — SQLite's rows hashed here over the canonical encoding validation uses, the
// target's summed by one GROUP BY that PostgreSQL computes while they are. Only the rows of the
// buckets that differ are then staged and compared (delta-apply.ts). Memory is the bucket table.
import { setImmediate as tick } from 'node:timers/promises'
import type pg from 'pg'
import { throwIfCancelled } from '../jobs/job'
import { quoteIdent, type SqliteDb } from '../sqlite/open'
import { keyBuckets, matchColumns, type KeyBuckets } from './bisect-hash'
import { rowHashSql } from './canonical'
import { keyPastSql, keyUpToSql } from './delta-lag'
import { keySelectSql, keyText, keyValues } from './keys'
import { qq } from './names'
import { encodeRuled, type RulesByKey } from './reject-rules'
import type { RowCodec } from './row-codec'
import type { TablePlan } from './types'

/** About this many rows per bucket (the rows of a differing bucket are all staged). */
const ROWS_PER_BUCKET = 16
const MAX_BUCKETS = 1 << 18
/** Source rows read per query (keyset pages: no statement stays open across an await). */
export const COMPARE_PAGE_ROWS = 10_000

export interface ComparedBuckets {
  kb: KeyBuckets
  /** 1 where the bucket's rows differ between SQLite and the target. */
  differing: Uint8Array
  differingCount: number
  /** Source rows hashed (at or below the key high-water mark, not in the reject log). */
  rows: number
}

/**
 * Pages of the source rows at or below the key high-water mark `hwm` and past `after` (null: from
 * the first), in key order, `pageRows` at a time, each row as the codec selects it. `where` (with
 * its parameters) narrows them further.
 */
export function* copiedPages(
  db: SqliteDb,
  t: TablePlan,
  codec: RowCodec,
  hwm: string,
  after: string | null,
  pageRows: number,
  where: [string, unknown[]] = ['1', []],
): Generator<unknown[][]> {
  const base = `SELECT ${codec.selectList} FROM ${quoteIdent(t.source)} WHERE ${keyUpToSql(t)} AND ${where[0]}`
  const order = ` ORDER BY ${keySelectSql(t.key)} LIMIT ?`
  const first = db
    .prepare(base + order)
    .raw(true)
    .safeIntegers(true)
  const next = db
    .prepare(`${base} AND ${keyPastSql(t)}${order}`)
    .raw(true)
    .safeIntegers(true)
  const hwmVals = keyValues(t.key, hwm)
  for (;;) {
    const params =
      after === null
        ? [...hwmVals, ...where[1]]
        : [...hwmVals, ...where[1], ...keyValues(t.key, after)]
    const rows = (after === null ? first : next).all(...params, pageRows) as unknown[][]
    if (rows.length) yield rows
    if (rows.length < pageRows) return
    after = keyText(t.key, rows[rows.length - 1]!.slice(0, codec.keyWidth))
  }
}

export async function comparedBuckets(
  db: SqliteDb,
  client: pg.ClientBase,
  schema: string,
  t: TablePlan,
  codec: RowCodec,
  p: {
    hwm: string
    /** Source rows at or below the high-water mark (sizes the buckets). */
    copied: number
    /** Keys in the reject log: never on the target, left out of the source's sums. */
    skip: Set<string>
    rules: RulesByKey
    signal: AbortSignal
    /** Rows hashed so far, after each page. */
    onRows?: (rows: number) => void
  },
): Promise<ComparedBuckets> {
  const match = matchColumns(t)
  if (!match) throw new Error(`table "${t.source}" has no key columns to compare rows by`)
  const kb = keyBuckets(t, codec, match, p.copied, ROWS_PER_BUCKET, MAX_BUCKETS)
  // Sent first: PostgreSQL aggregates the target while the source is hashed here.
  const target = client.query<{ b: number; n: string; s: string }>(
    `SELECT ${kb.bucketSql} AS b, count(*)::text AS n, coalesce(sum(${rowHashSql(t.columns, t.rowHash)}::numeric), 0)::text AS s FROM ${qq(schema, t.target)} GROUP BY 1`,
  )
  target.catch(() => undefined)
  const count = new Int32Array(kb.buckets)
  // Sums modulo 2^64 (a BigInt64Array wraps): a checksum, compared with the target's the same way.
  const sum = new BigInt64Array(kb.buckets)
  let rows = 0
  for (const page of copiedPages(db, t, codec, p.hwm, null, COMPARE_PAGE_ROWS)) {
    for (const row of page) {
      if (p.skip.size && p.skip.has(keyText(t.key, row.slice(0, codec.keyWidth)))) continue
      const b = kb.bucketOf(kb.keyOf(row).kh)
      const r = encodeRuled(db, t, codec, row, p.rules)
      count[b]!++
      // A row that cannot be encoded gets a hash no target row has: its bucket is re-read.
      sum[b] = sum[b]! + (r.rejects ? -1n : r.hash)
      rows++
    }
    p.onRows?.(rows)
    await tick()
    throwIfCancelled(p.signal)
  }
  const seen = new Uint8Array(kb.buckets)
  const differing = new Uint8Array(kb.buckets)
  let differingCount = 0
  const mark = (b: number): void => {
    if (!differing[b]) differingCount++
    differing[b] = 1
  }
  for (const r of (await target).rows) {
    const b = Number(r.b)
    seen[b] = 1
    if (Number(r.n) !== count[b] || BigInt.asIntN(64, BigInt(r.s)) !== sum[b]) mark(b)
  }
  for (let b = 0; b < kb.buckets; b++) if (!seen[b] && count[b]) mark(b)
  return { kb, differing, differingCount, rows }
}
