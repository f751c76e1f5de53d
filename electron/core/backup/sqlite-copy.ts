// Copies a live SQLite database with the online backup API (RELIABILITY rule 1): the source is
// opened read-only and held in one read transaction, so the copy is one committed snapshot,
// rows committed only to the -wal included, while agents keep writing. A read-only connection
// never checkpoints, truncates or deletes the -wal; it may update the read-mark slots of the
// -shm index, exactly as any reader (an agent included) does.
import { checkIntegrity } from '../sqlite/integrity'
import {
  closeSync,
  constants,
  existsSync,
  fsyncSync,
  openSync,
  readdirSync,
  readlinkSync,
  readSync,
  realpathSync,
  statSync,
  writeSync,
} from 'node:fs'
import Database from 'better-sqlite3'
import { FerryError } from '../../../shared/contract/envelope'
import { noRoomFor } from '../fs/disk-full'
import { throwIfCancelled } from '../jobs/job'
import { opensOutside } from '../inventory/open'
import { backupDiskFull } from './write-errors'
import type { SqliteFacts } from './manifest'

const BUSY_TIMEOUT_MS = 15_000
const PAGES_PER_STEP = 1024

function sqliteCode(err: unknown): string {
  return String((err as { code?: unknown }).code ?? '')
}

/** The database cannot be read as SQLite at all: the caller copies its bytes instead. */
export class UnreadableSqlite extends Error {}

export async function backupSqlite(
  src: string,
  dest: string,
  label: string,
  opts: {
    signal?: AbortSignal
    onPages?: (done: number, total: number) => void
    /** The workspace root: a database whose path leads out of it (a folder swapped for a link) is not read. */
    root?: string
  } = {},
): Promise<SqliteFacts> {
  const hadSideFiles = existsSync(`${src}-wal`) || existsSync(`${src}-shm`)
  // Closing any descriptor of a file drops every POSIX lock this process holds on it, SQLite's
  // included (sqlite.org/howtocorrupt §2.2). So the one raw descriptor we need is opened before
  // the connection and closed only after it.
  let raw: number
  try {
    raw = openSync(src, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0))
  } catch (err) {
    throw new FerryError(
      'BACKUP_SQLITE_FAILED',
      `${label} could not be opened: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      'If an agent just removed or replaced it, run the backup again.',
    )
  }
  const root = opts.root ? realpathSync.native(opts.root, { encoding: 'buffer' }) : undefined
  if (opensOutside(raw, root)) {
    closeSync(raw)
    throw escaped(label)
  }
  let page1: Buffer | null = null
  try {
    await withSnapshot(src, label, async (db) => {
      // SQLite opens the path again: it must have reached the very file checked above (the
      // path may have been swapped between the two opens), and its -wal must be beside it.
      if (root && !sameFileOpened(raw)) throw escaped(label)
      // Rollback journal: our shared lock keeps writers off the file, so its first page on disk
      // is the snapshot's. (In WAL mode page 1 may live in the -wal, so it is not read raw.)
      if (String(db.pragma('journal_mode', { simple: true })).toLowerCase() !== 'wal') {
        page1 = readAt(raw, Number(db.pragma('page_size', { simple: true })))
      }
      try {
        await db.backup(dest, {
          progress: ({ totalPages, remainingPages }) => {
            if (opts.signal) throwIfCancelled(opts.signal)
            opts.onPages?.(totalPages - remainingPages, totalPages)
            return PAGES_PER_STEP
          },
        })
      } catch (err) {
        // SQLITE_FULL is a full disk or a file-size limit (the partial copy is gone by now):
        // too little room left for the database where the copy goes says which; otherwise
        // describe() below keeps the wording that covers both.
        if (sqliteCode(err) === 'SQLITE_FULL' && noRoomFor(dest, sourceBytes(src)))
          throw backupDiskFull(`${label} could not be backed up`, 'SQLITE_FULL')
        throw err
      }
    })
  } finally {
    closeSync(raw)
  }
  if (!hadSideFiles) tidySideFiles(src)
  if (page1) alignHeader(dest, page1)
  return checkCopy(dest, label, src)
}

function escaped(label: string): FerryError {
  return new FerryError(
    'PATH_ESCAPED',
    `${label} now leads outside the workspace (a folder on its path was replaced by a link); it was not read`,
    'Ferry never reads outside the workspace. Run the backup again once the folder is back.',
  )
}

/**
 * True when this process holds another descriptor on the file `raw` leads to (SQLite's own), and
 * every descriptor on a -wal/-shm of that name is that file's. Read from /proc/self/fd (Linux);
 * elsewhere there is nothing to compare and the raw descriptor's check stands alone.
 */
function sameFileOpened(raw: number): boolean {
  let links: Buffer[]
  let mine: Buffer
  try {
    mine = readlinkSync(`/proc/self/fd/${raw}`, { encoding: 'buffer' })
    links = readdirSync('/proc/self/fd')
      .filter((fd) => fd !== String(raw))
      .map((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`, { encoding: 'buffer' })
        } catch {
          return Buffer.alloc(0)
        }
      })
  } catch {
    return true
  }
  if (!links.some((l) => l.equals(mine))) return false
  const slash = mine.lastIndexOf(0x2f)
  const name = mine.subarray(slash + 1)
  for (const suffix of ['-wal', '-shm']) {
    const side = Buffer.concat([name, Buffer.from(suffix)])
    const expected = Buffer.concat([mine, Buffer.from(suffix)])
    for (const l of links) {
      const base = l.subarray(l.lastIndexOf(0x2f) + 1)
      if (base.equals(side) && !l.equals(expected)) return false
    }
  }
  return true
}

