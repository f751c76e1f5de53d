// SQLite schema + profiled values → the translation plan (types.ts). Everything in the source
// schema is either carried over or listed in `notCarried` / `names` with the reason.
import { fromTable } from '../sqlite/integrity'
import { createHash } from 'node:crypto'
import { FerryError } from '../../../shared/contract/envelope'
import { describeTable, listTables, pkIsRowid, type TableInfo } from '../sqlite/introspect'
import { quoteIdent, type SqliteDb } from '../sqlite/open'
import { isTooBig, oversizedValues, tooBigError } from '../sqlite/too-big'
import { declaredBounds, decideType, isDeclaredBlob, NO_VALUES, typeSql } from './decide'
import { translateDefault } from './defaults'
import { isoWithoutOffset } from './scalars'
import { NOCASE_COLLATION } from './ddl'
import { preferredRowHash } from './canonical'
import { canonicalJsonb } from './json-canon'
import { applyPolicy, nameReason, NameAllocator, pgName, type IdentifierPolicy } from './names'
import {
  internalFindings,
  planChecksAndCollations,
  planNocaseColumns,
  planViews,
} from './carry-over'
import { applyTypeOverride, checkOverrides } from './type-override'
import {
  binary,
  type ColumnStats,
  profileColumns,
  registerProfileFunctions,
  sampleBlockers,
  type NumericBounds,
  type ProfileResult,
} from './profile'
import { planKeysAndIndexes, schemaFindings } from './translate-keys'
import { decideVirtual } from './virtual-tables'
import type {
  ColumnPlan,
  Finding,
  MigrationPlan,
  NameChange,
  PgType,
  TableKey,
  TablePlan,
} from './types'
import { keySelectSql, keyText, keyWidth } from './keys'
import { LEDGER_TABLE } from '../agent-store/types'
import { keyDisplay } from '../../../shared/contract/row-key'

/** PostgreSQL's limit on columns in one table (MaxHeapAttributeNumber). */
const PG_MAX_COLUMNS = 1600

/** Ferry's own bookkeeping tables in the target schema. */
export const FERRY_TABLES = [
  'ferry_run',
  'ferry_ledger',
  'ferry_rejects',
  'ferry_rules',
  'ferry_rejects_resolved',
  'ferry_delta_runs',
  'ferry_delta_ledger',
] as const

/** Relation names Ferry's bookkeeping takes besides its tables (their primary keys' indexes). */
const FERRY_RELATIONS = [
  ...FERRY_TABLES,
  'ferry_run_pkey',
  'ferry_ledger_pkey',
  'ferry_delta_runs_pkey',
  'ferry_delta_ledger_pkey',
]

export interface TranslateOptions {
  schema: string
  /** preserve (default): names kept exactly; lower: lower-cased (apps need no quotes). */
  identifiers?: IdentifierPolicy
  /** Per-column type choices, keyed "table.column" (source names); checked by type-override.ts. */
  types?: Record<string, string>
  onTable?: (table: string, index: number, count: number) => void
  /** Profiles computed beforehand, by table (profile-threads.ts); the others are profiled here. */
  profiles?: ReadonlyMap<string, ProfileResult>
  /** The target server has ICU: COLLATE NOCASE columns become case-insensitive (ferry_nocase). */
  icu?: boolean
  /**
   * Names something else owns in the target schema (p3.schema: the migrations framework's ledger
   * schema_migrations): a source table of that name is loaded under another, reported with `why`.
   */
  reserved?: { name: string; why: string }[]
}

export function sourceFingerprint(db: SqliteDb, without: readonly string[] = []): string {
  const rows = (
    db
      .prepare(
        "SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite\\_stat%' ESCAPE '\\' ORDER BY type, name",
      )
      .raw(true)
      .all() as unknown[][]
  ).filter((r) => !without.includes(r[2] as string))
  return createHash('sha256').update(JSON.stringify(rows)).digest('hex')
}

/**
 * Tables Ferry itself adds to a source after its migration: the agent store's write ledger,
 * installed in memory.db by p4.agent-code. Their arrival is no change of the user's schema.
 */
export const FERRY_SOURCE_TABLES: readonly string[] = [LEDGER_TABLE]

