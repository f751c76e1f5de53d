// A SQLite file as an inspector source, opened read-only (readonly + fileMustExist: nothing is
// created or written; query_only as a second lock). Integers come back as bigint so 2^63-1 stays exact.
import { fromTable } from '../sqlite/integrity'
import { pkIsRowid } from '../sqlite/introspect'
import type Database from 'better-sqlite3'
import { FerryError } from '../../../shared/contract/envelope'
import type { ColumnInfo, TableInfo } from '../../../shared/contract/inspect'
import { openSqliteReadOnly, quoteIdent } from '../sqlite/open'
import {
  fromKeyValue,
  fullValue,
  JSON_CHECK_BYTES,
  LONG_VALUE_BYTES,
  sqliteCell,
  sqlitePreviewCell,
  TEXT_PREVIEW,
  type KeyValue,
} from './cells'
import type { Dialect } from './keyset'
import type { InspectSource, QueryRows, TableMeta } from './source'

export const SQLITE: Dialect = {
  name: 'sqlite',
  quote: quoteIdent,
  nullsLargest: false,
  preview: {
    sql: (c) => {
      // octet_length() reads a value's size from its record header; every other function here
      // loads the whole value (~280 ms for 60 MB), so each is used once at most: the head
      // (substr), the characters (length) and, up to 1 MiB, whether it is JSON (json_valid).
      const long = `octet_length(${c}) > ${LONG_VALUE_BYTES}`
      return {
        value: `CASE WHEN ${long} THEN substr(${c}, 1, ${TEXT_PREVIEW}) ELSE ${c} END`,
        // b:<bytes> for a blob; t:<characters>:<1 if RFC 8259 JSON> for text.
        meta: `CASE WHEN ${long} THEN CASE typeof(${c}) WHEN 'blob' THEN 'b:' || octet_length(${c}) ELSE 't:' || length(${c}) || ':' || CASE WHEN octet_length(${c}) <= ${JSON_CHECK_BYTES} THEN json_valid(${c}) ELSE 0 END END END`,
      }
    },
    cell: sqlitePreviewCell,
  },
}

interface TableListRow {
  schema: string
  name: string
  type: string
  wr: number
}

export function openInspectDb(path: string): Database.Database {
  const db = openSqliteReadOnly(path)
  db.pragma('query_only = 1')
  return db
}

export class SqliteSource implements InspectSource {
  readonly dialect = SQLITE
  readonly db: Database.Database
  private sizes: { version: string; bytes: Map<string, number>; from: 'dbstat' | 'pages' } | null =
    null
  private metas = new Map<string, TableMeta>()
  private scanDb: Database.Database | null = null
  private scanning: Promise<void> = Promise.resolve()

  constructor(readonly path: string) {
    this.db = openInspectDb(path)
  }

  version(): string {
    return String(this.db.pragma('data_version', { simple: true }))
  }

  private tableNames(): TableListRow[] {
    const rows = this.db.prepare('PRAGMA main.table_list').all() as TableListRow[]
    return rows
      .filter((r) => r.schema === 'main' && r.type === 'table' && !r.name.startsWith('sqlite_'))
      .sort((a, b) => a.name.localeCompare(b.name))
  }

  async tables(): Promise<TableInfo[]> {
    const out: TableInfo[] = []
    const sizes = this.tableSizes()
    for (const t of this.tableNames()) {
      const meta = await this.meta(t.name)
      const rows = Number(
        this.db
          .prepare(`SELECT count(*) FROM ${meta.from}`)
          .pluck()
          .safeIntegers(true)
          .get() as bigint,
      )
      const indexes = this.db.prepare(`PRAGMA main.index_list(${quoteIdent(t.name)})`).all() as {
        name: string
      }[]
      let bytes = 0
      for (const n of [t.name, ...indexes.map((i) => i.name)]) bytes += sizes.bytes.get(n) ?? 0
      out.push({
        ...meta.info,
        rows,
        rowsExact: true,
        bytes: sizes.from === 'pages' ? null : bytes,
        bytesFrom: sizes.from,
      })
    }
    if (sizes.from === 'pages') spreadPages(this.db, out)
    return out
  }

  /** Bytes per table and index from dbstat (when compiled in), cached per data_version. */
  private tableSizes(): { bytes: Map<string, number>; from: 'dbstat' | 'pages' } {
    const version = this.version()
    if (this.sizes?.version === version) return this.sizes
    const bytes = new Map<string, number>()
    let from: 'dbstat' | 'pages' = 'dbstat'
    try {
      const rows = this.db
        .prepare("SELECT name, pgsize FROM dbstat('main') WHERE aggregate = TRUE")
        .raw()
        .all() as [string, number][]
      for (const [name, size] of rows) bytes.set(name, Number(size))
    } catch {
      from = 'pages'
    }
    this.sizes = { version, bytes, from }
    return this.sizes
  }

