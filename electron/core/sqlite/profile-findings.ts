// Turns a table's profile into findings: the problems Phase 3 must decide about, each with an
// exact count and up to five rowids (or keys) to look at.
import { quoteIdent, type SqliteDb } from './open'
import type { TableInfo } from './introspect'
import { rowidName } from './profile-ranges'
import type {
  ColumnProfile,
  Finding,
  ProfileValue,
  StorageCounts,
  TableProfile,
} from './profile-types'

const SAMPLES = 5
const CLASSES: (keyof StorageCounts)[] = ['integer', 'real', 'text', 'blob']

/** How a row is named in samples: its rowid, or its primary key for WITHOUT ROWID tables. */
function rowKey(table: TableInfo): string {
  const rowid = table.withoutRowid ? undefined : rowidName(table.columns.map((c) => c.name))
  if (rowid) return rowid
  const pk = table.primaryKey.length ? table.primaryKey : [table.columns[0]?.name ?? '']
  return pk.map((c) => `quote(${quoteIdent(c)})`).join(" || ',' || ")
}

function sampleRows(db: SqliteDb, table: TableInfo, where: string): ProfileValue[] {
  try {
    const rows = db
      .prepare(
        `SELECT ${rowKey(table)} FROM ${quoteIdent(table.name)} WHERE ${where} LIMIT ${SAMPLES}`,
      )
      .pluck()
      .safeIntegers(true)
      .all() as unknown[]
    return rows.map((v) =>
      typeof v === 'bigint'
        ? Number.isSafeInteger(Number(v))
          ? Number(v)
          : v.toString()
        : (v as ProfileValue),
    )
  } catch {
    return []
  }
}

/** The non-NULL storage classes present; integer+real together is normal under NUMERIC affinity. */
export function mixedClasses(p: ColumnProfile): (keyof StorageCounts)[] {
  const present = CLASSES.filter((k) => p.storage[k] > 0)
  if (
    p.affinity === 'NUMERIC' &&
    present.length === 2 &&
    present.includes('integer') &&
    present.includes('real')
  )
    return []
  return present.length > 1 ? present : []
}

export function columnFindings(
  db: SqliteDb,
  table: TableInfo,
  column: string,
  p: ColumnProfile,
): Finding[] {
  const c = quoteIdent(column)
  const out: Finding[] = []
  const add = (kind: Finding['kind'], count: number, where: string, detail: string) => {
    if (count > 0)
      out.push({
        table: table.name,
        column,
        kind,
        count,
        samples: sampleRows(db, table, where),
        detail,
      })
  }
  const mixed = mixedClasses(p)
  if (mixed.length) {
    const main = [...mixed].sort((a, b) => p.storage[b] - p.storage[a])[0] as keyof StorageCounts
    const minority = mixed.filter((k) => k !== main).reduce((n, k) => n + p.storage[k], 0)
    const dist = mixed.map((k) => `${p.storage[k]} ${k}`).join(', ')
    add(
      'mixed-types',
      minority,
      `typeof(${c}) NOT IN ('null', '${main}')`,
      `declared ${p.affinity} affinity, holds ${dist}; samples are the rows that are not ${main}`,
    )
  }
  add(
    'nul-bytes',
    p.nulBytes,
    // instr() on the text itself: a zero byte in the BLOB form is every ASCII letter in UTF-16.
    `typeof(${c}) = 'text' AND instr(${c}, char(0)) > 0`,
    'TEXT with a NUL byte: PostgreSQL text rejects it (store as bytea or strip it)',
  )
  add(
    'invalid-utf8',
    p.invalidUtf8,
    `typeof(${c}) = 'text' AND ferry_utf8_invalid(CAST(${c} AS BLOB))`,
    'TEXT that is not valid UTF-8: PostgreSQL text rejects it (error 22021)',
  )
  if (p.json) {
    add(
      'invalid-json',
      p.json.invalid,
      `typeof(${c}) = 'text' AND NOT json_valid(${c})`,
      `JSON column (${p.json.valid} valid): these values will not load into jsonb`,
    )
    add(
      'json-nul-escape',
      p.json.nulEscapes,
      `typeof(${c}) = 'text' AND instr(${c}, '\\u0000') > 0`,
      'JSON with \\u0000: PostgreSQL jsonb rejects it (error 22P05)',
    )
  }
  if (p.timestamps) {
    add(
      'invalid-timestamp',
      p.timestamps.notIso,
      `${c} IS NOT NULL AND ferry_iso(${c}) = 0`,
      `timestamp column (${p.timestamps.iso} ISO-8601 values): these do not parse as ISO-8601`,
    )
  }
  if (p.boolean) {
    add(
      'non-boolean',
      p.boolean.other,
      `${c} IS NOT NULL AND NOT (typeof(${c}) = 'integer' AND ${c} IN (0, 1))`,
      'boolean column holding values other than 0 and 1',
    )
  }
  return out
}

export function keyFindings(table: TableInfo, profile: TableProfile): Finding[] {
  const out: Finding[] = []
  for (const fk of profile.foreignKeys) {
    if (fk.orphans > 0) {
      out.push({
        table: table.name,
        column: fk.columns.join(', '),
        kind: 'orphans',
        count: fk.orphans,
        samples: fk.samples,
        detail: fk.parentMissing
          ? `references ${fk.refTable}, which does not exist`
          : `references ${fk.refTable}(${fk.refColumns.join(', ')}); these keys have no parent row, so a FOREIGN KEY constraint will fail`,
      })
    }
  }
  for (const chk of profile.checks) {
    if (chk.outside > 0) {
      out.push({
        table: table.name,
        column: chk.column,
        kind: 'status-outside-check',
        count: chk.outside,
        samples: chk.samples.map((s) => s.value),
        detail: `values outside ${chk.source === 'plan' ? "the plan's" : 'the table\u2019s'} CHECK list (${chk.allowed.join(', ')}): ${chk.samples.map((s) => `${String(s.value)} ×${s.count}`).join(', ')}`,
      })
    }
  }
  return out
}