/** The SQLite file still has the schema a run was made from (Ferry's own later tables aside). */
export function sameSource(db: SqliteDb, fingerprint: string): boolean {
  return (
    fingerprint === sourceFingerprint(db) ||
    fingerprint === sourceFingerprint(db, FERRY_SOURCE_TABLES)
  )
}

export function translateSchema(db: SqliteDb, opts: TranslateOptions): MigrationPlan {
  registerProfileFunctions(db)
  const kinds = new Map(
    (
      db.prepare('SELECT name, type FROM pragma_table_list WHERE schema = ?').all('main') as {
        name: string
        type: string
      }[]
    ).map((r) => [r.name, r.type]),
  )
  const notCarried: Finding[] = []
  const names: NameChange[] = []
  const infos: TableInfo[] = []
  for (const row of listTables(db)) {
    const kind = kinds.get(row.name)
    if (kind === 'shadow') {
      notCarried.push({
        kind: 'table',
        table: row.name,
        name: row.name,
        detail: 'internal table of a virtual table: not copied as data',
        sql: row.sql,
      })
      continue
    }
    const info = { ...describeTable(db, row), rowCount: null, countError: null }
    if (info.virtual) {
      const v = decideVirtual(db, info)
      notCarried.push({
        kind: 'table',
        table: row.name,
        name: row.name,
        detail: v.detail,
        sql: row.sql,
      })
      if (v.copy) infos.push({ ...v.info, rowCount: null, countError: null })
      continue
    }
    infos.push(info)
  }
  const wide = infos.find((t) => profileInputs(t).cols.length > PG_MAX_COLUMNS)
  if (wide) {
    throw new FerryError(
      'TOO_MANY_COLUMNS',
      `Table "${wide.name}" has ${profileInputs(wide).cols.length} columns; PostgreSQL allows at most ${PG_MAX_COLUMNS} in a table`,
      'Nothing was written to PostgreSQL. In a copy of the database, move some of its columns into a second table keyed by the same id, then migrate that copy.',
    )
  }

  const policy = opts.identifiers ?? 'preserve'
  const rename = (n: string): string => applyPolicy(n, policy)
  const overrides = checkOverrides(infos, opts.types ?? {})
  const alloc = new NameAllocator()
  // A source table (or index) named like Ferry's bookkeeping gets the next free name: _2, _3 …
  for (const n of FERRY_RELATIONS) alloc.reserve(n)
  for (const r of opts.reserved ?? []) alloc.reserve(r.name)
  const seq = readSequences(db)
  const tables: TablePlan[] = []
  infos.forEach((info, i) => {
    opts.onTable?.(info.name, i, infos.length)
    const target = alloc.allocate(rename(info.name))
    if (target !== info.name)
      names.push({
        kind: 'table',
        table: info.name,
        source: info.name,
        target,
        reason:
          opts.reserved?.find((r) => r.name === pgName(rename(info.name)))?.why ??
          (FERRY_RELATIONS.includes(pgName(rename(info.name)))
            ? `"${pgName(rename(info.name))}" is one of Ferry's bookkeeping tables in the target schema`
            : nameReason(info.name, target, policy)),
      })
    const ctx = { names, notCarried, policy, overrides, profiles: opts.profiles }
    try {
      tables.push(planTable(db, info, target, seq.get(info.name) ?? null, ctx))
    } catch (err) {
      if (!isTooBig(err)) throw err
      throw tooBigError('The database', oversizedValues(db, [info.name]))
    }
  })
  refuseRowsTooWide(db, tables)
  const agentStore = ['agents', 'tasks', 'events', 'agent_messages'].every((n) =>
    tables.some((t) => t.source === n),
  )
  const icu = opts.icu === true
  const nocaseColumns = planNocaseColumns(infos, tables, icu)
  planKeysAndIndexes(db, infos, tables, alloc, {
    agentStore,
    names,
    notCarried,
    rename,
    policy,
    icu,
  })
  const collations =
    nocaseColumns.length ||
    tables.some((t) => t.indexes.some((ix) => ix.collations?.includes(NOCASE_COLLATION)))
      ? [NOCASE_COLLATION]
      : []
  planChecksAndCollations(infos, tables, alloc, { agentStore, notCarried })
  const views = planViews(db, tables, alloc, rename, { agentStore, notCarried })
  notCarried.push(...schemaFindings(db), ...internalFindings(db))
  return {
    version: 1,
    sourceFingerprint: sourceFingerprint(db),
    schema: opts.schema,
    agentStore,
    tables,
    names,
    notCarried,
    options: { identifiers: policy, onViolation: 'not-valid' },
    views,
    ...(collations.length ? { collations } : {}),
  }
}

