// One listed entry of `.claude/` into the backup folder: databases through the backup API (a
// damaged one byte for byte, flagged), files by a streamed copy that hashes as it goes, links as
// their text. Agents keep working meanwhile, so vanished and replaced files are expected.
import { lstat, mkdir, readlink, rm } from 'node:fs/promises'
import { dirname } from 'node:path'
import { FerryError } from '../../../shared/contract/envelope'
import { isDiskFullCode } from '../fs/disk-full'
import { backupDiskFull } from './write-errors'
import type { JobContext } from '../jobs/job'
import { copyListedFile, hashFile } from './files'
import type { ManifestEntry } from './manifest'
import { UnreadableSqlite, backupSqlite } from './sqlite-copy'
import { fsPath, type Listed } from './walk'
import { isUtf8 } from 'node:buffer'
import { escapeBytes } from '../inventory/names'

/** The entry's name in the manifest: its path, and its exact bytes when they are not UTF-8. */
const namedOf = (e: Listed): Pick<ManifestEntry, 'path' | 'pathHex'> =>
  e.pathHex ? { path: e.path, pathHex: e.pathHex } : { path: e.path }
const mtimeOf = (e: Listed): string => e.stat.mtime.toISOString()
const modeOf = (e: Listed): number => e.stat.mode & 0o7777

/** `root`: the workspace folder; nothing outside it is ever read. */
export async function takeEntry(
  e: Listed,
  dest: string,
  tick: (n: number, message?: string) => void,
  ctx: JobContext,
  root: string,
): Promise<ManifestEntry> {
  try {
    return await take(e, dest, tick, ctx, root)
  } catch (err) {
    if (err instanceof FerryError) throw err
    const code = (err as NodeJS.ErrnoException).code
    // Writing the copy failed, not reading the file: the cause is where the backup goes.
    if (isDiskFullCode(code)) throw backupDiskFull(`${e.path} could not be backed up`, code!)
    if (code === 'EFBIG') {
      throw new FerryError(
        'BACKUP_WRITE_FAILED',
        `${e.path} could not be backed up: its copy in .ferry/backups hit the file-size limit (EFBIG)`,
        'Lift the file-size limit (ulimit -f) for Ferry, then run the backup again. The workspace was not changed.',
      )
    }
    const denied = code === 'EACCES' || code === 'EPERM'
    throw new FerryError(
      'BACKUP_FILE_FAILED',
      `${e.path} could not be backed up: ${denied ? 'permission denied' : (code ?? (err as Error).message)}`,
      denied
        ? 'Give this user read access to it (or move it out of .claude/), then run the backup again.'
        : 'Check the file and the disk holding .ferry/, then run the backup again.',
    )
  }
}

const ESCAPED_REASON =
  'a folder on its path was replaced by a link out of the workspace while the backup ran; not read'

