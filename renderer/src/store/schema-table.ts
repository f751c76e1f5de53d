// One table of schema.get's JSON as the Schema screen shows it: columns with their profile,
// foreign keys (and whether an index serves them), indexes and findings. Read defensively: an
// unknown field lands in `extras` and still reaches the screen.
import { normalizeFindings, type FindingView } from '../format/findings'
import { isPlainObject } from '../format/labels'
import { formatCount, formatNumber } from '../format/numbers'
import { columnProfileView, type ColumnProfileView } from '../format/column-profile'
import { findStorageMix, formatShare, nullCount, type StorageMix } from '../format/profile'
import { tableProfileView, type CheckView, type FkCheck } from '../format/table-profile'

export interface ColumnModel {
  name: string
  position: number
  declaredType: string
  notNull: boolean
  defaultValue: string | null
  pkPosition: number
  /** "hidden" / "generated" for pragma_table_xinfo's hidden 1 / 2–3. */
  hiddenText: string | null
  /** "agents.agent_id" when the column is (the first column of) a foreign key. */
  references: string | null
  /** For a foreign-key column: is there an index SQLite can use for it? */
  fkIndexed: boolean | null
  storage: StorageMix | null
  /** "none", "40 (2 %)", or null when not profiled. */
  nullsText: string | null
  profile: ColumnProfileView | null
  findingCount: number
}

export interface ForeignKeyModel {
  key: string
  columnsText: string
  refTable: string
  /** "agents (agent_id)", or "agents (primary key)" when the columns are implicit. */
  refText: string
  onUpdate: string
  onDelete: string
  indexed: boolean
  /** The profile's orphan check for this key, when it ran. */
  orphans: FkCheck | null
}

export interface IndexModel {
  name: string
  columnsText: string
  unique: boolean
  originText: string
  partial: boolean
}

export interface TableModel {
  name: string
  rowCount: number | null
  rowsText: string
  countError: string | null
  tags: string[]
  sql: string | null
  columns: ColumnModel[]
  foreignKeys: ForeignKeyModel[]
  indexes: IndexModel[]
  findings: FindingView[]
  unindexedFks: number
  /** "1 FK · 1 index" for the table list. */
  metaText: string
  /** "Profiled 2,000 rows in 32 ms", or why profiling was skipped. */
  profileText: string | null
  checks: CheckView[]
  extras: Record<string, unknown>
}

export const str = (v: unknown): string | null => (typeof v === 'string' ? v : null)
export const num = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v) ? v : null
const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x : String(x ?? '<expr>'))) : []
export const objects = (v: unknown): Record<string, unknown>[] =>
  Array.isArray(v) ? v.filter(isPlainObject) : []

export function rest(
  obj: Record<string, unknown>,
  known: ReadonlySet<string>,
): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).filter(([k]) => !known.has(k)))
}

const ORIGIN: Record<string, string> = {
  c: 'CREATE INDEX',
  u: 'UNIQUE constraint',
  pk: 'PRIMARY KEY',
}

/** SQLite can use an index for a foreign key when the key's columns lead it, in any order. */
function leads(indexColumns: string[], fkColumns: string[]): boolean {
  if (fkColumns.length === 0 || indexColumns.length < fkColumns.length) return false
  const head = new Set(indexColumns.slice(0, fkColumns.length))
  return fkColumns.every((c) => head.has(c))
}

const TABLE_KEYS = new Set([
  'name',
  'withoutRowid',
  'strict',
  'virtual',
  'sql',
  'columns',
  'primaryKey',
  'foreignKeys',
  'indexes',
  'rowCount',
  'countError',
  'findings',
  'profile',
])
const COLUMN_KEYS = new Set([
  'name',
  'declaredType',
  'notNull',
  'defaultValue',
  'pkPosition',
  'hidden',
  'profile',
  'findings',
])