/** PostgreSQL keeps a row on one 8 kB page: after the page and tuple headers, at most this much. */
const PG_MAX_ROW_BYTES = 8160
/** Bytes and alignment of the fixed-width types (variable-width values can move out of line). */
const FIXED_WIDTH: Partial<Record<PgType, number>> = {
  bigint: 8,
  'double precision': 8,
  timestamptz: 8,
  date: 4,
  boolean: 1,
}

/** A row's bytes on a PostgreSQL page counting only its set fixed-width values (with alignment). */
function fixedRowBytes(t: TablePlan, isSet: (i: number) => boolean): number {
  // The tuple header (23 bytes), with a null bitmap only when a value is NULL, aligned to 8.
  const anyNull = t.columns.some((_, i) => !isSet(i))
  let bytes = Math.ceil((23 + (anyNull ? Math.ceil(t.columns.length / 8) : 0)) / 8) * 8
  t.columns.forEach((c, i) => {
    const w = FIXED_WIDTH[c.type]
    if (w && isSet(i)) bytes = Math.ceil(bytes / w) * w + w
  })
  return bytes
}

/**
 * A table whose set fixed-width values alone exceed a PostgreSQL row (a thousand bigint columns):
 * such a row fails the load with "row is too big" (54000), after other tables were written.
 * Only a table that could hold such a row (all its fixed-width columns set) is read, once; a
 * row that is too wide refuses the migration here, before anything is written, naming it.
 */
export function refuseRowsTooWide(db: SqliteDb, tables: TablePlan[]): void {
  for (const t of tables) {
    if (fixedRowBytes(t, () => true) <= PG_MAX_ROW_BYTES) continue
    const sql = `SELECT ${keySelectSql(t.key)}, ${t.columns.map((c) => `${quoteIdent(c.source)} IS NOT NULL`).join(', ')} FROM ${quoteIdent(t.source)}`
    const w = keyWidth(t.key)
    let worst: { bytes: number; key: string } | null = null
    let count = 0
    for (const row of db.prepare(sql).raw(true).safeIntegers(true).iterate() as IterableIterator<
      unknown[]
    >) {
      const bytes = fixedRowBytes(t, (i) => row[w + i] === 1n)
      if (bytes <= PG_MAX_ROW_BYTES) continue
      count++
      if (!worst || bytes > worst.bytes) worst = { bytes, key: keyText(t.key, row.slice(0, w)) }
    }
    if (!worst) continue
    throw new FerryError(
      'ROW_TOO_WIDE',
      `Table "${t.source}" cannot be loaded: ${count.toLocaleString('en-US')} row(s) hold more fixed-width values (bigint, double precision, timestamptz, date, boolean) than a PostgreSQL row can: ${worst.bytes.toLocaleString('en-US')} bytes at key ${keyDisplay(worst.key)}, the limit is ${PG_MAX_ROW_BYTES.toLocaleString('en-US')}`,
      'Nothing was written to PostgreSQL. In a copy of the database, move some of its columns into a second table keyed by the same id, then migrate that copy.',
    )
  }
}

function readSequences(db: SqliteDb): Map<string, string> {
  const exists = db
    .prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'sqlite_sequence'")
    .get()
  if (!exists) return new Map()
  const rows = db
    .prepare('SELECT name, seq FROM sqlite_sequence')
    .raw(true)
    .safeIntegers(true)
    .all() as [string, bigint | null][]
  return new Map(rows.filter((r) => r[1] !== null).map(([n, s]) => [n, String(s)]))
}

/** The columns a table's profile covers (stored ones and generated ones) and their NUMERIC(p,s) bounds. */
export function profileInputs(info: Omit<TableInfo, 'rowCount' | 'countError'>): {
  cols: TableInfo['columns']
  bounds: Map<string, NumericBounds>
  /** Columns declared BLOB: their text is not tested for JSON or times (decide.ts never uses it). */
  bytesOnly: Set<string>
} {
  const cols = info.columns.filter((c) => c.hidden === 0 || c.hidden === 2 || c.hidden === 3)
  const bounds = new Map<string, NumericBounds>()
  const bytesOnly = new Set<string>()
  for (const c of cols) {
    const b = declaredBounds(c.declaredType)
    if (b) bounds.set(c.name, b)
    if (isDeclaredBlob(c.declaredType)) bytesOnly.add(c.name)
  }
  return { cols, bounds, bytesOnly }
}

