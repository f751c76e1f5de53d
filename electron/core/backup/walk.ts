// Lists `.claude/` for a backup without following a single link: every entry is classified from
// its lstat, SQLite databases by their 16-byte header (not their name), and each database's
// -wal/-shm/-journal are set aside, because their committed content reaches the backup through
// the database itself.
import type { Stats } from 'node:fs'
import { lstat, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { throwIfCancelled } from '../jobs/job'
import { isSqliteFile } from './files'
import { relPath } from './manifest'

export type ListedKind = 'dir' | 'file' | 'sqlite' | 'symlink' | 'skipped'

export interface Listed {
  path: string
  abs: string
  kind: ListedKind
  stat: Stats
  reason?: string
}

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
  const visit = async (dir: string): Promise<void> => {
    if (signal) throwIfCancelled(signal)
    const names = (await readdir(dir)).sort()
    for (const name of names) {
      const abs = join(dir, name)
      let st: Stats
      try {
        st = await lstat(abs)
      } catch (err) {
        // Deleted by an agent between readdir and lstat: it was never there for this backup.
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue
        throw err
      }
      const path = relPath(root, abs)
      if (st.isSymbolicLink()) out.push({ path, abs, kind: 'symlink', stat: st })
      else if (st.isDirectory()) {
        out.push({ path, abs, kind: 'dir', stat: st })
        await visit(abs)
      } else if (st.isFile()) {
        if (RESTORE_TEMP.test(name))
          out.push({
            path,
            abs,
            kind: 'skipped',
            stat: st,
            reason: 'a temp file of an interrupted Ferry restore',
          })
        else out.push({ path, abs, kind: (await isSqlite(abs, st)) ? 'sqlite' : 'file', stat: st })
      } else
        out.push({
          path,
          abs,
          kind: 'skipped',
          stat: st,
          reason: special(st) ?? 'not a regular file',
        })
    }
  }
  await visit(top)
  markSideFiles(out)
  return out
}

async function isSqlite(abs: string, st: Stats): Promise<boolean> {
  try {
    return await isSqliteFile(abs, st)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw err
  }
}

/** A database's -wal, -shm and -journal are never copied: they are read through the database. */
function markSideFiles(entries: Listed[]): void {
  const dbs = new Set(entries.filter((e) => e.kind === 'sqlite').map((e) => e.path))
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