/** The database's bytes with its -wal (an upper bound of what its copy needs). */
function sourceBytes(src: string): number {
  const size = (p: string): number => (existsSync(p) ? statSync(p).size : 0)
  return size(src) + size(`${src}-wal`)
}

/** Opens `src` read-only and runs `fn` inside one read transaction (one committed snapshot). */
async function withSnapshot(
  src: string,
  label: string,
  fn: (db: Database.Database) => Promise<void>,
): Promise<void> {
  let db: Database.Database
  try {
    db = new Database(src, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS })
  } catch (err) {
    throw describe(err, label)
  }
  try {
    db.exec('BEGIN')
    // The first read takes the snapshot (waiting up to the busy timeout for a writer's lock).
    db.prepare('SELECT count(*) FROM sqlite_schema').get()
    await fn(db)
  } catch (err) {
    throw err instanceof FerryError ? err : describe(err, label)
  } finally {
    try {
      if (db.inTransaction) db.exec('COMMIT')
    } finally {
      db.close()
    }
  }
}

function readAt(fd: number, length: number): Buffer {
  const buf = Buffer.alloc(length)
  return buf.subarray(0, readSync(fd, buf, 0, length, 0))
}

function readBytes(path: string, length: number): Buffer {
  const buf = Buffer.alloc(length)
  const fd = openSync(path, 'r')
  try {
    return buf.subarray(0, readSync(fd, buf, 0, length, 0))
  } finally {
    closeSync(fd)
  }
}

/**
 * The backup API gives its new file its own change counter (bytes 24-27), schema cookie (40-43)
 * and version-valid-for (92-95); every other byte is the source's. Putting the source's three
 * counters back makes the copy of a quiet database byte-identical to it, so "restored" can be
 * checked with one SHA-256. Done only when that makes page 1 exactly the source's page 1.
 */