export function tableKey(db: SqliteDb, info: Omit<TableInfo, 'rowCount' | 'countError'>): TableKey {
  const pkIndex = info.indexes.find((ix) => ix.origin === 'pk')
  if (info.withoutRowid) return uniqueKey(db, info.primaryKey, pkIndex?.name ?? null)
  const taken = new Set(info.columns.map((c) => c.name.toLowerCase()))
  const expr = ['rowid', '_rowid_', 'oid'].find((e) => !taken.has(e))
  if (expr) return { kind: 'rowid', expr }
  // rowid, _rowid_ and oid all name columns: the rowid cannot be read. The primary key, or else a
  // UNIQUE index, stands in for it; outside WITHOUT ROWID such keys may hold NULL (SQLite allows
  // several), and a NULL key would be skipped by the key-range reads: only a NULL-free one will do.
  const candidates: { columns: string[]; index: string | null }[] = []
  if (info.primaryKey.length)
    candidates.push({ columns: info.primaryKey, index: pkIndex?.name ?? null })
  for (const ix of info.indexes)
    if (ix.unique && !ix.partial && ix.origin !== 'pk' && !ix.columns.includes('<expr>'))
      candidates.push({ columns: ix.columns, index: ix.name })
  for (const k of candidates) {
    const nullKey = db
      .prepare(
        `SELECT 1 FROM ${quoteIdent(info.name)} WHERE ${k.columns.map((c) => `${quoteIdent(c)} IS NULL`).join(' OR ')} LIMIT 1`,
      )
      .get()
    if (!nullKey) return uniqueKey(db, k.columns, k.index)
  }
  throw new FerryError(
    'NO_ROW_KEY',
    `Table "${info.name}" has columns named rowid, _rowid_ and oid, and neither a primary key nor a UNIQUE index without NULLs, so its rows cannot be read in a stable order`,
    'Rename one of those columns, or add a UNIQUE index over NULL-free columns, in a copy of the database.',
  )
}

/**
 * A key over `columns`, unique by `index`: each column ordered and compared under that index's
 * collation (an INTEGER PRIMARY KEY has no index; its values are integers, no collation applies).
 */
function uniqueKey(db: SqliteDb, columns: string[], index: string | null): TableKey {
  if (!index) return { kind: 'pk', columns }
  const colls = new Map(
    (
      db.prepare('SELECT name, coll FROM pragma_index_xinfo(?) WHERE "key" = 1').all(index) as {
        name: string | null
        coll: string | null
      }[]
    ).map((r) => [r.name, r.coll]),
  )
  const collations = columns.map((c) => colls.get(c) ?? 'BINARY')
  return { kind: 'pk', columns, collations }
}

/** Column names that say "a point in time": created_at, last_seen_ts, start_time, due_date, ts … */
const TIME_NAME = /(?:^|_)(?:at|ts|time|date|datetime|timestamp)$/i
/** Declared types that say the same: `seen DATETIME DEFAULT (strftime('%s','now'))`. */
const TIME_DECLARED = /^\s*(?:datetime|timestamp|timestamptz|date)\b/i

/**
 * A numbers-only column named (or declared) like a time whose every value is epoch seconds
 * (epochText): it becomes timestamptz, as the issue asks ("epoch numbers in a column named like a
 * time").
 */
function epochColumn(
  db: SqliteDb,
  table: string,
  column: { name: string; declaredType: string | null },
  s: ColumnStats,
  decided: { type: string },
): boolean {
  const timely = TIME_NAME.test(column.name) || TIME_DECLARED.test(column.declaredType ?? '')
  if (!timely || s.texts || s.blobs || s.ints + s.reals === 0) return false
  if (!['bigint', 'double precision', 'numeric'].includes(decided.type)) return false
  const c = binary(column.name)
  const blocking = db
    .prepare(
      `SELECT count(*) FROM ${fromTable(db, table)} WHERE ${c} IS NOT NULL AND NOT ferry_is_epoch(${c})`,
    )
    .pluck()
    .safeIntegers(true)
    .get() as bigint
  return blocking === 0n
}

