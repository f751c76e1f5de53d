// A value SQLite stored but will not hand to Ferry: SQLite keeps strings and blobs up to 1 GB,
// while a better-sqlite3 connection reads them only up to V8's longest string, and any function
// over such a value (json_valid, GLOB, length) fails the same way: "string or blob too big"
// (SQLITE_TOOBIG), naming nothing. This finds the values (octet_length() reads only the record
// header) and says which table, column and row hold them, and what to do.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { FerryError } from '../../../shared/contract/envelope'
import { describeTable, listTables } from './introspect'
import { openSqliteReadOnly, quoteIdent, type SqliteDb } from './open'

/** The longest string or blob a connection of Ferry's reads (better-sqlite3 sets V8's limit). */
export const READ_LIMIT_BYTES = 536_870_888
/** Values above this are named as the suspects. */
const SUSPECT_BYTES = 256 * 1024 * 1024
const MAX_NAMED = 5

export interface OversizedValue {
  table: string
  column: string
  /** `rowid 2`, or `key (a, b) = ["x",2]` in a WITHOUT ROWID table. */
  at: string
  bytes: number
}

export const isTooBig = (err: unknown): boolean =>
  (err as { code?: string } | null)?.code === 'SQLITE_TOOBIG'

/** The largest values of `tables` (default: every table), at most five: one scan per table. */
export function oversizedValues(db: SqliteDb, tables?: string[]): OversizedValue[] {
  const found: OversizedValue[] = []
  const rows = listTables(db).filter((r) => !tables || tables.includes(r.name))
  for (const row of rows) {
    const info = describeTable(db, row)
    if (info.virtual) continue
    const cols = info.columns.filter((c) => c.hidden !== 1)
    if (!cols.length) continue
    const key = info.withoutRowid ? info.primaryKey : ['rowid']
    const keySql = info.withoutRowid ? key.map(quoteIdent).join(', ') : 'rowid'
    const sizes = cols.map((c) => `octet_length(${quoteIdent(c.name)})`)
    let hits: unknown[][]
    try {
      hits = db
        .prepare(
          `SELECT ${keySql}, ${sizes.join(', ')} FROM ${quoteIdent(info.name)} WHERE ${sizes.map((x) => `${x} > ${SUSPECT_BYTES}`).join(' OR ')} LIMIT ${MAX_NAMED * cols.length}`,
        )
        .raw(true)
        .safeIntegers(true)
        .all() as unknown[][]
    } catch {
      continue // a rowid shadowed by a column, a missing collation: not this error's cause
    }
    for (const h of hits) {
      const keys = h.slice(0, key.length).map((v) => (typeof v === 'bigint' ? Number(v) : v))
      const at = info.withoutRowid
        ? `key (${key.join(', ')}) = ${JSON.stringify(keys)}`
        : `rowid ${String(keys[0])}`
      cols.forEach((c, i) => {
        const bytes = Number(h[key.length + i] ?? 0)
        if (bytes > SUSPECT_BYTES) found.push({ table: info.name, column: c.name, at, bytes })
      })
    }
  }
  return found.sort((a, b) => b.bytes - a.bytes).slice(0, MAX_NAMED)
}

/** VALUE_TOO_LARGE for `label` (a file or "Table \"t\""), naming the values found. */
export function tooBigError(label: string, found: OversizedValue[]): FerryError {
  const list = found
    .map(
      (v) =>
        `table "${v.table}", column "${v.column}", ${v.at}: ${v.bytes.toLocaleString('en-US')} bytes`,
    )
    .join('; ')
  return new FerryError(
    'VALUE_TOO_LARGE',
    `${label} holds a value larger than Ferry can read in one piece (${READ_LIMIT_BYTES.toLocaleString('en-US')} bytes)${list ? `: ${list}` : ''}`,
    'Move such a value out of its row (into a file, as p1.snapshot-store does for large snapshots) or remove it, in a copy of the database, and use the copy.',
  )
}

/**
 * A job's SQLITE_TOOBIG, explained: the workspace's databases (`root`/.claude/state.db and
 * memory.db) are searched for the values. Anything else, or nothing found, is returned as it is.
 */
export function explainTooBig(err: unknown, root: string | undefined): unknown {
  if (!isTooBig(err) || !root) return err
  for (const name of ['state.db', 'memory.db']) {
    const file = join(root, '.claude', name)
    if (!existsSync(file)) continue
    let db: SqliteDb | null = null
    try {
      db = openSqliteReadOnly(file)
      const found = oversizedValues(db)
      if (found.length) return tooBigError(`.claude/${name}`, found)
    } catch {
      // Unreadable here too: keep the original error.
    } finally {
      db?.close()
    }
  }
  return err
}
