// Compare view (issue 7): one migrated table's source (SQLite, read-only) and target rows side by
// side by key. Both sides are shown in the canonical text validation hashes (canonical.ts), so a
// cell differs here exactly when it would change the checksum. Rows are matched through the
// identity column (SQLite's INTEGER PRIMARY KEY); pages are keyset pages after a key, never OFFSET.
import type pg from 'pg'
import { FerryError } from '../../../shared/contract/envelope'
import type { CompareResult, CompareRow } from '../../../shared/contract/migration'
import { quoteIdent, type SqliteDb } from '../sqlite/open'
import { canonicalSql, encoderFor, isRejection } from './canonical'
import { keySelectSql } from './keys'
import { q, qq } from './names'
import type { MigrationPlan } from './types'
import { matchColumns } from './bisect-hash'
import { compareByValues } from './compare-values'

export interface CompareInput {
  table: string
  after?: string | null
  keys?: string[]
  limit?: number
}

export async function compareRows(
  db: SqliteDb,
  client: pg.ClientBase,
  schema: string,
  plan: MigrationPlan,
  input: CompareInput,
  bisectKeys: string[],
  rejected: Set<string>,
): Promise<CompareResult> {
  const t = plan.tables.find((x) => x.source === input.table)
  if (!t)
    throw new FerryError(
      'UNKNOWN_TABLE',
      `Table "${input.table}" is not part of the migration into schema "${schema}"`,
      'Pick one of the migrated tables.',
    )
  const columns = t.columns.map((c) => ({ source: c.source, target: c.target, type: c.typeSql }))
  const id = t.columns.find((c) => c.identity)
  const keyed = t.key.kind === 'rowid' && id !== undefined
  // No identity column: rows matched by the primary key's (or a UNIQUE's) values instead.
  const match = keyed ? null : matchColumns(t)
  if (match) return compareByValues(db, client, schema, t, match, input, bisectKeys, rejected)
  const limit = input.limit ?? 100
  const encoders = t.columns.map((c) => encoderFor(c))
  const keyExpr = keySelectSql(t.key)
  const select = `SELECT ${keyExpr} AS k, ${t.columns.map((c) => quoteIdent(c.source)).join(', ')} FROM ${quoteIdent(t.source)}`

  let srcRows: unknown[][]
  if (t.key.kind !== 'rowid') {
    // A WITHOUT ROWID table: rows cannot be matched in the target by key; the source side only.
    srcRows = db
      .prepare(
        `SELECT ${t.columns.map((c) => quoteIdent(c.source)).join(', ')} FROM ${quoteIdent(t.source)} LIMIT ?`,
      )
      .raw(true)
      .safeIntegers(true)
      .all(limit) as unknown[][]
    srcRows = srcRows.map((r, i) => [BigInt(i + 1), ...r])
  } else if (input.keys?.length) {
    const ids = input.keys.filter((k) => /^-?\d+$/.test(k)).map(BigInt)
    const st = db.prepare(`${select} WHERE ${keyExpr} = ?`).raw(true).safeIntegers(true)
    srcRows = ids.map((k) => st.get(k) as unknown[] | undefined).filter((r): r is unknown[] => !!r)
  } else {
    const after = input.after && /^-?\d+$/.test(input.after) ? BigInt(input.after) : null
    srcRows = db
      .prepare(
        `${select}${after !== null ? ` WHERE ${keyExpr} > ?` : ''} ORDER BY ${keyExpr} LIMIT ?`,
      )
      .raw(true)
      .safeIntegers(true)
      .all(...(after !== null ? [after, limit] : [limit])) as unknown[][]
  }
  const source = new Map<string, (string | null)[]>()
  for (const r of srcRows) {
    source.set(
      String(r[0]),
      r.slice(1).map((v, i) => {
        const c = encoders[i]!(v)
        return isRejection(c) ? `⚠ ${c.reason}` : c
      }),
    )
  }

  const target = new Map<string, (string | null)[]>()
  if (keyed && id) {
    const T = qq(schema, t.target)
    const cols = t.columns.map((c, i) => `${canonicalSql(c)} AS c${i}`).join(', ')
    const keys = input.keys?.length
      ? input.keys.filter((k) => /^-?\d+$/.test(k))
      : [...source.keys()]
    let where = `${q(id.target)} = ANY($1::bigint[])`
    const params: unknown[] = [keys]
    if (!input.keys?.length && srcRows.length) {
      // The page's key range, so rows only the target has show up too.
      const lo = input.after && /^-?\d+$/.test(input.after) ? input.after : null
      const hi = String(srcRows[srcRows.length - 1]![0])
      where += ` OR (${q(id.target)} > coalesce($2::bigint, -9223372036854775808) AND ${q(id.target)} <= $3::bigint)`
      params.push(lo, hi)
    }
    const r = await client.query<Record<string, string | null>>(
      `SELECT ${q(id.target)}::text AS k, ${cols} FROM ${T} WHERE ${where} ORDER BY ${q(id.target)} LIMIT ${limit * 2}`,
      params,
    )
    for (const row of r.rows)
      target.set(
        row.k!,
        t.columns.map((_, i) => row[`c${i}`] ?? null),
      )
  }

  const allKeys = [...new Set([...source.keys(), ...target.keys()])].sort((a, b) =>
    keyed ? (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0) : 0,
  )
  const rows: CompareRow[] = allKeys.map((key) => {
    const s = source.get(key) ?? null
    const g = keyed ? (target.get(key) ?? null) : null
    const differentColumns =
      s && g ? t.columns.filter((_, i) => s[i] !== g[i]).map((c) => c.source) : []
    const state: CompareRow['state'] = rejected.has(key)
      ? 'rejected'
      : !keyed
        ? 'equal'
        : !g
          ? 'missing-in-target'
          : !s
            ? 'extra-in-target'
            : differentColumns.length
              ? 'different'
              : 'equal'
    return { key, state, source: s, target: g, differentColumns }
  })
  const last = srcRows.length ? String(srcRows[srcRows.length - 1]![0]) : null
  return {
    table: t.source,
    columns,
    rows,
    nextAfter: !input.keys?.length && keyed && srcRows.length === limit ? last : null,
    bisectKeys,
    keyed,
  }
}