/**
 * A column decided timestamptz from ISO-8601 text whose every value is a date alone (YYYY-MM-DD):
 * timestamptz would make each one midnight UTC — the day before, read in a time zone west of UTC.
 * The scan stops at the first value with a time of day, so a timestamp column costs one row.
 */
function dateColumn(
  db: SqliteDb,
  table: string,
  column: string,
  decided: { type: string; notes: string[] },
): boolean {
  // An empty DATETIME column stays timestamptz (decide.ts): with no value to look at, "every
  // value is a date alone" holds vacuously, and date would drop the time of every future row.
  if (decided.type !== 'timestamptz' || decided.notes.includes(NO_VALUES)) return false
  const c = binary(column)
  return !db
    .prepare(
      `SELECT EXISTS (SELECT 1 FROM ${fromTable(db, table)} WHERE ${c} IS NOT NULL AND (typeof(${c}) <> 'text' OR length(${c}) <> 10))`,
    )
    .pluck()
    .get()
}

/** How many of a column's values are looked at to tell whether PostgreSQL prints them otherwise. */
const FORM_SAMPLE = 1000
/** …and at most this much of their text (a column of 10 MB JSON documents is read a few at a time). */
const FORM_SAMPLE_CHARS = 16 * 1024 * 1024

/**
 * What PostgreSQL will print in another form, judged on a column's first values. jsonb keeps
 * JSON's meaning, not its text: keys sorted (by length, then bytes), its own spacing, numbers as
 * numeric prints them. timestamptz keeps the instant, not the offset it was written with.
 */
function formNotes(db: SqliteDb, table: string, column: string, type: string): string[] {
  if (type !== 'jsonb' && type !== 'timestamptz') return []
  const c = quoteIdent(column)
  // Read one value at a time, and stop early on large values: memory stays bounded.
  const values: string[] = []
  let bytes = 0
  for (const v of db
    .prepare(`SELECT ${c} FROM ${fromTable(db, table)} WHERE typeof(${c}) = 'text' LIMIT ?`)
    .pluck()
    .iterate(FORM_SAMPLE) as IterableIterator<string>) {
    values.push(v)
    bytes += v.length
    if (bytes > FORM_SAMPLE_CHARS) break
  }
  const n = (k: number): string => k.toLocaleString('en-US')
  const keep = `--type ${table}.${column}=text keeps the exact text`
  if (type === 'jsonb') {
    const changed = values.filter((v) => {
      const j = canonicalJsonb(v)
      return j.ok && j.text !== v
    }).length
    return changed
      ? [
          `jsonb keeps the JSON, not its spelling: ${n(changed)} of the first ${n(values.length)} values will read differently in PostgreSQL (keys reordered, spacing, 1E+2 as 100); ${keep}`,
        ]
      : []
  }
  const notes: string[] = []
  const offsets = values.filter((v) => OTHER_OFFSET.test(v)).length
  if (offsets)
    notes.push(
      `timestamptz keeps the instant, not the offset: ${n(offsets)} of the first ${n(values.length)} values were written with an offset other than UTC and will print in the session's time zone; ${keep}`,
    )
  // A time written without an offset is an assumption: SQLite's own datetime('now') is UTC, an
  // application's local time would land hours off.
  const naive = values.filter((v) => isoWithoutOffset(v)).length
  if (naive)
    notes.push(
      `timestamptz reads a time without an offset as UTC: ${n(naive)} of the first ${n(values.length)} values have none (right for SQLite's datetime('now'); if the application wrote local times, ${keep})`,
    )
  return notes
}

