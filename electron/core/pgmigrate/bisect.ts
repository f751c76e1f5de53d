// On a checksum mismatch, find the differing rows by bisecting the key range (the way data-diff
// does): compare (count, checksum) of a key range on both sides, split the ranges that differ,
// and compare row by row once a range is small, where the key is also in the target: an INTEGER
// PRIMARY KEY (SQLite's rowid alias, an identity column in PostgreSQL). Other tables are matched
// by their primary key's values (bisect-hash.ts).
import type pg from 'pg'
import { quoteIdent, type SqliteDb } from '../sqlite/open'
import { checksumSql, rowHashSql } from './canonical'
import { q, qq } from './names'
import { makeRowCodec, type EncodedRow } from './row-codec'
import { encodeRuled, type RulesByKey } from './reject-rules'
import { bisectByKeyHash, matchColumns } from './bisect-hash'
import type { TablePlan } from './types'

export interface RowDifference {
  key: string
  kind: 'missing-in-target' | 'extra-in-target' | 'different'
}

export interface BisectResult {
  /** null when rows cannot be matched (no INTEGER PRIMARY KEY, primary key nor UNIQUE). */
  differences: RowDifference[] | null
  note: string
}

const LEAF_ROWS = 64

export async function bisectTable(
  db: SqliteDb,
  client: pg.ClientBase,
  schema: string,
  t: TablePlan,
  skip: Set<string>,
  maxRows = 20,
  rules: RulesByKey = new Map(),
): Promise<BisectResult> {
  const id = t.columns.find((c) => c.identity)
  const codec = makeRowCodec(db, t)
  if (t.key.kind !== 'rowid' || !id) {
    // Matched by the primary key's (or a UNIQUE's) values instead, through key-hash buckets.
    const match = matchColumns(t)
    if (match) return bisectByKeyHash(db, client, schema, t, codec, match, skip, maxRows, rules)
    return {
      differences: null,
      note: 'no primary key nor UNIQUE columns: rows cannot be matched by key; compare the table by hand',
    }
  }
  const keyExpr = t.key.expr
  const T = qq(schema, t.target)
  const col = q(id.target)
  const srcRange = db
    .prepare(
      `SELECT ${codec.selectList} FROM ${quoteIdent(t.source)} WHERE ${keyExpr} BETWEEN ? AND ?`,
    )
    .raw(true)
    .safeIntegers(true)
  const source = (lo: bigint, hi: bigint): Map<string, bigint> => {
    const out = new Map<string, bigint>()
    for (const row of srcRange.iterate(lo, hi) as IterableIterator<unknown[]>) {
      const r = encodeHash(encodeRuled(db, t, codec, row, rules))
      if (!skip.has(r.key)) out.set(r.key, r.hash)
    }
    return out
  }
  const sourceSum = (lo: bigint, hi: bigint): { rows: number; sum: bigint } => {
    let rows = 0
    let sum = 0n
    for (const row of srcRange.iterate(lo, hi) as IterableIterator<unknown[]>) {
      const r = encodeHash(encodeRuled(db, t, codec, row, rules))
      if (skip.has(r.key)) continue
      rows++
      sum += r.hash
    }
    return { rows, sum }
  }
  const target = async (lo: bigint, hi: bigint) =>
    (
      await client.query<{ rows: string; checksum: string }>(
        checksumSql(T, t.columns, `${col} BETWEEN $1 AND $2`, t.rowHash),
        [lo.toString(), hi.toString()],
      )
    ).rows[0]!
  const targetRows = async (lo: bigint, hi: bigint) =>
    new Map(
      (
        await client.query<{ k: string; h: string }>(
          `SELECT ${col}::text AS k, ${rowHashSql(t.columns, t.rowHash)}::text AS h FROM ${T} WHERE ${col} BETWEEN $1 AND $2`,
          [lo.toString(), hi.toString()],
        )
      ).rows.map((r) => [r.k, BigInt(r.h)]),
    )

  const bounds = db
    .prepare(`SELECT min(${keyExpr}), max(${keyExpr}) FROM ${quoteIdent(t.source)}`)
    .raw(true)
    .safeIntegers(true)
    .get() as (bigint | null)[]
  const tb = (
    await client.query<{ lo: string | null; hi: string | null }>(
      `SELECT min(${col})::text AS lo, max(${col})::text AS hi FROM ${T}`,
    )
  ).rows[0]!
  const los = [bounds[0], tb.lo === null ? null : BigInt(tb.lo)].filter(
    (x): x is bigint => x !== null,
  )
  const his = [bounds[1], tb.hi === null ? null : BigInt(tb.hi)].filter(
    (x): x is bigint => x !== null,
  )
  if (!los.length) return { differences: [], note: 'both sides are empty' }
  const differences: RowDifference[] = []
  let ranges = 0

  const walk = async (lo: bigint, hi: bigint): Promise<void> => {
    if (differences.length >= maxRows) return
    ranges++
    // Counted and summed as the rows stream by: only a leaf's rows are ever held.
    const ss = sourceSum(lo, hi)
    const tg = await target(lo, hi)
    if (Number(tg.rows) === ss.rows && tg.checksum === ss.sum.toString()) return
    if (Math.max(ss.rows, Number(tg.rows)) <= LEAF_ROWS || lo === hi) {
      const s = source(lo, hi)
      const tr = await targetRows(lo, hi)
      for (const [k, h] of s) {
        if (!tr.has(k)) differences.push({ key: k, kind: 'missing-in-target' })
        else if (tr.get(k) !== h) differences.push({ key: k, kind: 'different' })
      }
      for (const k of tr.keys())
        if (!s.has(k)) differences.push({ key: k, kind: 'extra-in-target' })
      return
    }
    const mid = lo + (hi - lo) / 2n
    await walk(lo, mid)
    await walk(mid + 1n, hi)
  }
  await walk(
    los.reduce((a, b) => (a < b ? a : b)),
    his.reduce((a, b) => (a > b ? a : b)),
  )
  return {
    differences: differences.slice(0, maxRows),
    note: `${ranges} key range(s) compared${differences.length >= maxRows ? `; stopped after ${maxRows} rows` : ''}`,
  }
}

function encodeHash(r: EncodedRow): { key: string; hash: bigint } {
  // A row that cannot be encoded is not in the target: give it a hash no target row has.
  return { key: r.key, hash: r.rejects ? -1n : r.hash }
}
