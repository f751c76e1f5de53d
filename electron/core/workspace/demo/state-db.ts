// Opens and fills state.db. Generation runs with synchronous=OFF (a crash mid-way only loses a
// folder we delete anyway) and the default rollback journal, like the system it imitates; the
// connection is put back to synchronous=FULL before it closes.
import Database from 'better-sqlite3'
import { DEMO_SCHEMA_SQL, DEMO_TABLES, type DemoTable } from './schema'
import type { CoreTable, Row } from './types'

export function openStateDb(file: string): Database.Database {
  const db = new Database(file)
  db.pragma('journal_mode = DELETE')
  db.pragma('synchronous = OFF')
  db.pragma('cache_size = -65536')
  // better-sqlite3 turns enforcement on by default; the system we imitate never did, which is
  // how its orphaned rows got in.
  db.pragma('foreign_keys = OFF')
  db.exec(DEMO_SCHEMA_SQL)
  return db
}

export function insertRows(db: Database.Database, table: CoreTable, rows: Row[]): void {
  const first = rows[0]
  if (!first) return
  const columns = Object.keys(first)
  const names = columns.join(', ')
  const params = columns.map((column) => '@' + column).join(', ')
  const insert = db.prepare(`INSERT INTO ${table} (${names}) VALUES (${params})`)
  db.transaction(() => {
    for (const row of rows) insert.run(row)
  })()
}

export function countRows(db: Database.Database): Record<DemoTable, number> {
  const counts = {} as Record<DemoTable, number>
  for (const table of DEMO_TABLES) {
    counts[table] = (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n
  }
  return counts
}

export function closeStateDb(db: Database.Database): void {
  db.pragma('synchronous = FULL')
  db.close()
}
