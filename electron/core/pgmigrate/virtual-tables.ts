// Virtual tables in the PostgreSQL migration: PostgreSQL has none of SQLite's modules, but the rows of a full-text (FTS3/4/5)
// or R*Tree table are the user's data — often the only copy of it, kept in shadow tables that are
// never copied as data. Those rows are loaded into a plain table of the same name (an FTS table's
// rowid as a real column: applications join on it); the index itself is not recreated, and the
// report says so. An FTS index over another table's text (content=…) or one that keeps no text
// (content='') has nothing of its own to copy; any other module is reported and not read.
import type { TableInfo } from '../sqlite/introspect'
import { quoteIdent, type SqliteDb } from '../sqlite/open'
import { FTS_MODULES as FTS, ownRows, RTREE_MODULES as RTREE } from '../sqlite/virtual-module'

type Info = Omit<TableInfo, 'rowCount' | 'countError'>

export type VirtualDecision =
  { copy: true; info: Info; detail: string } | { copy: false; detail: string }

export function decideVirtual(db: SqliteDb, info: Info): VirtualDecision {
  const kind = ownRows(info.sql)
  const name = kind.module
  const visible = info.columns.filter((c) => c.hidden === 0)
  if (!kind.own && !FTS.has(name))
    return { copy: false, detail: extensionDetail(db, info.name, kind.why) }
  if (!kind.own)
    return {
      copy: false,
      detail: `virtual table (${kind.why}): not copied — no rows to copy of its own (a table it indexes is copied with it); its index is not recreated`,
    }
  // The module must be loaded and the table readable, or it is only reported.
  try {
    db.prepare(`SELECT count(*) FROM ${quoteIdent(info.name)}`)
      .pluck()
      .get()
  } catch (err) {
    return {
      copy: false,
      detail: `virtual table (${name}) that cannot be read here (${(err as Error).message}): not copied`,
    }
  }
  if (!visible.length)
    return { copy: false, detail: `virtual table (${name}) with no columns: not copied` }
  if (RTREE.has(name))
    return {
      copy: true,
      info: { ...info, sql: null, columns: visible },
      detail: `R*Tree table: its rows are copied into a plain table; the spatial index is not recreated (PostgreSQL: a GiST index)`,
    }
  // An FTS table's rowid is how applications link its rows to theirs: it becomes a real column.
  const hasRowidColumn = info.columns.some((c) => c.name.toLowerCase() === 'rowid')
  const columns = hasRowidColumn
    ? visible
    : [
        {
          name: 'rowid',
          declaredType: 'INTEGER',
          notNull: true,
          defaultValue: null,
          pkPosition: 1,
          hidden: 0,
        },
        ...visible,
      ]
  return {
    copy: true,
    info: { ...info, sql: null, columns, primaryKey: hasRowidColumn ? [] : ['rowid'] },
    detail: `full-text table (${name}): its rows${hasRowidColumn ? '' : ' and rowids (as column "rowid")'} are copied into a plain table; the full-text index is not recreated (PostgreSQL: a tsvector column with a GIN index)`,
  }
}

/**
 * An extension's virtual table (sqlite-vec's vec0, spellfix1 …) is never read — only SQLite with
 * that extension can. Such modules keep their rows in plain tables named after the virtual table
 * (vec0: <name>_chunks, <name>_rowids, <name>_vector_chunks00 …), which are copied like any other
 * table: the report names them, so the data's whereabouts are said, not guessed.
 */
function extensionDetail(db: SqliteDb, name: string, why: string): string {
  const prefix = `${name.toLowerCase()}_`
  const own = (
    db
      .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
      .pluck()
      .all() as string[]
  ).filter((t) => t.toLowerCase().startsWith(prefix))
  const shown = own
    .slice(0, 5)
    .map((t) => `"${t}"`)
    .join(', ')
  const where = own.length
    ? `; the tables it keeps its rows in (${shown}${own.length > 5 ? ` and ${own.length - 5} more` : ''}) are copied as plain tables, so its data reaches PostgreSQL in the extension's own format`
    : '; no table of this file is named after it, so whatever rows it has are kept outside the tables copied'
  return `virtual table (${why}): not read nor recreated — only SQLite with that extension can${where}`
}
