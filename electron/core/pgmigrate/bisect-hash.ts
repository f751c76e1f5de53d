// Finding the differing rows of a table whose rows are matched by their primary key (or first
// UNIQUE) rather than by an identity column: a WITHOUT ROWID table, or a rowid table keyed by
// `agent_id TEXT PRIMARY KEY`. Key order cannot be compared across the two databases (SQLite's
// BINARY or NOCASE against PostgreSQL's collation, 1 against '1'), so rows are spread into
// buckets by a hash of their key's canonical text — computed the same way on both sides, like the
// row hash itself — and each bucket's (count, checksum) compared; only the rows of buckets that
// differ are then read and matched key by key. One pass over each side for the buckets, one more
// for the rows of the differing ones; memory is the bucket table, never the table's rows.
import type pg from 'pg'
import { quoteIdent, type SqliteDb } from '../sqlite/open'
import { encoderFor, isRejection, rowHash, rowHashSql, canonicalSql } from './canonical'
import { qq } from './names'
import { encodeRuled, type RulesByKey } from './reject-rules'
import type { RowCodec } from './row-codec'
import type { RowDifference } from './bisect'
import { displayKey } from './compare-values'
import type { TablePlan } from './types'
import { keyText } from './keys'

type Texts = (string | null)[]

/** About this many rows per bucket; the bucket count is a power of two, at most MAX_BUCKETS. */
const ROWS_PER_BUCKET = 64
const MAX_BUCKETS = 1 << 16
/** Differing buckets whose rows are read (each holds about ROWS_PER_BUCKET rows per side). */
const MAX_LEAF_BUCKETS = 64

/** The columns rows are matched by: the primary key, else the first UNIQUE; null if none. */
export function matchColumns(t: TablePlan): number[] | null {
  const names = t.primaryKey?.columns ?? t.uniques[0]?.columns
  if (!names?.length) return null
  const idx = names.map((n) => t.columns.findIndex((c) => c.target === n))
  return idx.every((i) => i >= 0) ? idx : null
}

interface SideRow {
  display: string
  hash: bigint
}

/**
 * Rows spread into key-hash buckets, the same bucket for a row on both sides: `rows` (the larger
 * side's count) sets how many, a power of two of about `perBucket` rows each, at most `max`.
 */
export interface KeyBuckets {
  buckets: number
  /** A source row's (as the codec selects it) key columns' canonical texts and their hash. */
  keyOf(row: unknown[]): { kh: bigint; texts: Texts }
  bucketOf(kh: bigint): number
  /** SQL of a target row's key hash, and of its bucket. */
  keyHashSql: string
  bucketSql: string
}

export function keyBuckets(
  t: TablePlan,
  codec: RowCodec,
  match: number[],
  rows: number,
  perBucket = ROWS_PER_BUCKET,
  max = MAX_BUCKETS,
): KeyBuckets {
  const cols = match.map((i) => t.columns[i]!)
  const encoders = cols.map((c) => encoderFor(c))
  let buckets = 1
  while (buckets < max && buckets * perBucket < rows) buckets *= 2
  const B = BigInt(buckets)
  const keyHashSql = rowHashSql(cols, t.rowHash)
  return {
    buckets,
    keyOf(row) {
      const values = codec.natural(row)
      const texts = cols.map((_, j) => {
        const c = encoders[j]!(values[codec.keyWidth + match[j]!])
        return c === null || isRejection(c) ? null : c
      })
      return { kh: rowHash(texts, t.rowHash), texts }
    },
    bucketOf: (h) => Number(((h % B) + B) % B),
    keyHashSql,
    bucketSql: `(((${keyHashSql}) % ${buckets}) + ${buckets}) % ${buckets}`,
  }
}

