// References that do not resolve (orphans) and values outside a CHECK (col IN (…)) list. The
// parent keys go into SQLite's own ephemeral index (NOT IN (SELECT …)), so a million child rows
// cost a million index probes, not a join the database has no index for.
import { decodeTextBytes, textEncoding, type TextEncoding } from './text-encoding'
import type { ForeignKeyInfo, TableInfo } from './introspect'
import { quoteIdent, type SqliteDb } from './open'
import type { CheckProfile, ForeignKeyProfile, ProfileValue, StorageCounts } from './profile-types'

const SAMPLES = 5

/** The CHECK lists of the plan's PostgreSQL schema (MIGRATION-PLAN.md §3.1): data outside them will not load. */
export const PLAN_CHECKS: readonly { table: string; column: string; allowed: readonly string[] }[] =
  [
    { table: 'agents', column: 'status', allowed: ['active', 'idle', 'crashed', 'sleeping'] },
    {
      table: 'agents',
      column: 'agent_type',
      allowed: ['service-mesh', 'integration', 'pm', 'frontend'],
    },
  ]

type Keyed = { t: keyof StorageCounts; k: Buffer | null }

/**
 * A key or value read as (typeof, CAST AS BLOB), shown as JSON: exact for text, integers and
 * blobs. The bytes of text (and of a number cast to text) are in the database's encoding.
 */
export function displayValue(
  t: keyof StorageCounts,
  k: Buffer | null,
  encoding: TextEncoding = 'UTF-8',
): ProfileValue {
  if (t === 'null' || k === null) return null
  const s = t === 'blob' ? '' : decodeTextBytes(k, encoding)
  if (t === 'integer') return Number.isSafeInteger(Number(s)) ? Number(s) : s
  if (t === 'real') return Number(s)
  if (t === 'blob') return `x'${k.subarray(0, 50).toString('hex')}${k.length > 50 ? '…' : ''}'`
  return s.length > 100 ? `${s.slice(0, 100)}…` : s
}

/**
 * The most frequent offending keys and the total count, in one scan: only the offending rows are
 * grouped (a window sum gives the total across all groups).
 */
function groupedTop(
  db: SqliteDb,
  T: string,
  columns: string[],
  where: string,
  params: unknown[],
): { values: ProfileValue[]; count: number; total: number }[] {
  const keys = columns
    .map((c, i) => `typeof(${quoteIdent(c)}) AS t${i}, CAST(${quoteIdent(c)} AS BLOB) AS k${i}`)
    .join(', ')
  const groupBy = columns.map((_, i) => `t${i}, k${i}`).join(', ')
  const rows = db
    .prepare(
      `SELECT ${keys}, count(*) AS n, sum(count(*)) OVER () AS total FROM ${T} WHERE ${where} GROUP BY ${groupBy} ORDER BY n DESC LIMIT ${SAMPLES}`,
    )
    .all(...params) as Record<string, unknown>[]
  const encoding = textEncoding(db)
  return rows.map((r) => ({
    values: columns.map((_, i) =>
      displayValue(r[`t${i}`] as Keyed['t'], r[`k${i}`] as Buffer | null, encoding),
    ),
    count: Number(r.n),
    total: Number(r.total),
  }))
}

export function foreignKeyOrphans(
  db: SqliteDb,
  table: TableInfo,
  fk: ForeignKeyInfo,
  byName: Map<string, TableInfo>,
): ForeignKeyProfile {
  const parent =
    byName.get(fk.refTable) ??
    [...byName.values()].find((t) => t.name.toLowerCase() === fk.refTable.toLowerCase())
  const refColumns = fk.refColumns.every((c) => c === null)
    ? (parent?.primaryKey ?? [])
    : fk.refColumns.map((c) => c ?? '')
  const base: ForeignKeyProfile = {
    columns: fk.columns,
    refTable: fk.refTable,
    refColumns,
    orphans: 0,
    samples: [],
  }
  const child = fk.columns.map(quoteIdent)
  const T = quoteIdent(table.name)
  const present = child.map((c) => `${c} IS NOT NULL`).join(' AND ')
  const tuple = (cols: string[]) =>
    cols.length === 1 ? (cols[0] as string) : `(${cols.join(', ')})`
  let where: string
  if (!parent) {
    where = present
    base.parentMissing = true
  } else if (refColumns.length !== fk.columns.length || refColumns.some((c) => c === '')) {
    return {
      ...base,
      skipped: `${fk.refTable} has no primary key to match (${fk.columns.join(', ')})`,
    }
  } else {
    const P = quoteIdent(parent.name)
    const ref = refColumns.map(quoteIdent)
    where = `${present} AND ${tuple(child)} NOT IN (SELECT ${ref.join(', ')} FROM ${P} WHERE ${ref.map((c) => `${c} IS NOT NULL`).join(' AND ')})`
  }
  try {
    const rows = groupedTop(db, T, fk.columns, where, [])
    const samples = rows.map((r) =>
      r.values.length === 1 ? (r.values[0] as ProfileValue) : r.values,
    )
    return { ...base, orphans: rows[0]?.total ?? 0, samples }
  } catch (err) {
    return { ...base, skipped: (err as Error).message }
  }
}

/** `CHECK (col IN ('a', 'b'))` clauses of a table's own SQL. */
export function tableChecks(sql: string | null): { column: string; allowed: string[] }[] {
  const out: { column: string; allowed: string[] }[] = []
  const re = /CHECK\s*\(\s*["`[]?([A-Za-z_][\w$]*)["`\]]?\s+IN\s*\(([^()]*)\)\s*\)/gi
  for (const m of (sql ?? '').matchAll(re)) {
    const literals = [...(m[2] ?? '').matchAll(/'((?:[^']|'')*)'/g)].map((x) =>
      (x[1] ?? '').replace(/''/g, "'"),
    )
    if (m[1] && literals.length) out.push({ column: m[1], allowed: literals })
  }
  return out
}

export function checkOutside(db: SqliteDb, table: TableInfo): CheckProfile[] {
  const names = new Set(table.columns.map((c) => c.name))
  const lists = [
    ...tableChecks(table.sql).map((c) => ({ ...c, source: 'table' as const })),
    ...PLAN_CHECKS.filter((c) => c.table === table.name).map((c) => ({
      column: c.column,
      allowed: [...c.allowed],
      source: 'plan' as const,
    })),
  ].filter((c) => names.has(c.column))
  return lists.map((chk) => {
    const c = quoteIdent(chk.column)
    const where = `${c} IS NOT NULL AND ${c} NOT IN (${chk.allowed.map(() => '?').join(', ')})`
    const rows = groupedTop(db, quoteIdent(table.name), [chk.column], where, chk.allowed)
    const samples = rows.map((r) => ({ value: r.values[0] ?? null, count: r.count }))
    return {
      column: chk.column,
      allowed: chk.allowed,
      source: chk.source,
      outside: rows[0]?.total ?? 0,
      samples,
    }
  })
}
