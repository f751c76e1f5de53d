// Opening a user's SQLite file read-only. Integers come back as BigInt (safe integers) where the
// caller asks, so 2^63-1 stays exact (RELIABILITY.md rule 6).
import { statSync } from 'node:fs'
import Database from 'better-sqlite3'
import { FerryError } from '../../../shared/contract/envelope'
import { refuseLinkOut } from '../fs/link-out'

export type SqliteDb = Database.Database

export function openSqliteReadOnly(path: string): SqliteDb {
  let db: SqliteDb
  try {
    db = new Database(path, { readonly: true, fileMustExist: true })
  } catch (err) {
    // SQLite says only "disk I/O error" for a folder, and "directory does not exist" for a path
    // whose folder is missing: name what is there instead.
    const st = statSync(path, { throwIfNoEntry: false })
    if (st?.isDirectory())
      throw new FerryError(
        'SQLITE_OPEN_FAILED',
        `Cannot open ${path}: it is a folder, not a SQLite database file`,
        'Point to the database file itself; if a folder took its place, move the folder away and restore the file from a backup (ferry backups).',
      )
    if (!st)
      throw new FerryError(
        'SQLITE_OPEN_FAILED',
        `Cannot open ${path}: no such file`,
        'Check the path; a workspace keeps its databases in .claude/ (state.db, memory.db).',
      )
    throw new FerryError(
      'SQLITE_OPEN_FAILED',
      `Cannot open ${path} read-only: ${(err as Error).message}`,
      'Check that the file exists and is readable by this user.',
    )
  }
  db.pragma('busy_timeout = 5000')
  try {
    // Reading the schema proves it is a database (a text file passes the open, fails here).
    db.prepare('SELECT count(*) FROM sqlite_schema').get()
  } catch (err) {
    db.close()
    // A lock held past busy_timeout is not damage: saying "restore it from a backup" would be wrong.
    if (/^SQLITE_(BUSY|LOCKED)/.test(String((err as { code?: unknown }).code ?? ''))) {
      throw new FerryError(
        'SQLITE_LOCKED',
        `${path} is locked by another program (it held a write lock for more than 5 s)`,
        'An agent or another tool is writing to it. Let it finish or stop it, then run the same command again; nothing was read or written.',
      )
    }
    // A writer died mid-transaction and left a hot journal: only a read-write open may roll it
    // back, and Ferry never writes to a source. The file is fine once its owner opens it again.
    if (String((err as { code?: unknown }).code ?? '') === 'SQLITE_READONLY_ROLLBACK') {
      throw new FerryError(
        'SQLITE_HOT_JOURNAL',
        `${path} has a hot journal (${path}-journal): a writer stopped in the middle of a transaction`,
        'Start the agent that owns it (or open it once with "sqlite3 <file> \'PRAGMA quick_check\'") so SQLite rolls the unfinished transaction back, then run the same command again. Ferry opens sources read-only and did not touch either file.',
      )
    }
    throw new FerryError(
      'SQLITE_NOT_A_DATABASE',
      `${path} is not a readable SQLite database: ${(err as Error).message}`,
      'Restore it from a backup, or check that it is the right file.',
    )
  }
  return db
}

/**
 * A database of the workspace (state.db, memory.db), read-only: refused when it is a link out of
 * the workspace (fs/link-out.ts). A file the user names on the command line opens as named.
 */
export function openWorkspaceDbReadOnly(path: string): SqliteDb {
  refuseLinkOut(path)
  return openSqliteReadOnly(path)
}

/**
 * SQLite's data_version for this connection: it moves whenever another connection (another
 * process, or another handle in this one) commits a change to the file, in rollback and WAL mode.
 */
export const dataVersion = (db: SqliteDb): number =>
  Number(db.pragma('data_version', { simple: true }))

/** SQLite identifier quoting: double quotes, embedded quotes doubled. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`
}
