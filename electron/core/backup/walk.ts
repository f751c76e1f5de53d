// Lists `.claude/` for a backup without following a single link: every entry is classified from
// its lstat, SQLite databases by their 16-byte header (not their name), and each database's
// -wal/-shm/-journal are set aside, because their committed content reaches the backup through
// the database itself. Names are read as bytes: one that is not valid UTF-8 (a JavaScript string
// cannot hold it) is listed with its exact bytes, never dropped or renamed.
import { isUtf8 } from 'node:buffer'
import type { Stats } from 'node:fs'
import { lstat, readdir } from 'node:fs/promises'
import { FerryError } from '../../../shared/contract/envelope'
import { escapeBytes } from '../inventory/names'
import { throwIfCancelled } from '../jobs/job'
import { isSqliteFile } from './files'
import { relPath } from './manifest'

export type ListedKind = 'dir' | 'file' | 'sqlite' | 'symlink' | 'skipped'

export interface Listed {
  /** Relative to the root, '/'-separated; escaped (\\xNN) when `raw` is set. */
  path: string
  /** Absolute; for messages only when `raw` is set. */
  abs: string
  /** The exact absolute path, when it is not valid UTF-8 (what every file operation must use). */
  raw?: Buffer
  /** The exact relative path's bytes in hex (with `raw`): the manifest's record of the name. */
  pathHex?: string
  kind: ListedKind
  stat: Stats
  reason?: string
}

/** The path to give the file system for a listed entry: its exact bytes when it has them. */
export const fsPath = (e: Pick<Listed, 'abs' | 'raw'>): string | Buffer => e.raw ?? e.abs

/** Temp files of an interrupted Ferry restore (`.<name>.ferry-restore-<hex>.tmp`). */
export const RESTORE_TEMP = /^\..+\.ferry-restore-[0-9a-f]{12}\.tmp$/

const SIDE_SUFFIXES = ['-wal', '-shm', '-journal'] as const

function special(st: Stats): string | null {
  if (st.isFIFO()) return 'a named pipe (FIFO), not a regular file'
  if (st.isSocket()) return 'a socket, not a regular file'
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device file, not a regular file'
  return null
}

export async function listTree(root: string, top: string, signal?: AbortSignal): Promise<Listed[]> {
  const out: Listed[] = []
  const rootBytes = Buffer.from(root)
  const visit = async (dir: Buffer): Promise<void> => {
    if (signal) throwIfCancelled(signal)
    const names = (await readdir(dir, { encoding: 'buffer' })).sort(byName)
    for (const name of names) {
      const bytes = Buffer.concat([dir, SLASH, name])
      const exact = isUtf8(bytes)
      const abs = exact ? bytes.toString('utf8') : escapeBytes(bytes)
      let st: Stats
      try {
        st = await lstat(bytes)
      } catch (err) {
        // Deleted by an agent between readdir and lstat: it was never there for this backup.
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue
        throw err
      }
      const rel = bytes.subarray(rootBytes.length + 1)
      const path = exact ? relPath(root, abs) : escapeBytes(rel)
      const named = exact ? { path, abs } : { path, abs, raw: bytes, pathHex: rel.toString('hex') }
      if (st.isSymbolicLink()) out.push({ ...named, kind: 'symlink', stat: st })
      else if (st.isDirectory()) {
        out.push({ ...named, kind: 'dir', stat: st })
        await visit(bytes)
      } else if (st.isFile()) {
        if (RESTORE_TEMP.test(name.toString('latin1')))
          out.push({
            ...named,
            kind: 'skipped',
            stat: st,
            reason: 'a temp file of an interrupted Ferry restore',
          })
        else
          out.push({
            ...named,
            kind: (await isSqlite(fsPath(named), st)) ? 'sqlite' : 'file',
            stat: st,
          })
      } else
        out.push({
          ...named,
          kind: 'skipped',
          stat: st,
          reason: special(st) ?? 'not a regular file',
        })
    }
  }
  await visit(Buffer.from(top))
  refuseEscapedClash(out)
  markSideFiles(out)
  return out
}

const SLASH = Buffer.from('/')

/** Names in the order of their text (as before names were read as bytes), then of their bytes. */
function byName(a: Buffer, b: Buffer): number {
  const x = a.toString('utf8')
  const y = b.toString('utf8')
  return x < y ? -1 : x > y ? 1 : Buffer.compare(a, b)
}

/**
 * A name shown escaped is stored in the backup under that escaped spelling; a real name spelt
 * exactly so (backslash, x, two hex digits) beside it would share its place. Never seen in
 * practice, so refused with the two names rather than handled.
 */
function refuseEscapedClash(entries: Listed[]): void {
  const seen = new Map<string, Listed>()
  for (const e of entries) {
    const other = seen.get(e.path)
    if (other) {
      const [a, b] = other.raw ? [other, e] : [e, other]
      throw new FerryError(
        'BACKUP_NAME_CLASH',
        `${b.path} is both the name of a file and the escaped spelling of ${a.path}'s name, whose bytes are not valid UTF-8 (hex ${a.pathHex ?? ''})`,
        'Rename one of the two (the one whose name is not valid UTF-8, preferably), then run the backup again. Nothing was written.',
      )
    }
    seen.set(e.path, e)
  }
}

async function isSqlite(abs: string | Buffer, st: Stats): Promise<boolean> {
  try {
    return await isSqliteFile(abs, st)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw err
  }
}

/** A database's -wal, -shm and -journal are never copied: they are read through the database. */
function markSideFiles(entries: Listed[]): void {
  // A database whose name is not valid UTF-8 is copied byte for byte (the SQLite driver cannot
  // open it by name), so its side files are copied too: they may hold its committed rows.
  const dbs = new Set(entries.filter((e) => e.kind === 'sqlite' && !e.raw).map((e) => e.path))
  for (const e of entries) {
    if (e.kind !== 'file' && e.kind !== 'sqlite') continue
    const suffix = SIDE_SUFFIXES.find((s) => e.path.endsWith(s))
    if (!suffix) continue
    const db = e.path.slice(0, -suffix.length)
    if (!dbs.has(db)) continue
    e.kind = 'skipped'
    e.reason = `SQLite ${suffix.slice(1)} file of ${db}: its committed content is in the backup of ${db}; the file itself is never copied or touched`
  }
}

/** Side files of a database path (what a restore must remove with the database it replaces). */
export function sideFiles(dbAbs: string): string[] {
  return SIDE_SUFFIXES.map((s) => dbAbs + s)
}
