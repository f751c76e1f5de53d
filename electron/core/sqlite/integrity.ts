// SQLite's own integrity checks, and what to do when they cannot run: a database that names a
// collation its application registers at run time (Android's LOCALIZED and UNICODE, a Python
// app's create_collation) is healthy, yet PRAGMA quick_check / integrity_check stop at once with
// "no such collation sequence", and better-sqlite3 cannot register collations. Calling such a
// file damaged would send its owner to .recover for nothing; instead every table is read in full
// (each page once, as the check would), and the tables SQLite cannot read without the collation
// (a WITHOUT ROWID table keyed on it) are named.
import type Database from 'better-sqlite3'
import { quoteIdent } from './open'

export interface IntegrityResult {
  /** The check's complaints; empty when the database is sound. */
  problems: string[]
  /** 'pragma': SQLite's check ran; 'table-scan': it could not, every table was read instead. */
  method: 'pragma' | 'table-scan'
  /** Collations the schema names that only its application defines (not BINARY, NOCASE, RTRIM). */
  appCollations: string[]
  /** Tables SQLite cannot read (or not in key order) without one of those collations. */
  unreadable: { table: string; reason: string }[]
}

const BUILT_IN = new Set(['BINARY', 'NOCASE', 'RTRIM'])
const MISSING_COLLATION = /no such collation sequence: (.+)$/

/** The collations the schema's SQL names that SQLite does not define itself. */
export function appCollations(db: Database.Database): string[] {
  const names = new Set<string>()
  const sqls = db
    .prepare('SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL')
    .pluck()
    .all() as string[]
  const re = /\bCOLLATE\s+(?:"((?:[^"]|"")+)"|'((?:[^']|'')+)'|`([^`]+)`|\[([^\]]+)\]|([A-Za-z_][\w$]*))/gi
  for (const sql of sqls)
    for (const m of sql.matchAll(re)) {
      const name = (m[1] ?? m[2] ?? m[3] ?? m[4] ?? m[5] ?? '').replace(/""|''/g, (x) => x[0]!)
      if (name && !BUILT_IN.has(name.toUpperCase())) names.add(name)
    }
  return [...names].sort()
}

/** Runs PRAGMA quick_check / integrity_check, or the full-read fallback described above. */
export function checkIntegrity(
  db: Database.Database,
  pragma: 'quick_check' | 'integrity_check',
  max = 20,
): IntegrityResult {
  try {
    const rows = (db.pragma(`${pragma}(${max})`) as Record<string, string>[]).map(
      (r) => r[pragma]!,
    )
    return {
      problems: rows.length === 1 && rows[0] === 'ok' ? [] : rows,
      method: 'pragma',
      appCollations: [],
      unreadable: [],
    }
  } catch (err) {
    if (!MISSING_COLLATION.test((err as Error).message)) throw err
  }
  const problems: string[] = []
  const unreadable: IntegrityResult['unreadable'] = []
  const tables = db
    .prepare(
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name",
    )
    .pluck()
    .all() as string[]
  const withoutRowid = new Set(
    db.prepare("SELECT name FROM pragma_table_list WHERE schema = 'main' AND wr = 1").pluck().all() as string[],
  )
  const collations = appCollations(db)
  for (const t of tables) {
    const wr = withoutRowid.has(t)
    try {
      // A rowid table NOT INDEXED: its own b-tree, every column (so every overflow page) of every
      // row. A WITHOUT ROWID table is an index on its key: read through it, in key order.
      const st = db.prepare(`SELECT * FROM ${quoteIdent(t)}${wr ? '' : ' NOT INDEXED'}`).raw(true)
      for (const _row of st.iterate()) void _row
    } catch (err) {
      const message = (err as Error).message
      const m = MISSING_COLLATION.exec(message)
      // A key SQLite cannot compare leaves the planner with no way to read the table at all.
      if (m || (wr && /no query solution/.test(message)))
        unreadable.push({
          table: t,
          reason: `it is keyed on ${m ? `the collation ${m[1]}` : `a collation (${collations.join(', ')})`}`,
        })
      else if (problems.length < max) problems.push(`table ${t}: ${message}`)
    }
  }
  return { problems, method: 'table-scan', appCollations: collations, unreadable }
}

export const isMissingCollation = (err: unknown): boolean =>
  MISSING_COLLATION.test(String((err as Error)?.message ?? ''))

const plainTables = new WeakMap<Database.Database, Set<string> | null>()

/**
 * A table in FROM: with NOT INDEXED where the schema names an application-defined collation, so
 * SQLite never picks an index built on it (it cannot open one without the collation) for a count
 * or a lookup; the table's own b-tree answers the same, with a full scan. (Not for a WITHOUT ROWID
 * table: it has no b-tree but its key's.)
 */
export function fromTable(db: Database.Database, table: string): string {
  let rowidTables = plainTables.get(db)
  if (rowidTables === undefined) {
    rowidTables = appCollations(db).length
      ? new Set(
          db
            .prepare("SELECT name FROM pragma_table_list WHERE schema = 'main' AND wr = 0 AND type = 'table'")
            .pluck()
            .all() as string[],
        )
      : null
    plainTables.set(db, rowidTables)
  }
  return rowidTables?.has(table) ? `${quoteIdent(table)} NOT INDEXED` : quoteIdent(table)
}