function columnModel(
  raw: Record<string, unknown>,
  i: number,
  t: {
    rowCount: number | null
    fks: ForeignKeyModel[]
    fkCols: Map<string, ForeignKeyModel>
    findings: FindingView[]
  },
): ColumnModel {
  const name = str(raw.name) ?? `column ${i + 1}`
  // The profile may sit under `profile` or beside the introspection fields.
  const profile = { ...rest(raw, COLUMN_KEYS), ...(isPlainObject(raw.profile) ? raw.profile : {}) }
  const found = findStorageMix(profile)
  const nulls = nullCount(profile, found?.mix ?? null)
  const base = t.rowCount ?? found?.mix.total ?? null
  const skip = new Set([...(found?.keys ?? []), ...(nulls?.key ? [nulls.key] : [])])
  const hidden = num(raw.hidden) ?? 0
  const fk = t.fkCols.get(name) ?? null
  return {
    name,
    position: i + 1,
    declaredType: str(raw.declaredType) ?? '',
    notNull: raw.notNull === true,
    defaultValue: str(raw.defaultValue),
    pkPosition: num(raw.pkPosition) ?? 0,
    hiddenText: hidden === 1 ? 'hidden' : hidden >= 2 ? 'generated' : null,
    references: fk ? fk.refText : null,
    fkIndexed: fk ? fk.indexed : null,
    storage: found?.mix ?? null,
    nullsText: !nulls
      ? null
      : nulls.count === 0
        ? 'none'
        : base
          ? `${formatNumber(nulls.count)} (${formatShare(nulls.count / base)})`
          : formatNumber(nulls.count),
    profile: columnProfileView(profile, skip),
    findingCount: t.findings.filter((f) => f.column === name).length,
  }
}

export function tableModel(raw: Record<string, unknown>, docFindings: FindingView[]): TableModel {
  const name = str(raw.name) ?? '(unnamed)'
  const rowCount = num(raw.rowCount)
  const columnsRaw = objects(raw.columns)
  const pk = strings(raw.primaryKey)
  const indexes: IndexModel[] = objects(raw.indexes).map((ix) => ({
    name: str(ix.name) ?? '',
    columnsText: strings(ix.columns).join(', '),
    unique: ix.unique === true,
    originText: ORIGIN[str(ix.origin) ?? ''] ?? str(ix.origin) ?? '',
    partial: ix.partial === true,
  }))
  const indexColumns = objects(raw.indexes).map((ix) => strings(ix.columns))
  // A rowid alias (INTEGER PRIMARY KEY) is the table's own b-tree key: no index entry, but indexed.
  if (pk.length > 0) indexColumns.push(pk)
  const tp = tableProfileView(raw.profile)
  const fks: ForeignKeyModel[] = objects(raw.foreignKeys).map((fk, i) => {
    const cols = strings(fk.columns)
    const refTable = str(fk.refTable) ?? '?'
    const refCols = Array.isArray(fk.refColumns)
      ? fk.refColumns.filter((c): c is string => typeof c === 'string')
      : []
    return {
      key: `${i}`,
      columnsText: cols.join(', '),
      refTable,
      refText:
        refCols.length > 0 ? `${refTable}.${refCols.join(', ')}` : `${refTable} (primary key)`,
      onUpdate: str(fk.onUpdate) ?? 'NO ACTION',
      onDelete: str(fk.onDelete) ?? 'NO ACTION',
      indexed: indexColumns.some((ic) => leads(ic, cols)),
      orphans: tp?.fkChecks.find((c) => c.columns === cols.join(', ')) ?? null,
    }
  })
  const fkCols = new Map<string, ForeignKeyModel>()
  objects(raw.foreignKeys).forEach((fk, i) => {
    const first = strings(fk.columns)[0]
    if (first && !fkCols.has(first) && fks[i]) fkCols.set(first, fks[i])
  })
  const findings = [
    ...normalizeFindings(raw.findings, { table: name }),
    ...columnsRaw.flatMap((c) =>
      normalizeFindings(c.findings, { table: name, column: str(c.name) }),
    ),
    ...docFindings.filter((f) => f.table === name),
  ]
  const tags = [
    raw.virtual === true ? 'virtual' : null,
    raw.withoutRowid === true ? 'WITHOUT ROWID' : null,
    raw.strict === true ? 'STRICT' : null,
  ].filter((t): t is string => t !== null)
  return {
    name,
    rowCount,
    rowsText: rowCount === null ? 'not counted' : formatCount(rowCount, 'row'),
    countError: str(raw.countError),
    tags,
    sql: str(raw.sql),
    columns: columnsRaw.map((c, i) => columnModel(c, i, { rowCount, fks, fkCols, findings })),
    foreignKeys: fks,
    indexes,
    findings,
    unindexedFks: fks.filter((f) => !f.indexed).length,
    metaText: [formatCount(fks.length, 'FK'), formatCount(indexes.length, 'index', 'indexes')].join(
      ' · ',
    ),
    profileText: tp?.skipped ? `Not profiled: ${tp.skipped}` : (tp?.statsText ?? null),
    checks: tp?.checks ?? [],
    extras: {
      ...rest(raw, TABLE_KEYS),
      ...(tp && Object.keys(tp.extras).length > 0 ? { profile: tp.extras } : {}),
    },
  }
}

/** The model of the whole document; `evidenceFindings` fills in when the document has none. */
