// Lists .claude/ without following anything: names are read as bytes, every entry is classified
// from its lstat, symbolic links are resolved only to say where they point (never read), special
// files are never opened, and the descent stops at a depth cap. Nothing here throws for a
// hostile entry: it becomes an entry with a reason.
import { type BigIntStats, lstatSync, readdirSync, readlinkSync, realpathSync } from 'node:fs'
import { FerryError } from '../../../shared/contract/envelope'
import { throwIfCancelled } from '../jobs/job'
import { type Classified, classify, isFerryOutput, SNIFF_BYTES } from './kinds'
import { displayPath } from './names'
import { osError, readHead } from './open'

export const MAX_DEPTH = 48

export type EntryType = 'file' | 'dir' | 'symlink' | 'special' | 'unreadable' | 'too-deep'
export type SymlinkTarget = 'outside-workspace' | 'inside-workspace' | 'dangling' | 'loop'
export type SpecialKind = 'fifo' | 'socket' | 'char-device' | 'block-device'

export interface WalkEntry extends Partial<Classified> {
  /** Absolute path, exact bytes. */
  abs: Buffer
  /** The workspace root it was listed under (realpath): a read must stay below it. */
  root?: Buffer
  /** Relative to the workspace root, '/'-separated, escaped for display. */
  path: string
  /** The relative path's exact bytes as hex, when `path` is escaped. */
  pathHex?: string
  /** Relative to .claude/ (display form). */
  inClaude: string
  /** The top-level folder under .claude/ ('.' for entries directly in it). */
  top: string
  type: EntryType
  class: 'source' | 'ferry-output'
  size: number
  mtimeMs: number
  dev: bigint
  ino: bigint
  depth: number
  symlink?: { target: string; resolves: SymlinkTarget }
  special?: SpecialKind
  error?: { code: string; message: string }
}

function specialKind(st: BigIntStats): SpecialKind | null {
  if (st.isFIFO()) return 'fifo'
  if (st.isSocket()) return 'socket'
  if (st.isCharacterDevice()) return 'char-device'
  if (st.isBlockDevice()) return 'block-device'
  return null
}

const SLASH = Buffer.from('/')

function resolveLink(abs: Buffer, rootReal: Buffer): SymlinkTarget {
  let real: Buffer
  try {
    real = realpathSync(abs, { encoding: 'buffer' })
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ELOOP' ? 'loop' : 'dangling'
  }
  const inside =
    real.equals(rootReal) ||
    (real.length > rootReal.length &&
      real.subarray(0, rootReal.length + 1).equals(Buffer.concat([rootReal, SLASH])))
  return inside ? 'inside-workspace' : 'outside-workspace'
}

export interface WalkOptions {
  signal?: AbortSignal
  maxDepth?: number
  /** Called for every entry as it is listed (for progress). */
  onEntry?: (e: WalkEntry) => void
}

/** Every entry under `<root>/.claude`, depth first, names in byte order. */
export function walkClaude(root: string, opts: WalkOptions = {}): WalkEntry[] {
  const maxDepth = opts.maxDepth ?? MAX_DEPTH
  const rootReal = realpathSync(Buffer.from(root), { encoding: 'buffer' })
  const claudeAbs = Buffer.concat([rootReal, Buffer.from('/.claude')])
  const top = lstatSync(claudeAbs, { bigint: true })
  if (!top.isDirectory()) {
    throw new FerryError(
      'NOT_A_WORKSPACE',
      `${root}/.claude is not a folder`,
      'Ferry reads .claude/ only when it is a real folder inside the workspace.',
    )
  }
  const out: WalkEntry[] = []
  const visit = (dirAbs: Buffer, dirRel: Buffer, depth: number): void => {
    if (opts.signal) throwIfCancelled(opts.signal)
    const names = readdirSync(dirAbs, { encoding: 'buffer' }).sort(Buffer.compare)
    for (const name of names) {
      const abs = Buffer.concat([dirAbs, SLASH, name])
      const rel = dirRel.length ? Buffer.concat([dirRel, SLASH, name]) : name
      const shown = displayPath(Buffer.concat([Buffer.from('.claude/'), rel]))
      const inClaude = shown.path.slice('.claude/'.length)
      const slash = inClaude.indexOf('/')
      const base: Omit<WalkEntry, 'type' | 'size' | 'mtimeMs' | 'dev' | 'ino'> = {
        abs,
        root: rootReal,
        ...shown,
        inClaude,
        top: slash < 0 ? '.' : inClaude.slice(0, slash),
        class: isFerryOutput(inClaude) ? 'ferry-output' : 'source',
        depth: depth + 1,
      }
      let st: BigIntStats
      try {
        st = lstatSync(abs, { bigint: true })
      } catch (err) {
        // Deleted between readdir and lstat: it was never there for this inventory.
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue
        push({
          ...base,
          type: 'unreadable',
          size: 0,
          mtimeMs: 0,
          dev: 0n,
          ino: 0n,
          error: osError(err),
        })
        continue
      }
      const e: WalkEntry = {
        ...base,
        type: 'file',
        size: Number(st.size),
        mtimeMs: Number(st.mtimeMs),
        dev: st.dev,
        ino: st.ino,
      }
      if (st.isSymbolicLink()) {
        let target = ''
        try {
          target = displayPath(readlinkSync(abs, { encoding: 'buffer' })).path
        } catch {
          /* unreadable link text: the resolution below still says where it leads */
        }
        push({ ...e, type: 'symlink', symlink: { target, resolves: resolveLink(abs, rootReal) } })
      } else if (st.isDirectory()) {
        if (depth + 1 >= maxDepth) {
          push({
            ...e,
            type: 'too-deep',
            error: {
              code: 'TOO_DEEP',
              message: `deeper than ${maxDepth} levels: its contents are not listed`,
            },
          })
          continue
        }
        const dir: WalkEntry = { ...e, type: 'dir', size: 0 }
        push(dir)
        try {
          visit(abs, rel, depth + 1)
        } catch (err) {
          if (err instanceof FerryError && err.code === 'CANCELLED') throw err
          // A folder that cannot be listed is reported as such; its contents are unknown.
          dir.type = 'unreadable'
          dir.error = osError(err)
        }
      } else if (st.isFile()) {
        try {
          push({
            ...e,
            ...classify(
              inClaude.slice(inClaude.lastIndexOf('/') + 1),
              readHead(abs, { dev: st.dev, ino: st.ino, root: rootReal }, shown.path, SNIFF_BYTES),
            ),
          })
        } catch (err) {
          push({ ...e, type: 'unreadable', error: osError(err) })
        }
      } else {
        push({ ...e, type: 'special', special: specialKind(st) ?? 'char-device' })
      }
    }
  }
  const push = (e: WalkEntry): void => {
    out.push(e)
    opts.onEntry?.(e)
  }
  visit(claudeAbs, Buffer.alloc(0), 0)
  return out
}
