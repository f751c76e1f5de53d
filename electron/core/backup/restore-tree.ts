// Puts a backup's files under a root: every file is first written beside its destination (a temp
// in the same folder, checked against the manifest's SHA-256 while it is written), and only when
// all of them are staged is each renamed over its destination. Then every restored file is read
// back and checked again. Used in place (ferry restore), into a scratch folder (the restore
// drill) and into the sandbox.
import { randomBytes } from 'node:crypto'
import { chmod, lstat, readlink, rename, rm, symlink, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { FerryError } from '../../../shared/contract/envelope'
import { fsyncDir } from '../fs/atomic'
import { mapConcurrent } from '../fs/concurrent'
import { faultPoint } from '../jobs/faults'
import { throwIfCancelled } from '../jobs/job'
import {
  copyVerified,
  ensureDirUnder,
  hashFile,
  isSqliteFile,
  shownPath,
  type FsPath,
} from './files'
import { entryPath, restorePath, type Manifest, type ManifestEntry } from './manifest'
import { sideFiles } from './walk'

export interface RestoreTreeOptions {
  signal: AbortSignal
  onBytes?: (n: number, message: string) => void
  /** In place: a database's stale -wal/-shm/-journal are removed as it is replaced. */
  inPlace: boolean
}

export interface RestoreTreeResult {
  files: number
  bytes: number
  symlinks: number
  /** Destinations that did not exist before. */
  created: number
  replaced: number
  directoriesCreated: number
  removedSideFiles: string[]
  /** Restored files read back and matched against the manifest's SHA-256 (links not counted). */
  verifiedFiles: number
}

interface Staged {
  entry: ManifestEntry
  tmp: FsPath
  dest: FsPath
  existed: boolean
  /** What it replaces is a SQLite database (whatever the backup holds for it). */
  replacesDb: boolean
}

const tempName = (dest: FsPath): FsPath => {
  const suffix = `.ferry-restore-${randomBytes(6).toString('hex')}.tmp`
  if (typeof dest === 'string') return join(dirname(dest), `.${basename(dest)}${suffix}`)
  const slash = dest.lastIndexOf(0x2f)
  return Buffer.concat([
    dest.subarray(0, slash + 1),
    Buffer.from('.'),
    dest.subarray(slash + 1),
    Buffer.from(suffix),
  ])
}

/** The folder holding `p` (exact bytes stay bytes). */
const parentOf = (p: FsPath): FsPath =>
  typeof p === 'string' ? dirname(p) : p.subarray(0, Math.max(1, p.lastIndexOf(0x2f)))

/** A database's -wal/-shm/-journal beside it (exact bytes stay bytes). */
const sidesOf = (db: FsPath): FsPath[] =>
  typeof db === 'string'
    ? sideFiles(db)
    : sideFiles('').map((s) => Buffer.concat([db, Buffer.from(s)]))

/** Files staged, and re-read, at once. */
const PARALLEL_COPIES = 8

export async function restoreTree(
  fromDir: string,
  manifest: Manifest,
  toRoot: string,
  opts: RestoreTreeOptions,
): Promise<RestoreTreeResult> {
  const entries = [...manifest.entries].sort((a, b) => a.path.localeCompare(b.path))
  const staged: Staged[] = []
  const result: RestoreTreeResult = {
    files: 0,
    bytes: 0,
    symlinks: 0,
    created: 0,
    replaced: 0,
    directoriesCreated: 0,
    removedSideFiles: [],
    verifiedFiles: 0,
  }
  try {
    for (const entry of entries) {
      throwIfCancelled(opts.signal)
      const dest = restorePath(toRoot, entry)
      if (entry.kind === 'skipped') continue
      if (entry.kind === 'dir') {
        result.directoriesCreated += (await ensureDirUnder(toRoot, dest)).length
        continue
      }
      result.directoriesCreated += (await ensureDirUnder(toRoot, parentOf(dest))).length
      const existing = await lstat(dest).catch(() => null)
      if (existing?.isDirectory()) {
        throw new FerryError(
          'RESTORE_CONFLICT',
          `${entry.path} is a folder now, but a ${entry.kind === 'symlink' ? 'symbolic link' : 'file'} in the backup`,
          'Move the folder aside, then run the restore again. Nothing was replaced.',
        )
      }
      const tmp = tempName(dest)
      if (entry.kind === 'symlink') {
        await symlink(
          entry.targetHex ? Buffer.from(entry.targetHex, 'hex') : (entry.target ?? ''),
          tmp,
        )
      } else {
        if (!entry.sha256 || entry.size === undefined)
          throw new FerryError(
            'BACKUP_MANIFEST_INVALID',
            `${entry.path} has no SHA-256 in the manifest`,
            'Use another backup.',
          )
        const replacesDb =
          existing?.isFile() === true && (await isSqliteFile(dest, existing).catch(() => false))
        staged.push({ entry, tmp, dest, existed: existing !== null, replacesDb })
        continue
      }
      staged.push({ entry, tmp, dest, existed: existing !== null, replacesDb: false })
    }
    // The copies themselves (read, write, fsync, hash: mostly waiting on the disk) several at a
    // time; the folders and checks above ran in order.
    await mapConcurrent(
      staged.filter((x) => x.entry.kind !== 'symlink'),
      ({ entry, tmp }) =>
        copyVerified(
          entryPath(fromDir, entry.path),
          tmp,
          {
            sha256: entry.sha256!,
            size: entry.size!,
            mode: entry.mode ?? 0o644,
            mtime: entry.mtime,
          },
          opts.signal,
          (n) => opts.onBytes?.(n, `Staging ${entry.path}`),
        ),
      { limit: PARALLEL_COPIES, signal: opts.signal },
    )
  } catch (err) {
    await Promise.all(staged.map((s) => rm(s.tmp, { force: true })))
    throw err
  }

  await faultPoint('restore:after-stage', opts.signal)
  // From here on nothing is cancelled: a half-committed restore is worse than a finished one.
  const touched = new Map<string, FsPath>()
  for (const s of staged) {
    if (opts.inPlace && (s.entry.kind === 'sqlite' || s.replacesDb)) {
      // The old -wal/-journal belong to the file being replaced; left in place, SQLite would
      // replay them into the restored database. Its committed rows are in the pre-restore backup.
      for (const side of sidesOf(s.dest)) {
        if (
          await unlink(side).then(
            () => true,
            () => false,
          )
        )
          result.removedSideFiles.push(shownPath(side))
      }
    }
    await rename(s.tmp, s.dest)
    const dir = parentOf(s.dest)
    touched.set(typeof dir === 'string' ? dir : dir.toString('hex'), dir)
    if (s.existed) result.replaced++
    else result.created++
    if (s.entry.kind === 'symlink') result.symlinks++
    else {
      result.files++
      result.bytes += s.entry.size ?? 0
    }
    await faultPoint('restore:after-rename')
  }
  for (const d of touched.values()) fsyncDir(d)
  // Folder modes last (a read-only folder would refuse the files written into it), deepest first.
  for (const e of entries.filter((x) => x.kind === 'dir' && x.mode !== undefined).reverse()) {
    await chmod(restorePath(toRoot, e), e.mode!).catch(() => undefined)
  }

  const problems = await verifyRestored(staged)
  if (problems.length > 0) {
    throw new FerryError(
      'RESTORE_VERIFY_FAILED',
      `${problems.length} restored file(s) do not match the backup: ${problems.slice(0, 3).join('; ')}`,
      'Check the disk, then run the restore again.',
    )
  }
  // Every restored file was read back and matched its SHA-256 (links: their text).
  result.verifiedFiles = result.files
  return result
}

async function verifyRestored(staged: Staged[]): Promise<string[]> {
  const found = await mapConcurrent(
    staged,
    async ({ entry, dest }): Promise<string | null> => {
      try {
        if (entry.kind === 'symlink') {
          const target = await readlink(dest, { encoding: 'buffer' })
          const expected = entry.targetHex
            ? Buffer.from(entry.targetHex, 'hex')
            : Buffer.from(entry.target ?? '')
          return target.equals(expected)
            ? null
            : `${entry.path}: link points to ${shownPath(target)}, expected ${entry.target}`
        }
        const r = await hashFile(dest)
        return r.sha256 === entry.sha256
          ? null
          : `${entry.path}: SHA-256 ${r.sha256}, expected ${entry.sha256}`
      } catch (err) {
        return `${entry.path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`
      }
    },
    { limit: PARALLEL_COPIES },
  )
  return found.filter((p): p is string => p !== null)
}
