// What a file under .claude/ is, from its name and its first bytes. Databases are recognised by
// their header (a state.db renamed to .bak is still a database); everything else by its name,
// with a NUL byte in the first block marking binary content.
import { utf16Bom } from './names'

export type FileKind =
  | 'json'
  | 'jsonl'
  | 'md'
  | 'log'
  | 'rotated-log'
  | 'gz'
  | 'yaml'
  | 'toml'
  | 'ini'
  | 'env'
  | 'sqlite'
  | 'binary'
  | 'other'

/** The line format of a log file, once rotation and compression suffixes are peeled off. */
export type LogFormat = 'jsonl' | 'text'

export const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1')
const GZIP_MAGIC = [0x1f, 0x8b]

export const SNIFF_BYTES = 8192

export interface Classified {
  kind: FileKind
  /** For jsonl, log, rotated-log and gz files: how their lines are read. */
  format?: LogFormat
  /** A binary log that is UTF-16 text (byte-order mark first): its skip says how to convert it. */
  utf16?: true
}

const ROTATION = /(?:\.\d+|-\d{8}(?:\d{2})?)$/

/** Peels `.gz` and rotation suffixes (`.1`, `-20261001`) off a name: `a.jsonl.2.gz` → `a.jsonl`. */
export function baseLogName(name: string): string {
  let n = name.replace(/\.gz$/i, '')
  if (/\.(?:log|jsonl|ndjson|txt|out)(?:\.\d+|-\d{8}(?:\d{2})?)$/i.test(n))
    n = n.replace(ROTATION, '')
  return n
}

function logFormat(name: string): LogFormat | undefined {
  const base = baseLogName(name).toLowerCase()
  if (base.endsWith('.jsonl') || base.endsWith('.ndjson')) return 'jsonl'
  if (base.endsWith('.log') || base.endsWith('.txt') || base.endsWith('.out')) return 'text'
  return undefined
}

function isEnvName(lower: string): boolean {
  return lower === '.env' || lower.startsWith('.env.') || lower.endsWith('.env')
}

/** Fewer than 1 byte in 10 is NUL or a control character other than tab, LF, VT, FF, CR. */
function mostlyText(head: Uint8Array): boolean {
  let odd = 0
  for (const b of head) if (b < 9 || (b > 13 && b < 32)) odd++
  return odd * 10 < head.length
}

export function classify(name: string, head: Uint8Array): Classified {
  const lower = name.toLowerCase()
  if (head.length >= 16 && SQLITE_HEADER.equals(Buffer.from(head.subarray(0, 16))))
    return { kind: 'sqlite' }
  if (lower.endsWith('.gz') || (head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1])) {
    const format = logFormat(name)
    return format ? { kind: 'gz', format } : { kind: 'gz' }
  }
  // A line log holding a NUL byte is still a log: a writer that crashed mid-append leaves a torn
  // record or NUL padding, and skipping the whole file would drop every good line with it (each
  // line is imported as its exact bytes and a bad one is flagged). Only a head that is mostly
  // not text makes a log-named file binary.
  // A UTF-16 text (its byte-order mark first: Windows editors, PowerShell's `>`) is half NULs,
  // yet text: a whole file is decoded (names.ts decodeUtf16). A line log is read as UTF-8
  // lines, so a UTF-16 one stays binary.
  const bom = utf16Bom(head) !== null
  const utf16 = bom && logFormat(name) === undefined
  const binary = !utf16 && head.includes(0) && !(logFormat(name) !== undefined && mostlyText(head))
  const base = baseLogName(name)
  if (base !== name) {
    const format = logFormat(name)
    if (format && !binary) return { kind: 'rotated-log', format }
  }
  if (binary) return bom ? { kind: 'binary', utf16: true } : { kind: 'binary' }
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson'))
    return { kind: 'jsonl', format: 'jsonl' }
  if (lower.endsWith('.json')) return { kind: 'json' }
  if (lower.endsWith('.md') || lower.endsWith('.markdown')) return { kind: 'md' }
  if (lower.endsWith('.log')) return { kind: 'log', format: 'text' }
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return { kind: 'yaml' }
  if (lower.endsWith('.toml')) return { kind: 'toml' }
  if (lower.endsWith('.ini') || lower.endsWith('.cfg')) return { kind: 'ini' }
  if (isEnvName(lower)) return { kind: 'env' }
  if (lower.endsWith('.txt') || lower.endsWith('.out')) return { kind: 'other', format: 'text' }
  return { kind: 'other' }
}

/** Ferry's own files inside .claude/ (DESIGN.md §3): listed, never counted as the agents' data. */
export function isFerryOutput(relToClaude: string): boolean {
  if (relToClaude === 'memory_snapshots' || relToClaude.startsWith('memory_snapshots/')) return true
  if (/^memory\.db(?:-wal|-shm|-journal)?$/.test(relToClaude)) return true
  // The first build of memory.db happens in a temp file next to it.
  return /^\.memory\.db\.building(?:-wal|-shm|-journal)?$/.test(relToClaude)
}

/** The side files of a SQLite database: their committed content is read through the database. */
export const SQLITE_SIDE_SUFFIXES = ['-wal', '-shm', '-journal'] as const
