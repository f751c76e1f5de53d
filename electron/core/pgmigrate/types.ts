// The translation plan: what each SQLite table becomes in PostgreSQL. It is computed once from the
// schema and the profiled values, stored on the target (ferry_run.plan) and reused by re-runs and
// by validation, so a resumed load never re-decides a type under rows it already wrote.

export type PgType =
  'bigint' | 'double precision' | 'numeric' | 'boolean' | 'timestamptz' | 'jsonb' | 'bytea' | 'text'

export interface RejectedCandidate {
  /** The type the column would have had (e.g. jsonb). */
  type: string
  /** Why not, in words: "1 value is not a JSON object or array". */
  reason: string
  /** How many values blocked it. */
  count: number
  /** Keys (rowid, or the primary key as JSON) of up to 5 blocking rows. */
  sampleKeys: string[]
  /** The same rows, readable: "rowid 12 (agent_id 'qa-01')". */
  sampleRows: string[]
}

export interface ColumnPlan {
  source: string
  target: string
  declaredType: string
  type: PgType
  /** The type as written in DDL, e.g. numeric(10,2). */
  typeSql: string
  /** numeric(p,s) bounds, when the declared precision is kept. */
  precision: number | null
  scale: number | null
  notNull: boolean
  defaultSql: string | null
  /** INTEGER PRIMARY KEY (SQLite's rowid alias): an identity column that continues after the max. */
  identity: boolean
  /** A SQLite generated column: its values are loaded, its expression is reported. */
  generated: boolean
  rejected: RejectedCandidate[]
  /** Anything the user should know about this column's values (written as text, read as UTC …). */
  notes: string[]
  /** Values the loader will have to reject (forecast from the profile), e.g. blobs in a text column. */
  forecastRejects: number
}

export interface IndexPlan {
  name: string
  columns: string[]
  desc: boolean[]
  unique: boolean
  method: 'btree' | 'gin'
}

export interface ForeignKeyPlan {
  name: string
  columns: string[]
  refTable: string
  refColumns: string[]
  onDelete: string
  onUpdate: string
}

export type TableKey = { kind: 'rowid'; expr: string } | { kind: 'pk'; columns: string[] }

export interface TablePlan {
  source: string
  target: string
  /** How rows are ordered and resumed: SQLite's rowid, or the primary key of a WITHOUT ROWID table. */
  key: TableKey
  columns: ColumnPlan[]
  primaryKey: { name: string; columns: string[] } | null
  uniques: { name: string; columns: string[] }[]
  indexes: IndexPlan[]
  foreignKeys: ForeignKeyPlan[]
  /** SQLite's AUTOINCREMENT counter (sqlite_sequence), as text; null when the table has none. */
  autoincrementSeq: string | null
  rows: number
}

export interface Finding {
  kind:
    | 'view'
    | 'trigger'
    | 'index'
    | 'check'
    | 'default'
    | 'generated'
    | 'collation'
    | 'table'
    | 'foreign-key'
    | 'primary-key'
  table: string | null
  name: string
  /** What happened to it, and why. */
  detail: string
  sql: string | null
}

export interface NameChange {
  kind: 'table' | 'column' | 'index' | 'constraint'
  table: string | null
  source: string
  target: string
  reason: string
}

export interface MigrationPlan {
  version: 1
  sourceFingerprint: string
  schema: string
  /** The plan's agent-store enhancements apply (the plan's tables are present). */
  agentStore: boolean
  tables: TablePlan[]
  names: NameChange[]
  notCarried: Finding[]
}
