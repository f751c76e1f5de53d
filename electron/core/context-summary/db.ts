// One small SQL surface over memory.db (better-sqlite3) and agent_memory (pg) for the context
// summary and the retention policy: SQL is written once with `?` placeholders and quoted
// identifiers; `t()` qualifies the schema on PostgreSQL. Every change runs inside `tx`.
import type Database from 'better-sqlite3'
import type pg from 'pg'

export type Row = Record<string, unknown>

export interface SummaryDb {
  readonly kind: 'sqlite' | 'postgres'
  /** The PostgreSQL schema (agent_memory); null on SQLite. */
  readonly schema: string | null
  /** Quoted (and on PostgreSQL schema-qualified) name of a table or function. */
  t(name: string): string
  all(sql: string, params?: unknown[]): Promise<Row[]>
  run(sql: string, params?: unknown[]): Promise<number>
  /** Runs several statements without parameters (DDL). */
  exec(sql: string): Promise<void>
  tx<T>(fn: () => Promise<T>): Promise<T>
}

export const qi = (name: string): string => `"${name.replace(/"/g, '""')}"`

/** `?` → `$1, $2, …` (the SQL here never has `?` inside string literals). */
export function numbered(sql: string): string {
  let i = 0
  return sql.replace(/\?/g, () => `$${++i}`)
}

export function sqliteDb(db: Database.Database): SummaryDb {
  let depth = 0
  return {
    kind: 'sqlite',
    schema: null,
    t: (name) => qi(name),
    all: async (sql, params = []) => db.prepare(sql).all(...params) as Row[],
    run: async (sql, params = []) => db.prepare(sql).run(...params).changes,
    exec: async (sql) => void db.exec(sql),
    // BEGIN IMMEDIATE: the write lock is taken up front, so no agent writes between the
    // backfill and the triggers (or between the archive copy and the delete).
    tx: async (fn) => {
      if (depth > 0) return fn()
      db.exec('BEGIN IMMEDIATE')
      depth++
      try {
        const out = await fn()
        db.exec('COMMIT')
        return out
      } catch (err) {
        if (db.inTransaction) db.exec('ROLLBACK')
        throw err
      } finally {
        depth--
      }
    },
  }
}

export function pgDb(client: pg.ClientBase, schema: string): SummaryDb {
  let depth = 0
  return {
    kind: 'postgres',
    schema,
    t: (name) => `${qi(schema)}.${qi(name)}`,
    all: async (sql, params = []) => (await client.query(numbered(sql), params)).rows as Row[],
    run: async (sql, params = []) => (await client.query(numbered(sql), params)).rowCount ?? 0,
    exec: async (sql) => void (await client.query(sql)),
    tx: async (fn) => {
      if (depth > 0) return fn()
      await client.query('BEGIN')
      depth++
      try {
        const out = await fn()
        await client.query('COMMIT')
        return out
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined)
        throw err
      } finally {
        depth--
      }
    },
  }
}

/** Column name → declared type (SQLite) or format_type (PostgreSQL), in table order. */
export async function columnsOf(db: SummaryDb, table: string): Promise<Map<string, string>> {
  const rows =
    db.kind === 'sqlite'
      ? await db.all(`SELECT "name", "type" FROM pragma_table_info(?) ORDER BY "cid"`, [table])
      : await db.all(
          `SELECT a.attname AS "name", format_type(a.atttypid, a.atttypmod) AS "type"
             FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = ? AND c.relname = ? AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
          [db.schema, table],
        )
  return new Map(rows.map((r) => [String(r.name), String(r.type ?? '')]))
}
