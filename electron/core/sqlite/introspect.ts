// Reads a SQLite schema through the table-valued pragma functions with bound parameters, so
// table names with quotes, spaces or reserved words need no string building at all.
import { fromTable } from './integrity'
import type { SqliteDb } from './open'

export interface ColumnInfo {
  name: string
  declaredType: string
  notNull: boolean
  defaultValue: string | null
  /** 1-based position in the primary key, 0 when not part of it. */
  pkPosition: number
  /** 0 normal, 1 hidden (virtual table), 2/3 generated column. */
  hidden: number
}

export interface ForeignKeyInfo {
  columns: string[]
  refTable: string
  /** Empty when the reference names the parent's primary key implicitly. */
  refColumns: (string | null)[]
  onUpdate: string
  onDelete: string
}

export interface IndexInfo {
  name: string
  unique: boolean
  /** c = CREATE INDEX, u = UNIQUE constraint, pk = PRIMARY KEY */
  origin: string
  partial: boolean
  /** Column names; an expression column shows as `<expr>`. */
  columns: string[]
}

export interface TableInfo {
  name: string
  withoutRowid: boolean
  strict: boolean
  virtual: boolean
  sql: string | null
  columns: ColumnInfo[]
  primaryKey: string[]
  foreignKeys: ForeignKeyInfo[]
  indexes: IndexInfo[]
  /** null when the table cannot be counted (e.g. a virtual table whose module is missing). */
  rowCount: number | null
  countError: string | null
}

export interface SchemaInfo {
  sqliteVersion: string
  pageSize: number
  pageCount: number
  encoding: string
  journalMode: string
  userVersion: number
  tables: TableInfo[]
  views: string[]
  triggers: { name: string; table: string }[]
}

interface SchemaRow {
  type: string
  name: string
  tbl_name: string
  sql: string | null
}

/**
 * Whether a rowid table's one-column INTEGER PRIMARY KEY is its rowid. SQLite builds no index
 * for such a key; it builds one (origin 'pk') for `INTEGER PRIMARY KEY DESC` in a column's
 * definition, which is an ordinary column that may even hold NULL.
 */
export function pkIsRowid(pkTypes: string[], indexes: { origin: string }[], withoutRowid: boolean): boolean {
  return (
    !withoutRowid &&
    pkTypes.length === 1 &&
    pkTypes[0]!.toUpperCase() === 'INTEGER' &&
    !indexes.some((ix) => ix.origin === 'pk')
  )
}

export function listTables(db: SqliteDb): SchemaRow[] {
  return db
    .prepare(
      "SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
    )
    .all() as SchemaRow[]
}

export function describeTable(db: SqliteDb, row: SchemaRow): Omit<TableInfo, 'rowCount' | 'countError'> {
  const name = row.name
  const sql = row.sql
  const virtual = /^\s*CREATE\s+VIRTUAL\s+TABLE/i.test(sql ?? '')
  type XCol = { name: string; type: string; notnull: number; dflt_value: string | null; pk: number; hidden: number }
  let cols: XCol[] = []
  try {
    cols = db.prepare('SELECT name, type, "notnull", dflt_value, pk, hidden FROM pragma_table_xinfo(?)').all(name) as XCol[]
  } catch {
    // A virtual table whose module is not loaded cannot be described; it is reported, not fatal.
  }
  const columns: ColumnInfo[] = cols.map((c) => ({
    name: c.name,
    declaredType: c.type ?? '',
    notNull: c.notnull === 1,
    defaultValue: c.dflt_value,
    pkPosition: c.pk,
    hidden: c.hidden,
  }))
  const primaryKey = columns
    .filter((c) => c.pkPosition > 0)
    .sort((a, b) => a.pkPosition - b.pkPosition)
    .map((c) => c.name)

  type FkRow = { id: number; seq: number; table: string; from: string; to: string | null; on_update: string; on_delete: string }
  const fkRows = safeAll<FkRow>(db, 'SELECT id, seq, "table", "from", "to", on_update, on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq', name)
  const fkMap = new Map<number, ForeignKeyInfo>()
  for (const r of fkRows) {
    let fk = fkMap.get(r.id)
    if (!fk) {
      fk = { columns: [], refTable: r.table, refColumns: [], onUpdate: r.on_update, onDelete: r.on_delete }
      fkMap.set(r.id, fk)
    }
    fk.columns.push(r.from)
    fk.refColumns.push(r.to)
  }

  type IdxRow = { name: string; unique: number; origin: string; partial: number }
  const indexes: IndexInfo[] = safeAll<IdxRow>(db, 'SELECT name, "unique", origin, partial FROM pragma_index_list(?)', name)
    .map((ix) => {
      const parts = safeAll<{ seqno: number; name: string | null; key: number }>(
        db,
        'SELECT seqno, name, "key" FROM pragma_index_xinfo(?) WHERE "key" = 1 ORDER BY seqno',
        ix.name,
      )
      return {
        name: ix.name,
        unique: ix.unique === 1,
        origin: ix.origin,
        partial: ix.partial === 1,
        columns: parts.map((p) => p.name ?? '<expr>'),
      }
    })
    .sort((a, b) => a.name.localeCompare(b.name))

  return {
    name,
    withoutRowid: /\)\s*WITHOUT\s+ROWID/i.test(sql ?? '') || /WITHOUT\s+ROWID\s*(,|$)/i.test(sql ?? ''),
    strict: /\)\s*(WITHOUT\s+ROWID\s*,\s*)?STRICT\s*(,|$)/i.test(sql ?? ''),
    virtual,
    sql,
    columns,
    primaryKey,
    foreignKeys: [...fkMap.values()],
    indexes,
  }
}

export function countRows(db: SqliteDb, table: string): { rowCount: number | null; countError: string | null } {
  try {
    const v = db.prepare(`SELECT count(*) FROM ${fromTable(db, table)}`).pluck().safeIntegers(true).get() as bigint
    return { rowCount: Number(v), countError: null }
  } catch (err) {
    return { rowCount: null, countError: (err as Error).message }
  }
}

function safeAll<T>(db: SqliteDb, sql: string, arg: string): T[] {
  try {
    return db.prepare(sql).all(arg) as T[]
  } catch {
    return []
  }
}

export function databaseFacts(db: SqliteDb): Omit<SchemaInfo, 'tables'> {
  const one = (sql: string): unknown => db.prepare(sql).pluck().get()
  return {
    sqliteVersion: String(one('SELECT sqlite_version()')),
    pageSize: Number(one('PRAGMA page_size')),
    pageCount: Number(one('PRAGMA page_count')),
    encoding: String(one('PRAGMA encoding')),
    journalMode: String(one('PRAGMA journal_mode')),
    userVersion: Number(one('PRAGMA user_version')),
    views: (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'view' ORDER BY name").pluck().all() as string[]),
    triggers: db
      .prepare("SELECT name, tbl_name AS \"table\" FROM sqlite_schema WHERE type = 'trigger' ORDER BY name")
      .all() as { name: string; table: string }[],
  }
}
