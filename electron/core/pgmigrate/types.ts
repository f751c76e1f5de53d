// The translation plan: what each SQLite table becomes in PostgreSQL. It is computed once from the
// schema and the profiled values, stored on the target (ferry_run.plan) and reused by re-runs and
// by validation, so a resumed load never re-decides a type under rows it already wrote.

import type { RowHashAlgo } from './canonical'
import type { PreflightResult } from './preflight'

export type PgType =
  | 'bigint'
  | 'double precision'
  | 'numeric'
  | 'boolean'
  | 'timestamptz'
  | 'date'
  | 'jsonb'
  | 'bytea'
  | 'text'

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
  /**
   * The identity column's sequence, named by Ferry (plans from before it was named leave it to
   * PostgreSQL): a relation name like the indexes', so none of them can take it.
   */
  identitySequence?: string
  /** A SQLite generated column: its values are loaded, its expression is reported. */
  generated: boolean
  /**
   * Its expression in PostgreSQL, when it translates: after the load the column becomes
   * GENERATED ALWAYS AS (…) STORED if that expression gives every loaded value (ddl.ts).
   */
  generatedSql?: string
  rejected: RejectedCandidate[]
  /** Anything the user should know about this column's values (written as text, read as UTC …). */
  notes: string[]
  /** Values the loader will have to reject (forecast from the profile), e.g. blobs in a text column. */
  forecastRejects: number
  /** Set when the user chose the type (--type table.column=type): the type Ferry would have chosen. */
  overriddenFrom?: string
  /** A timestamptz column whose SQLite values are epoch seconds (numbers), read as UTC. */
  epoch?: boolean
  /**
   * Values the user chose to map in the pre-flight (a CHECK list's violators → allowed values):
   * the loader writes the mapped value, and every comparison (validation, bisection, delta) reads
   * the source through the same map, so the target equals the source as mapped — and says so.
   */
  valueMap?: Record<string, string>
  /**
   * A collation of the target schema for this column: 'ferry_nocase' carries SQLite's COLLATE
   * NOCASE as a case-insensitive (nondeterministic ICU) collation, where the server has ICU.
   */
  collation?: string
}

export interface IndexPlan {
  name: string
  columns: string[]
  desc: boolean[]
  unique: boolean
  method: 'btree' | 'gin'
  /** Per item SQL when the index has expressions (translated from SQLite); overrides `columns`. */
  exprs?: string[]
  /** Partial index predicate, translated from SQLite. */
  where?: string
  /** Per item, a collation other than the column's own: "C" (COLLATE BINARY on a NOCASE column) or ferry_nocase (COLLATE NOCASE on a plain one). */
  collations?: (string | null)[]
}

/** What to do with a constraint some loaded rows violate (the pre-flight's choice). */
export type ViolationChoice = 'stop' | 'skip-constraint' | 'not-valid'

export interface CheckPlan {
  name: string
  /** The PostgreSQL expression (target names, quoted). */
  sql: string
  /** The same test in SQLite (source names), run by the pre-flight. */
  sqliteSql: string
  /** 'plan': a CHECK list of MIGRATION-PLAN.md; 'source': translated from the SQLite schema. */
  origin: 'plan' | 'source'
  /** A plan CHECK list: the values it allows (what violators can be mapped to). */
  allowed?: string[]
  /** Resolved by the pre-flight: created as usual, NOT VALID (violators kept), or not created. */
  action?: 'create' | 'not-valid' | 'skip'
}

export interface ForeignKeyPlan {
  name: string
  columns: string[]
  refTable: string
  refColumns: string[]
  onDelete: string
  onUpdate: string
  /** DEFERRABLE INITIALLY DEFERRED, as in SQLite (checked at COMMIT). */
  deferred?: boolean
  /** Resolved by the pre-flight (absent: added NOT VALID, then validated when it can be). */
  action?: 'create' | 'not-valid' | 'skip'
}

export type TableKey =
  | { kind: 'rowid'; expr: string }
  | {
      kind: 'pk'
      columns: string[]
      /**
       * Per column, the collation of the index that makes the key unique (absent in plans of
       * older Ferry versions: the columns' own). Rows are ordered and compared under it: under
       * the column's own collation two keys may tie ('a' and 'A' in a NOCASE column keyed
       * BINARY), and a key-range read would skip one of them.
       */
      collations?: string[]
    }

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
  /** CHECK constraints (added after the load); absent in plans of older runs. */
  checks?: CheckPlan[]
  /** SQLite's AUTOINCREMENT counter (sqlite_sequence), as text; null when the table has none. */
  autoincrementSeq: string | null
  rows: number
  /**
   * Split points of a large table, as key texts: it is loaded as parts [-∞, p1), [p1, p2), …
   * side by side (parts.ts). Absent: one part (and in plans of older runs).
   */
  parts?: string[]
  /** The digest of its row hashes (canonical.ts); absent in plans of older runs: MD5. */
  rowHash?: RowHashAlgo
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
    | 'internal'
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
  /** The options the plan was made with (absent in plans of older runs: the defaults). */
  options?: { identifiers: 'preserve' | 'lower'; onViolation: ViolationChoice }
  /** The pre-flight's forecast and decisions (absent in plans of older runs). */
  preflight?: PreflightResult
  /** Views to create after the load (translated SQL); the rest are in notCarried. */
  views?: {
    name: string
    target: string
    sql: string
    sourceSql: string
    /**
     * The view's column names as SQLite gives them (under the identifier policy, shortened to 63
     * bytes), set with CREATE VIEW's column list: PostgreSQL would otherwise name them after the
     * translated select (a renamed column's new name, count for count(*), a duplicate refused).
     */
    columns?: string[]
  }[]
  /** Collations created in the schema before the tables (ddl.ts COLLATIONS); absent: none. */
  collations?: string[]
}