/** A time of day with an ISO-8601 offset that is not UTC (+05:30, -0800, +01). */
const OTHER_OFFSET = /[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?[+-](?!00(?::?00)?$)\d{2}(?::?\d{2})?$/

interface PlanCtx {
  names: NameChange[]
  notCarried: Finding[]
  policy: IdentifierPolicy
  overrides: Map<string, string>
  profiles: TranslateOptions['profiles']
}

function planTable(
  db: SqliteDb,
  info: TableInfo,
  target: string,
  autoSeq: string | null,
  { names, notCarried, policy, overrides, profiles }: PlanCtx,
): TablePlan {
  const key = tableKey(db, info)
  const { cols, bounds, bytesOnly } = profileInputs(info)
  const { rows, stats } =
    profiles?.get(info.name) ??
    profileColumns(
      db,
      info.name,
      cols.map((c) => c.name),
      bounds,
      bytesOnly,
    )
  const rowidAlias = pkIsRowid(
    cols.filter((c) => c.pkPosition > 0).map((c) => c.declaredType),
    info.indexes,
    info.withoutRowid,
  )
  const taken = NameAllocator.forColumns()
  const columns: ColumnPlan[] = cols.map((c) => {
    const s = stats.get(c.name)!
    const decided = decideType(c.declaredType, s, bounds.get(c.name) ?? null)
    const wanted = overrides.get(`${info.name}\u0000${c.name}`)
    const aliased = rowidAlias && c.pkPosition === 1
    const epoch = !wanted && !aliased && epochColumn(db, info.name, c, s, decided)
    const date = !wanted && dateColumn(db, info.name, c.name, decided)
    const d = wanted
      ? applyTypeOverride(db, info.name, key, info.primaryKey, c.name, decided, wanted)
      : date
        ? {
            ...decided,
            type: 'date' as const,
            notes: [
              'ISO-8601 dates without a time of day: date (timestamptz would make each one midnight UTC)',
            ],
            overriddenFrom: undefined,
          }
        : epoch
          ? {
              ...decided,
              type: 'timestamptz' as const,
              precision: null,
              scale: null,
              rejected: [],
              notes: [
                ...decided.notes,
                `epoch seconds (numbers) read as UTC times; choose bigint (--type ${info.name}.${c.name}=bigint) to keep the numbers`,
              ],
              overriddenFrom: undefined,
            }
          : { ...decided, overriddenFrom: undefined }
    if (!wanted && !epoch) d.notes = [...d.notes, ...formNotes(db, info.name, c.name, d.type)]
    const colTarget = taken.allocate(applyPolicy(c.name, policy))
    if (colTarget !== c.name)
      names.push({
        kind: 'column',
        table: info.name,
        source: c.name,
        target: colTarget,
        reason: nameReason(c.name, colTarget, policy, 'column'),
      })
    const identity = rowidAlias && c.pkPosition === 1 && d.type === 'bigint'
    const generated = c.hidden === 2 || c.hidden === 3
    const def =
      identity || generated
        ? { sql: null, problem: null }
        : translateDefault(c.defaultValue, d.type)
    if (def.problem)
      notCarried.push({
        kind: 'default',
        table: info.name,
        name: c.name,
        detail: def.problem,
        sql: null,
      })
    if (generated) {
      notCarried.push({
        kind: 'generated',
        table: info.name,
        name: c.name,
        detail: `generated column (${c.hidden === 3 ? 'stored' : 'virtual'}): its values are loaded into a plain column; the expression (see sql) is not carried over, so new rows must set it`,
        sql: info.sql,
      })
    }
    const rejected = d.rejected.map((r) => {
      const sample = sampleBlockers(
        db,
        info.name,
        key,
        info.primaryKey,
        c.name,
        r.type.startsWith('numeric(') ? 'numeric' : r.type,
        bounds.get(c.name),
      )
      return { ...r, sampleKeys: sample.keys, sampleRows: sample.labels }
    })
    return {
      source: c.name,
      target: colTarget,
      declaredType: c.declaredType,
      type: d.type,
      typeSql: typeSql(d.type, d.precision, d.scale),
      precision: d.precision,
      scale: d.scale,
      // A NULL in a NOT NULL column cannot be in SQLite; keep the constraint with the table.
      notNull: c.notNull,
      defaultSql: def.sql,
      identity,
      generated,
      rejected,
      notes: d.notes,
      forecastRejects: d.forecastRejects,
      ...(d.overriddenFrom ? { overriddenFrom: d.overriddenFrom } : {}),
      ...(epoch ? { epoch: true } : {}),
    }
  })
  return {
    source: info.name,
    target,
    key,
    columns,
    primaryKey: null,
    uniques: [],
    indexes: [],
    foreignKeys: [],
    autoincrementSeq: autoSeq,
    rows,
    rowHash: preferredRowHash(),
  }
}