  async meta(table: string): Promise<TableMeta> {
    const version = this.version()
    const cached = this.metas.get(table)
    if (cached && cached.version === version) return cached
    const t = this.tableNames().find((r) => r.name === table)
    if (!t) {
      throw new FerryError(
        'NO_SUCH_TABLE',
        `${this.path} has no table "${table}".`,
        'Reload the tables list: it may have been dropped or renamed.',
      )
    }
    const cols = this.db.prepare(`PRAGMA main.table_xinfo(${quoteIdent(table)})`).all() as {
      name: string
      type: string
      notnull: number
      pk: number
      hidden: number
    }[]
    const visible = cols.filter((c) => c.hidden === 0 || c.hidden === 2 || c.hidden === 3)
    const indexes = this.db.prepare(`PRAGMA main.index_list(${quoteIdent(table)})`).all() as {
      name: string
      origin: string
    }[]
    const firsts = new Set<string>()
    for (const ix of indexes) {
      const info = this.db.prepare(`PRAGMA main.index_info(${quoteIdent(ix.name)})`).all() as {
        seqno: number
        name: string | null
      }[]
      const first = info.find((i) => i.seqno === 0)?.name
      if (first) firsts.add(first)
    }
    const pkCols = visible.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk)
    const names = new Set(visible.map((c) => c.name.toLowerCase()))
    let key: TableInfo['key']
    let keyExprs: string[]
    const alias = pkIsRowid(
      pkCols.map((c) => c.type),
      indexes,
      t.wr === 1,
    )
      ? pkCols[0]!
      : null
    if (t.wr === 1) {
      key = { kind: 'pk', columns: pkCols.map((c) => c.name) }
      keyExprs = pkCols.map((c) => quoteIdent(c.name))
    } else if (alias) {
      key = { kind: 'pk', columns: [alias.name] }
      keyExprs = [quoteIdent(alias.name)]
    } else {
      // rowid is hidden behind a real column of the same name: _rowid_ or oid still reach it.
      const rowid = ['rowid', '_rowid_', 'oid'].find((n) => !names.has(n))
      if (!rowid) {
        if (!pkCols.length)
          throw new FerryError(
            'NO_KEY',
            `Table "${table}" has columns named rowid, _rowid_ and oid and no primary key, so its rows cannot be paged.`,
            'Browse it with the SQL console.',
          )
        key = { kind: 'pk', columns: pkCols.map((c) => c.name) }
        keyExprs = pkCols.map((c) => quoteIdent(c.name))
      } else {
        key = { kind: 'rowid', columns: [] }
        keyExprs = [rowid]
      }
    }
    const columns: ColumnInfo[] = visible.map((c) => ({
      name: c.name,
      declaredType: c.type,
      pgType: null,
      notNull: c.notnull === 1,
      pk: c.pk,
      sortable: firsts.has(c.name) || c.pk === 1,
    }))
    const meta: TableMeta = {
      info: {
        name: table,
        rows: null,
        rowsExact: false,
        bytes: null,
        bytesFrom: 'dbstat',
        indexes: indexes.length,
        key,
        columns,
        migration: null,
      },
      // NOT INDEXED where the schema names a collation only its application defines (integrity.ts).
      from: `main.${fromTable(this.db, table)}`,
      keyExprs,
      version,
    }
    this.metas.set(table, meta)
    return meta
  }

  async query(sql: string, params: unknown[]): Promise<QueryRows> {
    let stmt: Database.Statement
    try {
      stmt = this.db.prepare(sql)
    } catch (err) {
      throw new FerryError(
        'QUERY_FAILED',
        `Reading ${this.path} failed: ${(err as Error).message}`,
        'Check the filter values.',
      )
    }
    const rows = stmt
      .raw(true)
      .safeIntegers(true)
      .all(...params) as unknown[][]
    return { rows, cell: (v) => sqliteCell(v), full: (v) => fullValue(v) }
  }

  bindKey(v: unknown): unknown {
    return fromKeyValue(v as KeyValue, 'sqlite')
  }

  bindTyped(text: string, column: string, meta: TableMeta): unknown {
    const col = meta.info.columns.find((c) => c.name === column)
    const integer = meta.info.key.kind === 'rowid' || /INT/i.test(col?.declaredType ?? '')
    if (integer && /^[+-]?\d+$/.test(text.trim())) return BigInt(text.trim())
    return text
  }

  async count(meta: TableMeta, whereSql: string, params: unknown[]): Promise<number> {
    const n = this.db
      .prepare(`SELECT count(*) FROM ${meta.from}${whereSql}`)
      .pluck()
      .safeIntegers(true)
      .get(...params) as bigint
    return Number(n)
  }

  /**
   * Long reads go through a connection of their own (an open iterator keeps a better-sqlite3
   * connection busy) and one at a time; each pauses every `yieldEvery` rows.
   */
  async *scan(
    sql: string,
    params: unknown[],
    signal: AbortSignal,
    chunk: number,
  ): AsyncIterable<unknown[][]> {
    const previous = this.scanning
    let release = (): void => undefined
    this.scanning = new Promise<void>((resolve) => (release = resolve))
    await previous
    try {
      this.scanDb ??= openInspectDb(this.path)
      const it = this.scanDb
        .prepare(sql)
        .raw(true)
        .safeIntegers(true)
        .iterate(...params) as IterableIterator<unknown[]>
      try {
        // Rows go out in chunks (an await per row would cost more than reading it).
        let rows: unknown[][] = []
        for (const row of it) {
          rows.push(row)
          if (rows.length === chunk) {
            yield rows
            rows = []
            await new Promise((resolve) => setImmediate(resolve))
            if (signal.aborted) {
              throw new FerryError(
                'CANCELLED',
                'The page map of an older view was dropped.',
                'Nothing to do.',
              )
            }
          }
        }
        if (rows.length) yield rows
      } finally {
        it.return?.()
      }
    } finally {
      release()
    }
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close()
    try {
      if (this.scanDb?.open) this.scanDb.close()
    } catch {
      // A page map pass is still iterating; the handle goes with the process.
    }
  }
}

/** Without dbstat: share the file's pages among tables by row count (an estimate, said so). */
function spreadPages(db: Database.Database, tables: TableInfo[]): void {
  const pages = Number(db.pragma('page_count', { simple: true }))
  const size = Number(db.pragma('page_size', { simple: true }))
  const total = tables.reduce((n, t) => n + (t.rows ?? 0), 0) || 1
  for (const t of tables) t.bytes = Math.round(((t.rows ?? 0) / total) * pages * size)
}
