// Byte-level file work for backups and restores: a streamed copy that hashes what it reads,
// opened without following links and checked against what was listed (RELIABILITY rule 9).
import { constants, realpathSync, type Stats } from 'node:fs'
import { lstat, mkdir, open, type FileHandle } from 'node:fs/promises'
import { createHash } from 'node:crypto'
import { join, relative, sep } from 'node:path'
import { FerryError } from '../../../shared/contract/envelope'
import { throwIfCancelled } from '../jobs/job'
import { escapeBytes } from '../inventory/names'
import { opensOutside } from '../inventory/open'

/** A path as the file system takes it: its exact bytes when they are not valid UTF-8. */
export type FsPath = string | Buffer

/** A path for messages (bytes that are not UTF-8 escaped as \\xNN). */
export const shownPath = (p: FsPath): string => (typeof p === 'string' ? p : escapeBytes(p))

const CHUNK = 1024 * 1024
const READ_NOFOLLOW = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0)

export interface CopyResult {
  sha256: string
  size: number
  /** The source's size or mtime moved while it was read (an agent appending to a log, say). */
  changed: boolean
  stat: Stats
}

/**
 * Opens a listed file without following links and checks it is the same inode that was listed
 * and, given the workspace `root`, that the kernel's path of what was opened lies inside it:
 * O_NOFOLLOW guards only the last name, and a folder on the path swapped for a link (even before
 * the listing's lstat) would lead outside (RELIABILITY rule 9; inventory/open.ts does the same).
 */
export async function openListed(path: FsPath, listed?: Stats, root?: string): Promise<FileHandle> {
  let fh: FileHandle
  try {
    fh = await open(path, READ_NOFOLLOW)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ELOOP')
      throw new FerryError(
        'FILE_CHANGED',
        `${shownPath(path)} became a symbolic link while Ferry was reading it`,
        'Run the backup again.',
      )
    throw err
  }
  if (root && opensOutside(fh.fd, realpathSync.native(root, { encoding: 'buffer' }))) {
    await fh.close()
    throw new FerryError(
      'PATH_ESCAPED',
      `${shownPath(path)} now leads outside the workspace (a folder on its path was replaced by a link); it was not read`,
      'Ferry never reads outside the workspace. Run the backup again once the folder is back.',
    )
  }
  const st = await fh.stat()
  if (!st.isFile() || (listed && (st.ino !== listed.ino || st.dev !== listed.dev))) {
    await fh.close()
    throw new FerryError(
      'FILE_CHANGED',
      `${shownPath(path)} was replaced while Ferry was reading it`,
      'Run the backup again; nothing was changed.',
    )
  }
  return fh
}

/**
 * Streams `src` into the already-open `out`, hashing the bytes. `rewrite`: `out` may hold bytes of
 * an earlier attempt, cut to the new size; `sync`: fsync `out` (left to the caller when it changes
 * the file's mode and times after, so that one fsync covers both).
 */
async function pump(
  src: FileHandle,
  out: FileHandle,
  o: { signal?: AbortSignal; onBytes?: (n: number) => void; rewrite: boolean; sync: boolean },
): Promise<{ sha256: string; size: number }> {
  const { signal, onBytes } = o
  const hash = createHash('sha256')
  const buf = Buffer.allocUnsafe(CHUNK)
  let size = 0
  for (;;) {
    if (signal) throwIfCancelled(signal)
    const { bytesRead } = await src.read(buf, 0, CHUNK, size)
    if (bytesRead === 0) break
    const chunk = buf.subarray(0, bytesRead)
    hash.update(chunk)
    let off = 0
    while (off < bytesRead)
      off += (await out.write(chunk, off, bytesRead - off, size + off)).bytesWritten
    size += bytesRead
    onBytes?.(bytesRead)
  }
  if (o.rewrite) await out.truncate(size)
  if (o.sync) await out.sync()
  return { sha256: hash.digest('hex'), size }
}

/**
 * Copies a listed regular file to `dest` (created exclusively). A file that keeps changing while
 * it is read is copied again, up to three times; the last copy is kept and flagged `changed`.
 */
export async function copyListedFile(
  src: FsPath,
  listed: Stats,
  dest: FsPath,
  opts: { signal?: AbortSignal; onBytes?: (n: number) => void; mode?: number; root?: string } = {},
): Promise<CopyResult> {
  const out = await open(dest, 'wx', opts.mode ?? 0o600)
  try {
    let last: CopyResult | undefined
    for (let attempt = 1; attempt <= 3; attempt++) {
      const fh = await openListed(src, listed, opts.root)
      try {
        const before = await fh.stat()
        const r = await pump(fh, out, {
          signal: opts.signal,
          onBytes: attempt === 1 ? opts.onBytes : undefined,
          // A second attempt writes over the first one's bytes; `out` was created empty.
          rewrite: attempt > 1,
          sync: true,
        })
        const after = await fh.stat()
        const changed =
          after.size !== r.size || after.mtimeMs !== before.mtimeMs || before.size !== r.size
        last = { ...r, changed, stat: before }
        if (!changed) break
      } finally {
        await fh.close()
      }
    }
    return last!
  } finally {
    await out.close()
  }
}