export async function bisectByKeyHash(
  db: SqliteDb,
  client: pg.ClientBase,
  schema: string,
  t: TablePlan,
  codec: RowCodec,
  match: number[],
  skip: Set<string>,
  maxRows: number,
  rules: RulesByKey,
): Promise<{ differences: RowDifference[]; note: string }> {
  const cols = match.map((i) => t.columns[i]!)
  const T = qq(schema, t.target)
  const sourceRows = Number(
    db
      .prepare(`SELECT count(*) FROM ${quoteIdent(t.source)}`)
      .pluck()
      .safeIntegers(true)
      .get(),
  )
  const targetRows = Number(
    (await client.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${T}`)).rows[0]!.n,
  )
  const kb = keyBuckets(t, codec, match, Math.max(sourceRows, targetRows))
  const { buckets, bucketOf, keyHashSql: keyHash, bucketSql } = kb

  const all = db
    .prepare(`SELECT ${codec.selectList} FROM ${quoteIdent(t.source)}`)
    .raw(true)
    .safeIntegers(true)
  /** Each source row not in the reject log: its key columns' canonical texts and their hash. */
  const eachSource = function* (): Generator<{ kh: bigint; row: unknown[]; texts: Texts }> {
    for (const row of all.iterate() as IterableIterator<unknown[]>) {
      if (skip.has(keyText(t.key, row.slice(0, codec.keyWidth)))) continue
      yield { ...kb.keyOf(row), row }
    }
  }
  /** The row's hash, only where it is needed (a row that cannot be encoded: a hash no target row has). */
  const hashOf = (row: unknown[]): bigint => {
    const r = encodeRuled(db, t, codec, row, rules)
    return r.rejects ? -1n : r.hash
  }

  // 1. (count, checksum) per bucket on both sides.
  const count = new Array<number>(buckets).fill(0)
  const sum = new Array<bigint>(buckets).fill(0n)
  for (const { kh, row } of eachSource()) {
    const b = bucketOf(kh)
    count[b]!++
    sum[b]! += hashOf(row)
  }
  const tg = await client.query<{ b: number; n: string; s: string }>(
    `SELECT ${bucketSql} AS b, count(*)::text AS n, sum(${rowHashSql(t.columns, t.rowHash)}::numeric)::text AS s FROM ${T} GROUP BY 1`,
  )
  const tCount = new Map(tg.rows.map((r) => [Number(r.b), { n: Number(r.n), s: BigInt(r.s) }]))
  const differing: number[] = []
  for (let b = 0; b < buckets && differing.length < MAX_LEAF_BUCKETS; b++) {
    const x = tCount.get(b) ?? { n: 0, s: 0n }
    if (x.n !== count[b] || x.s !== sum[b]) differing.push(b)
  }
  if (!differing.length)
    return { differences: [], note: `${buckets} key-hash bucket(s) compared: none differs` }

  // 2. The rows of the differing buckets, matched by key.
  const wanted = new Set(differing)
  const src = new Map<string, SideRow[]>()
  for (const { kh, row, texts } of eachSource()) {
    if (!wanted.has(bucketOf(kh))) continue
    const k = kh.toString()
    const side = { display: displayKey(cols, texts), hash: hashOf(row) }
    const list = src.get(k)
    if (list) list.push(side)
    else src.set(k, [side])
  }
  const displayCols = cols.map((c, j) => `${canonicalSql(c)}::text AS k${j}`).join(', ')
  const tr = await client.query<Record<string, string | null>>(
    `SELECT ${keyHash}::text AS kh, ${rowHashSql(t.columns, t.rowHash)}::text AS h, ${displayCols} FROM ${T} WHERE ${bucketSql} = ANY($1::int[])`,
    [differing],
  )
  const dst = new Map<string, SideRow[]>()
  for (const r of tr.rows) {
    const texts = cols.map((_, j) => r[`k${j}`] ?? null)
    const row = { display: displayKey(cols, texts), hash: BigInt(r.h!) }
    const list = dst.get(r.kh!)
    if (list) list.push(row)
    else dst.set(r.kh!, [row])
  }
  const differences: RowDifference[] = []
  for (const k of new Set([...src.keys(), ...dst.keys()])) {
    const a = (src.get(k) ?? []).sort(byHash)
    const b = (dst.get(k) ?? []).sort(byHash)
    const shown = (a[0] ?? b[0])!.display
    if (!b.length) differences.push({ key: shown, kind: 'missing-in-target' })
    else if (!a.length) differences.push({ key: shown, kind: 'extra-in-target' })
    else if (a.length !== b.length || a.some((x, i) => x.hash !== b[i]!.hash))
      differences.push({ key: shown, kind: 'different' })
  }
  differences.sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0))
  const capped = differing.length >= MAX_LEAF_BUCKETS
  return {
    differences: differences.slice(0, maxRows),
    note: `rows matched by ${cols.map((c) => c.target).join(', ')}: ${buckets} key-hash bucket(s) compared, ${differing.length} differ${capped ? ` (the first ${MAX_LEAF_BUCKETS} read)` : ''}${differences.length > maxRows ? `; the first ${maxRows} of ${differences.length} rows shown` : ''}`,
  }
}

const byHash = (x: SideRow, y: SideRow): number => (x.hash < y.hash ? -1 : x.hash > y.hash ? 1 : 0)
