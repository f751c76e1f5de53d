// Opening a listed file the way RELIABILITY.md rule 9 asks: never through a symbolic link
// (O_NOFOLLOW), never blocking on a FIFO swapped in after the listing (O_NONBLOCK), and only if
// what was opened is the very file that was listed (same device and inode, still a regular file)
// and still lies inside the workspace: O_NOFOLLOW guards only the last name, so a folder on the
// path swapped for a link after the listing would otherwise lead out of the root.
import { closeSync, constants, fstatSync, openSync, readSync, readlinkSync } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import { FerryError } from '../../../shared/contract/envelope'

const FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0)

export interface Identity {
  dev: bigint
  ino: bigint
  /** The workspace root (realpath, bytes): what was opened must lie under it. */
  root?: Buffer
}

function changed(display: string): FerryError {
  return new FerryError(
    'FILE_CHANGED',
    `${display} changed between listing and reading (it is no longer the same regular file)`,
    'Run the step again; files that agents are rewriting are read on the next run.',
  )
}

function escaped(display: string): FerryError {
  return new FerryError(
    'FILE_CHANGED',
    `${display} now leads outside the workspace (a folder on its path was replaced by a link); it was not read`,
    'Ferry never reads outside the workspace. Run the step again once the folder is back.',
  )
}

/**
 * True when the kernel says descriptor `fd` is a file outside `root`. Listing and identity are
 * both taken through the same path, so only the open descriptor's own path can tell (Linux
 * /proc/self/fd; where there is none, O_NOFOLLOW and the identity check are what is left).
 */
export function opensOutside(fd: number, root: Buffer | undefined): boolean {
  if (!root) return false
  let real: Buffer
  try {
    real = readlinkSync(`/proc/self/fd/${fd}`, { encoding: 'buffer' })
  } catch {
    return false
  }
  const prefix = Buffer.concat([root, Buffer.from('/')])
  return !(real.length > prefix.length && real.subarray(0, prefix.length).equals(prefix))
}

export async function openListed(abs: Buffer, id: Identity, display: string): Promise<FileHandle> {
  const fh = await open(abs, FLAGS)
  try {
    const st = await fh.stat({ bigint: true })
    if (!st.isFile() || st.dev !== id.dev || st.ino !== id.ino) throw changed(display)
    if (opensOutside(fh.fd, id.root)) throw escaped(display)
    return fh
  } catch (err) {
    await fh.close()
    throw err
  }
}

/** The first bytes of a listed file, for classification. */
export function readHead(abs: Buffer, id: Identity, display: string, bytes: number): Buffer {
  const fd = openSync(abs, FLAGS)
  try {
    const st = fstatSync(fd, { bigint: true })
    if (!st.isFile() || st.dev !== id.dev || st.ino !== id.ino) throw changed(display)
    if (opensOutside(fd, id.root)) throw escaped(display)
    const buf = Buffer.alloc(bytes)
    let n = 0
    while (n < bytes) {
      const r = readSync(fd, buf, n, bytes - n, n)
      if (r === 0) break
      n += r
    }
    return buf.subarray(0, n)
  } finally {
    closeSync(fd)
  }
}

/** Reads a whole (small) listed file. */
export async function readListed(abs: Buffer, id: Identity, display: string): Promise<Buffer> {
  const fh = await openListed(abs, id, display)
  try {
    return await fh.readFile()
  } finally {
    await fh.close()
  }
}

/** An OS error as the inventory reports it: the errno code and its text, no stack. */
export function osError(err: unknown): { code: string; message: string } {
  if (err instanceof FerryError) return { code: err.code, message: err.message }
  const e = err as NodeJS.ErrnoException
  const code = typeof e?.code === 'string' ? e.code : 'ERROR'
  const message =
    typeof e?.message === 'string'
      ? e.message.replace(/, \w+ '.*'$/, '').replace(/^[A-Z]+: /, '')
      : String(err)
  return { code, message }
}
