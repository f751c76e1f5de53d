// The content-addressed files of .claude/memory_snapshots/: a file's name is the SHA-256 of its
// bytes, so identical content is stored once and any reader can check what it got. Paths read
// back from the database are checked against that pattern before anything is opened.
import { createHash, randomBytes } from 'node:crypto'
import {
  closeSync,
  constants,
  fstatSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs'
import { join } from 'node:path'
import { FerryError } from '../../../shared/contract/envelope'
import { fsyncDir } from '../fs/atomic'
import { faultPoint } from '../jobs/faults'
import type { WorkspacePaths } from '../workspace/resolve'

export const STORE_DIR_NAME = 'memory_snapshots'
const FILE_RE = /^([0-9a-f]{64})\.(json|bin)$/
const TEMP_RE = /^\.[0-9a-f]{64}\.(json|bin)\.[0-9a-f]{12}\.tmp$/

export const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')

/** The folder beside state.db; content_path values are relative to state.db's folder (.claude/). */
export function storeDir(paths: WorkspacePaths): string {
  return join(paths.claudeDir, STORE_DIR_NAME)
}

/** `.json` when the bytes are JSON (what the plan stores), `.bin` otherwise: decided by bytes alone. */
export function fileNameFor(bytes: Buffer, sha: string): string {
  return `${sha}.${isJson(bytes) ? 'json' : 'bin'}`
}

function isJson(bytes: Buffer): boolean {
  try {
    JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
    return true
  } catch {
    return false
  }
}

export const relPathOf = (fileName: string): string => `${STORE_DIR_NAME}/${fileName}`

/** Creates the store folder, refusing one that is a symbolic link (it could lead out of the workspace). */
export function ensureStoreDir(paths: WorkspacePaths): string {
  const dir = storeDir(paths)
  mkdirSync(dir, { recursive: true, mode: 0o755 })
  checkStoreDir(dir)
  return dir
}

function checkStoreDir(dir: string): void {
  const st = lstatSync(dir)
  if (st.isSymbolicLink() || !st.isDirectory()) {
    throw new FerryError(
      'SNAPSHOT_DIR_UNSAFE',
      `${dir} is ${st.isSymbolicLink() ? 'a symbolic link' : 'not a folder'}`,
      'Move it aside; Ferry keeps snapshot files only in a real folder inside .claude/.',
    )
  }
}

/** Reads a store file named by a row: the path must be `memory_snapshots/<sha256>.(json|bin)`. */
export function readStoreFile(paths: WorkspacePaths, relPath: string, snapshot: string): Buffer {
  const [dirName, name, ...rest] = relPath.split('/')
  if (dirName !== STORE_DIR_NAME || !name || rest.length || !FILE_RE.test(name)) {
    throw new FerryError(
      'SNAPSHOT_BAD_PATH',
      `Snapshot ${snapshot} points at "${relPath}", which is not a snapshot store file`,
      'The row was edited by hand; restore it from a backup.',
    )
  }
  const dir = storeDir(paths)
  const file = join(dir, name)
  let fd: number
  try {
    checkStoreDir(dir)
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW)
  } catch (err) {
    if (err instanceof FerryError) throw err
    throw new FerryError(
      'SNAPSHOT_FILE_MISSING',
      `Snapshot ${snapshot}: cannot open .claude/${relPath} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      'Restore .claude/memory_snapshots/ from the latest backup (ferry backups, ferry restore <id>).',
    )
  }
  try {
    const st = fstatSync(fd)
    if (!st.isFile())
      throw new FerryError(
        'SNAPSHOT_FILE_MISSING',
        `Snapshot ${snapshot}: .claude/${relPath} is not a regular file`,
        'Restore .claude/memory_snapshots/ from the latest backup.',
      )
    const buf = Buffer.alloc(st.size)
    let off = 0
    while (off < buf.length) {
      const n = readSync(fd, buf, off, buf.length - off, off)
      if (n === 0) break
      off += n
    }
    return buf.subarray(0, off)
  } finally {
    closeSync(fd)
  }
}

/** Throws, naming the snapshot and the file, unless the bytes are exactly what the row recorded. */
export function verifyContent(
  bytes: Buffer,
  expectSha: string,
  expectBytes: number,
  snapshot: string,
  relPath: string,
): void {
  const got = sha256(bytes)
  if (got !== expectSha || bytes.length !== expectBytes) {
    throw new FerryError(
      'SNAPSHOT_CORRUPT',
      `Snapshot ${snapshot}: .claude/${relPath} does not match its record (SHA-256 ${got.slice(0, 12)}…, ${bytes.length} bytes; expected ${expectSha.slice(0, 12)}…, ${expectBytes} bytes)`,
      'The file was changed or damaged. Restore .claude/memory_snapshots/ from the latest backup (ferry backups, ferry restore <id>).',
    )
  }
}

/** Is there already a file with these exact bytes? A damaged one counts as absent (it is rewritten). */
export function hasVerifiedFile(dir: string, fileName: string, sha: string, size: number): boolean {
  let fd: number
  try {
    fd = openSync(join(dir, fileName), constants.O_RDONLY | constants.O_NOFOLLOW)
  } catch {
    return false
  }
  try {
    const st = fstatSync(fd)
    if (!st.isFile() || st.size !== size) return false
    const buf = Buffer.alloc(size)
    let off = 0
    while (off < size) {
      const n = readSync(fd, buf, off, size - off, off)
      if (n === 0) return false
      off += n
    }
    return sha256(buf) === sha
  } finally {
    closeSync(fd)
  }
}

/** Temp file, fsync, rename, fsync the folder: a crash leaves no file or the whole file. */
export async function writeStoreFile(
  dir: string,
  fileName: string,
  bytes: Buffer,
  signal?: AbortSignal,
): Promise<void> {
  const tmp = join(dir, `.${fileName}.${randomBytes(6).toString('hex')}.tmp`)
  const fd = openSync(tmp, 'wx', 0o644)
  try {
    let off = 0
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off)
    await faultPoint('snapshot:after-write-before-fsync', signal)
    fsyncSync(fd)
  } catch (err) {
    closeSync(fd)
    unlinkQuiet(tmp)
    throw err
  }
  closeSync(fd)
  renameSync(tmp, join(dir, fileName))
  fsyncDir(dir)
}

export interface StoreListing {
  /** `<sha256>.(json|bin)` names. */
  files: string[]
  /** Leftovers of writes that never reached their rename (a crash): never referenced by a row. */
  temps: string[]
}

export function listStore(dir: string): StoreListing {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return { files: [], temps: [] }
  }
  return {
    files: names.filter((n) => FILE_RE.test(n)).sort(),
    temps: names.filter((n) => TEMP_RE.test(n)),
  }
}

export function removeFiles(dir: string, names: string[]): number {
  let n = 0
  for (const name of names) if (unlinkQuiet(join(dir, name))) n++
  if (names.length) fsyncDir(dir)
  return n
}

export function shaOfFileName(name: string): string | null {
  return FILE_RE.exec(name)?.[1] ?? null
}

function unlinkQuiet(p: string): boolean {
  try {
    unlinkSync(p)
    return true
  } catch {
    return false
  }
}
