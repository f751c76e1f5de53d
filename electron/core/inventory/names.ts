// File names are bytes on Linux, not text: a name that is not valid UTF-8 is shown escaped
// (`\xNN` for each bad byte) and its exact bytes are kept as hex, so the path survives the trip
// through JSON and back to the file system unchanged.
import { isUtf8 } from 'node:buffer'

const hex2 = (b: number): string => `\\x${b.toString(16).padStart(2, '0').toUpperCase()}`

/** Length of the valid UTF-8 sequence starting at i, or 0 when the byte there starts none. */
function sequenceLength(buf: Uint8Array, i: number): number {
  const b = buf[i] ?? 0
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => {
    const c = buf[i + k]
    return c !== undefined && c >= lo && c <= hi
  }
  if (b < 0x80) return 1
  if (b >= 0xc2 && b <= 0xdf) return cont(1) ? 2 : 0
  if (b === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0
  if (b === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0
  if (b >= 0xe1 && b <= 0xef) return cont(1) && cont(2) ? 3 : 0
  if (b === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0
  if (b >= 0xf1 && b <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0
  if (b === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0
  return 0
}

/** Offset of the first byte that is not part of valid UTF-8, or -1 when all of it is valid. */
export function firstInvalidUtf8(buf: Uint8Array): number {
  if (isUtf8(buf)) return -1
  for (let i = 0; i < buf.length;) {
    const n = sequenceLength(buf, i)
    if (n === 0) return i
    i += n
  }
  return -1
}

export type Utf16 = 'utf-16le' | 'utf-16be'

/** The UTF-16 byte-order mark a file starts with (Windows editors, PowerShell's `>`), or null. */
export function utf16Bom(buf: Uint8Array): Utf16 | null {
  if (buf[0] === 0xff && buf[1] === 0xfe) return 'utf-16le'
  if (buf[0] === 0xfe && buf[1] === 0xff) return 'utf-16be'
  return null
}

/**
 * UTF-16 code units (no byte-order mark) as text. `strict`: null for what is not valid UTF-16 (an
 * odd length, a surrogate without its pair); otherwise those become U+FFFD.
 */
export function utf16Text(units: Uint8Array, bigEndian: boolean, strict: boolean): string | null {
  const even = units.length - (units.length % 2)
  if (strict && even < units.length) return null
  const body = Buffer.from(units.subarray(0, even))
  if (bigEndian) body.swap16()
  try {
    const text = new TextDecoder('utf-16le', { fatal: strict, ignoreBOM: true }).decode(body)
    return even < units.length ? `${text}\uFFFD` : text
  } catch {
    return null
  }
}

/**
 * A whole file that starts with a UTF-16 byte-order mark, as text (without the mark), or null
 * when it is not valid UTF-16: an odd length, or a surrogate without its pair.
 */
export function decodeUtf16(buf: Uint8Array): { text: string; encoding: Utf16 } | null {
  const encoding = utf16Bom(buf)
  const text = encoding && utf16Text(buf.subarray(2), encoding === 'utf-16be', true)
  return encoding && text !== null ? { text, encoding } : null
}

/** Text as the bytes of `encoding`, with its byte-order mark: decodeUtf16's exact inverse. */
export function encodeUtf16(text: string, encoding: Utf16): Buffer {
  const body = Buffer.from(text, 'utf16le')
  if (encoding === 'utf-16be') body.swap16()
  return Buffer.concat([Buffer.from(encoding === 'utf-16le' ? [0xff, 0xfe] : [0xfe, 0xff]), body])
}

/** Text for display: valid sequences as they are, control characters and bad bytes as \xNN. */
export function escapeBytes(buf: Uint8Array): string {
  let out = ''
  for (let i = 0; i < buf.length;) {
    const n = sequenceLength(buf, i)
    if (n === 0) {
      out += hex2(buf[i] ?? 0)
      i += 1
      continue
    }
    const b = buf[i] ?? 0
    if (n === 1 && (b < 0x20 || b === 0x7f)) out += hex2(b)
    else out += Buffer.from(buf.subarray(i, i + n)).toString('utf8')
    i += n
  }
  return out
}

export interface DisplayPath {
  /** For people: escaped where the bytes are not plain UTF-8 text. */
  path: string
  /** The exact bytes (hex), present only when `path` is not already exact. */
  pathHex?: string
}

export function displayPath(raw: Buffer): DisplayPath {
  const path = escapeBytes(raw)
  return path === raw.toString('utf8') && isUtf8(raw)
    ? { path }
    : { path, pathHex: raw.toString('hex') }
}