async function take(
  e: Listed,
  dest: string,
  tick: (n: number, message?: string) => void,
  ctx: JobContext,
  root: string,
): Promise<ManifestEntry> {
  const named = namedOf(e)
  const base = { ...named, mode: modeOf(e), mtime: mtimeOf(e) }
  switch (e.kind) {
    case 'dir':
      await mkdir(dest, { recursive: true, mode: 0o700 })
      return { ...base, kind: 'dir' }
    case 'symlink': {
      const target = await readlink(fsPath(e), { encoding: 'buffer' }).catch(() => null)
      if (target === null)
        return { ...named, kind: 'skipped', reason: 'deleted while the backup ran' }
      // The link text is kept exactly, bytes that are not UTF-8 included.
      return isUtf8(target)
        ? { ...base, kind: 'symlink', target: target.toString('utf8') }
        : {
            ...base,
            kind: 'symlink',
            target: escapeBytes(target),
            targetHex: target.toString('hex'),
          }
    }
    case 'skipped':
      return { ...named, kind: 'skipped', reason: e.reason ?? 'not a regular file' }
    case 'sqlite': {
      if (e.raw) {
        // The SQLite driver opens a database by a name given as text, which cannot hold these
        // bytes: the file is copied byte for byte instead (and its -wal/-journal beside it).
        await mkdir(dirname(dest), { recursive: true, mode: 0o700 })
        const copied = await copyPlainFile(e, dest, tick, ctx, root)
        return copied.kind === 'file'
          ? {
              ...copied,
              note: 'a SQLite database whose name is not valid UTF-8: copied byte for byte with its -wal/-journal (consistent only if nothing wrote to it meanwhile)',
            }
          : copied
      }
      await mkdir(dirname(dest), { recursive: true, mode: 0o700 })
      let counted = 0
      try {
        const facts = await backupSqlite(e.abs, dest, e.path, {
          signal: ctx.signal,
          root,
          onPages: (done, total) => {
            const bytes = Math.round((done / Math.max(total, 1)) * e.stat.size)
            tick(bytes - counted, `${e.path}: page ${done} of ${total}`)
            counted = bytes
          },
        })
        const { sha256, size } = await hashFile(dest)
        tick(e.stat.size - counted)
        if (facts.integrityMethod !== 'table-scan')
          return { ...base, kind: 'sqlite', size, sha256, sqlite: facts }
        return {
          ...base,
          kind: 'sqlite',
          size,
          sha256,
          sqlite: facts,
          note: `PRAGMA integrity_check needs the collation(s) ${facts.appCollations?.join(', ')}, which only the database's application defines: every table of the copy was read in full instead (indexes built on those collations were not checked)`,
        }
      } catch (err) {
        if ((err as { code?: string }).code === 'PATH_ESCAPED') {
          await rm(dest, { force: true })
          return { ...namedOf(e), kind: 'skipped', reason: ESCAPED_REASON }
        }
        if (!(err instanceof UnreadableSqlite)) throw err
        // A damaged database is still the user's data: keep its bytes rather than nothing.
        await rm(dest, { force: true })
        ctx.log('warn', `${err.message}; copied byte for byte instead`)
        const r = await copyListedFile(fsPath(e), e.stat, dest, { signal: ctx.signal, root })
        return {
          ...base,
          kind: 'file',
          size: r.size,
          sha256: r.sha256,
          note: `${err.message}; copied byte for byte instead of through the backup API`,
          damaged: err.message,
        }
      }
    }
    case 'file':
      await mkdir(dirname(dest), { recursive: true, mode: 0o700 })
      return copyPlainFile(e, dest, tick, ctx, root)
  }
}

/**
 * Agents keep working during a backup: a file deleted after it was listed is recorded as such,
 * and one replaced by a rename (a new inode) is copied as it is now.
 */
async function copyPlainFile(
  e: Listed,
  dest: string,
  tick: (n: number, message?: string) => void,
  ctx: JobContext,
  root: string,
): Promise<ManifestEntry> {
  let listed = e.stat
  for (let attempt = 1; ; attempt++) {
    try {
      const r = await copyListedFile(fsPath(e), listed, dest, {
        signal: ctx.signal,
        root,
        onBytes: (n) => tick(n, e.path),
      })
      const entry: ManifestEntry = {
        ...namedOf(e),
        kind: 'file',
        mode: r.stat.mode & 0o7777,
        mtime: r.stat.mtime.toISOString(),
        size: r.size,
        sha256: r.sha256,
      }
      if (r.changed)
        entry.note =
          'kept changing while it was copied (3 attempts); the backup holds the last complete read'
      return entry
    } catch (err) {
      const code = (err as { code?: string }).code
      if (code === 'PATH_ESCAPED') {
        // Like a link, which a backup records but never follows: the path is skipped, with why.
        await rm(dest, { force: true })
        return {
          ...namedOf(e),
          kind: 'skipped',
          reason: ESCAPED_REASON,
        }
      }
      if (attempt > 2 || (code !== 'FILE_CHANGED' && code !== 'ENOENT')) throw err
      await rm(dest, { force: true })
      const now = await lstat(fsPath(e)).catch(() => null)
      if (!now) return { ...namedOf(e), kind: 'skipped', reason: 'deleted while the backup ran' }
      if (!now.isFile()) {
        return {
          ...namedOf(e),
          kind: 'skipped',
          reason: 'stopped being a regular file while the backup ran',
        }
      }
      listed = now
    }
  }
}
