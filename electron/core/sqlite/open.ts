// Opening a user's SQLite file read-only. Integers come back as BigInt (safe integers) where the
// caller asks, so 2^63-1 stays exact (RELIABILITY.md rule 6).
import Database from 'better-sqlite3'
import { FerryError } from '../../../shared/contract/envelope'

export type SqliteDb = Database.Database

export function openSqliteReadOnly(path: string): SqliteDb {
  let db: SqliteDb
  try {
    db = new Database(path, { readonly: true, fileMustExist: true })
  } catch (err) {
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
    throw new FerryError(
      'SQLITE_NOT_A_DATABASE',
      `${path} is not a readable SQLite database: ${(err as Error).message}`,
      'Restore it from a backup, or check that it is the right file.',
    )
  }
  return db
}

/** SQLite identifier quoting: double quotes, embedded quotes doubled. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`
}