function alignHeader(dest: string, sourcePage1: Buffer): void {
  const current = readBytes(dest, sourcePage1.length)
  if (current.length !== sourcePage1.length || current.equals(sourcePage1)) return
  const patched = Buffer.from(current)
  for (const [from, to] of [
    [24, 28],
    [40, 44],
    [92, 96],
  ] as const)
    sourcePage1.copy(patched, from, from, to)
  if (!patched.equals(sourcePage1)) return
  const fd = openSync(dest, 'r+')
  try {
    writeSync(fd, patched, 0, patched.length, 0)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

/**
 * A WAL-mode database with no -wal (cleanly closed) gets an empty -wal and -shm from any reader,
 * and a read-only reader leaves them behind. If they were not there before, a read-write
 * open/close lets SQLite remove them itself, which it only does when no other connection is
 * open and the -wal is empty, so an agent that connected meanwhile is never disturbed.
 */
function tidySideFiles(src: string): void {
  try {
    if (!existsSync(`${src}-wal`) || statSync(`${src}-wal`).size !== 0) return
    const db = new Database(src, { fileMustExist: true, timeout: 1000 })
    try {
      db.prepare('SELECT count(*) FROM sqlite_schema').get()
    } finally {
      db.close()
    }
  } catch {
    // Leaving an empty -wal/-shm is harmless to SQLite; never fail a backup over it.
  }
}

/** Integrity, page count and journal mode of the copy (Ferry's own file, so opened read-write). */
function checkCopy(dest: string, label: string, src: string): SqliteFacts {
  const header = readBytes(dest, 20)
  const journalMode = header[18] === 2 && header[19] === 2 ? 'wal' : 'rollback'
  // Read-write, as the only connection: on close SQLite removes the -wal/-shm it created for a
  // WAL-mode copy, and no write happens, so the copy's bytes stay as the backup API wrote them.
  const db = new Database(dest, { fileMustExist: true, timeout: BUSY_TIMEOUT_MS })
  try {
    const check = checkIntegrity(db, 'integrity_check', 100)
    const integrity = check.problems.length ? check.problems : ['ok']
    const pageCount = Number(db.pragma('page_count', { simple: true }))
    const pageSize = Number(db.pragma('page_size', { simple: true }))
    if (check.method === 'pragma') return { pageCount, pageSize, journalMode, integrity }
    return {
      pageCount,
      pageSize,
      journalMode,
      integrity,
      integrityMethod: check.method,
      appCollations: check.appCollations,
    }
  } catch (err) {
    // The backup API copies pages without reading them as b-trees, so a damaged source gives a
    // copy as damaged. That is the source's state, not a failed copy: the caller keeps its bytes.
    const code = sqliteCode(err)
    if ((code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') && sourceDamaged(src))
      throw new UnreadableSqlite(
        `${label} is damaged: SQLite stops reading it with "${(err as Error).message}"`,
      )
    throw new FerryError(
      'BACKUP_SQLITE_CHECK_FAILED',
      `The backup copy of ${label} cannot be checked: ${(err as Error).message}`,
      'Run the backup again; if it keeps failing, check the disk.',
    )
  } finally {
    db.close()
  }
}

/** The source itself fails SQLite's quick_check (read-only; only on a damaged copy's path). */
function sourceDamaged(src: string): boolean {
  try {
    const db = new Database(src, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS })
    try {
      return db.pragma('quick_check(1)', { simple: true }) !== 'ok'
    } finally {
      db.close()
    }
  } catch (err) {
    const code = sqliteCode(err)
    return code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB'
  }
}

function describe(err: unknown, label: string): Error {
  const code = sqliteCode(err)
  const message = (err as Error).message
  if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB')
    return new UnreadableSqlite(`${label} is not readable as SQLite (${message})`)
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new FerryError(
      'BACKUP_DB_BUSY',
      `${label} stayed locked by another process for ${BUSY_TIMEOUT_MS / 1000} s, so it could not be read`,
      'An agent is holding a long write transaction. Let it finish (or stop it), then run the backup again.',
    )
  }
  if (
    code === 'SQLITE_READONLY_ROLLBACK' ||
    code === 'SQLITE_READONLY_RECOVERY' ||
    code === 'SQLITE_CANTOPEN'
  ) {
    return new FerryError(
      'BACKUP_DB_NEEDS_RECOVERY',
      `${label} has an interrupted transaction that must be rolled back before it can be read (${message})`,
      'Open it once with the agents\u2019 usual tool (or sqlite3) so SQLite recovers it, then run the backup again.',
    )
  }
  // A full disk or a file-size limit (EFBIG) on the copy surfaces as SQLITE_FULL or a bare
  // SQLITE_IOERR: the likely cause is where the copy goes, not the source.
  if (code === 'SQLITE_FULL' || code.startsWith('SQLITE_IOERR')) {
    return new FerryError(
      'BACKUP_WRITE_FAILED',
      `${label} could not be backed up: ${message} while copying it into .ferry/backups`,
      'Check that the disk holding .ferry/backups has space and that no file-size limit (ulimit -f) applies, then run the backup again. The workspace was not changed.',
    )
  }
  return new FerryError(
    'BACKUP_SQLITE_FAILED',
    `${label} could not be backed up: ${message}`,
    'Check that the file is readable, then run the backup again.',
  )
}