/** Copies a backed-up file to `dest` (created exclusively) and checks the bytes against `sha256`. */
export async function copyVerified(
  src: string,
  dest: FsPath,
  expect: { sha256: string; size: number; mode: number; mtime?: string },
  signal?: AbortSignal,
  onBytes?: (n: number) => void,
): Promise<void> {
  const fh = await openListed(src)
  try {
    const out = await open(dest, 'wx', expect.mode & 0o7777)
    try {
      // `out` was created empty; its one fsync comes after the mode and times are set.
      const r = await pump(fh, out, { signal, onBytes, rewrite: false, sync: false })
      if (r.sha256 !== expect.sha256 || r.size !== expect.size) {
        throw new FerryError(
          'BACKUP_CORRUPT',
          `${src} does not match its manifest: expected SHA-256 ${expect.sha256} (${expect.size} bytes), read ${r.sha256} (${r.size} bytes)`,
          'This backup is damaged; nothing was restored from it. Use another backup ("ferry backups").',
        )
      }
      await out.chmod(expect.mode & 0o7777)
      if (expect.mtime) {
        const t = new Date(expect.mtime)
        await out.utimes(t, t)
      }
      await out.sync()
    } finally {
      await out.close()
    }
  } finally {
    await fh.close()
  }
}

export async function hashFile(
  path: FsPath,
  signal?: AbortSignal,
): Promise<{ sha256: string; size: number }> {
  const fh = await openListed(path)
  try {
    const hash = createHash('sha256')
    const buf = Buffer.allocUnsafe(CHUNK)
    let size = 0
    for (;;) {
      if (signal) throwIfCancelled(signal)
      const { bytesRead } = await fh.read(buf, 0, CHUNK, size)
      if (bytesRead === 0) break
      hash.update(buf.subarray(0, bytesRead))
      size += bytesRead
    }
    return { sha256: hash.digest('hex'), size }
  } finally {
    await fh.close()
  }
}

/** The first 16 bytes of every SQLite 3 database, whatever its name. */
const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1')

export async function isSqliteFile(path: FsPath, listed: Stats): Promise<boolean> {
  if (listed.size < 100) return false
  const fh = await openListed(path, listed)
  try {
    const buf = Buffer.alloc(16)
    const { bytesRead } = await fh.read(buf, 0, 16, 0)
    return bytesRead === 16 && buf.equals(SQLITE_HEADER)
  } finally {
    await fh.close()
  }
}

/**
 * Creates `dir` and its missing parents below `root`, refusing a symbolic link or a file on the
 * way, so nothing is ever written through a link out of the workspace. Returns the folders made.
 * `dir` may be exact bytes (a name that is not valid UTF-8).
 */
export async function ensureDirUnder(root: string, dir: FsPath): Promise<FsPath[]> {
  const rootBytes = Buffer.from(root.replace(/\/+$/, ''))
  const dirBytes = typeof dir === 'string' ? null : dir
  const rel =
    dirBytes === null
      ? relative(root, dir as string)
      : dirBytes.equals(rootBytes)
        ? ''
        : dirBytes.subarray(0, rootBytes.length + 1).equals(Buffer.concat([rootBytes, SLASH]))
          ? dirBytes.subarray(rootBytes.length + 1).toString('latin1')
          : '..'
  if (rel.startsWith('..') || rel.includes(`..${sep}`))
    throw new FerryError(
      'PATH_OUTSIDE',
      `${shownPath(dir)} is outside ${root}`,
      'This is a bug in Ferry; please report it.',
    )
  const made: FsPath[] = []
  let cur: FsPath = dirBytes === null ? root : rootBytes
  for (const part of rel === '' ? [] : rel.split(sep)) {
    // Bytes stay bytes: a latin1 round trip is exact.
    cur =
      typeof cur === 'string'
        ? join(cur, part)
        : Buffer.concat([cur, SLASH, Buffer.from(part, 'latin1')])
    const st = await lstat(cur).catch((e: NodeJS.ErrnoException) =>
      e.code === 'ENOENT' ? null : Promise.reject(e),
    )
    if (st === null) {
      await mkdir(cur, { mode: 0o755 })
      made.push(cur)
    } else if (!st.isDirectory()) {
      throw new FerryError(
        'RESTORE_CONFLICT',
        `${shownPath(cur)} is ${st.isSymbolicLink() ? 'a symbolic link' : 'a file'} where the backup has a folder`,
        'Move it aside, then run the restore again; Ferry never writes through a link or over a file with a folder.',
      )
    }
  }
  return made
}

const SLASH = Buffer.from('/')

/** Writes a file that must not exist yet, and fsyncs it. */
export async function writeNewFile(path: string, text: string): Promise<void> {
  const fh = await open(path, 'wx', 0o600)
  try {
    await fh.writeFile(text, 'utf8')
    await fh.sync()
  } finally {
    await fh.close()
  }
}
