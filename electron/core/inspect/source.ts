// What the inspector needs from a database, whatever it is: table metadata and a way to run one
// bound query and turn its values into cells. SQLite and PostgreSQL each implement it.
import type { Cell, CellValue, TableInfo } from '../../../shared/contract/inspect'
import type { Dialect } from './keyset'

export interface TableMeta {
  info: TableInfo
  /** The table, quoted (and schema-qualified on PostgreSQL). */
  from: string
  /** Quoted key expressions, in key order (rowid, ctid or the primary key columns). */
  keyExprs: string[]
  /** Changes when the data may have changed (SQLite data_version; a clock tick for PostgreSQL). */
  version: string
}

export interface QueryRows {
  rows: unknown[][]
  /** The cell for value `v` of result column `col`. */
  cell(v: unknown, col: number): Cell
  full(v: unknown, col: number): CellValue
}

export interface InspectSource {
  readonly dialect: Dialect
  tables(): Promise<TableInfo[]>
  meta(table: string): Promise<TableMeta>
  query(sql: string, params: unknown[]): Promise<QueryRows>
  /** Decoded key values back to bind values. */
  bindKey(v: unknown): unknown
  /** Text the user typed for a key column, as a bind value. */
  bindTyped(text: string, column: string, meta: TableMeta): unknown
  /** An exact count. */
  count(meta: TableMeta, whereSql: string, params: unknown[]): Promise<number>
  /**
   * Streams the rows of a long read in chunks of `chunk` rows, yielding to the event loop between
   * chunks (better-sqlite3 is synchronous). Absent where the server does the work (PostgreSQL).
   */
  scan?(
    sql: string,
    params: unknown[],
    signal: AbortSignal,
    chunk: number,
  ): AsyncIterable<unknown[][]>
  close(): Promise<void>
}
