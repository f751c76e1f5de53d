// A SQLite database keeps its TEXT in one encoding, UTF-8 or UTF-16 (PRAGMA encoding), and
// CAST(x AS BLOB) hands over a text value's bytes in that encoding. better-sqlite3 decodes TEXT
// for JavaScript, turning bytes that are not valid in it into U+FFFD; whoever looks at the bytes
// to tell a real U+FFFD from a decoding accident must read them in the database's encoding — in
// a UTF-16 database every ASCII character has a zero byte and almost no value is valid UTF-8.
import { isUtf8 } from 'node:buffer'
import type Database from 'better-sqlite3'

export type TextEncoding = 'UTF-8' | 'UTF-16le' | 'UTF-16be'

const encodings = new WeakMap<Database.Database, TextEncoding>()

/** The database's text encoding (read once per connection). */
export function textEncoding(db: Database.Database): TextEncoding {
  let e = encodings.get(db)
  if (!e) {
    const v = String(db.pragma('encoding', { simple: true }))
    e = v === 'UTF-16le' || v === 'UTF-16be' ? v : 'UTF-8'
    encodings.set(db, e)
  }
  return e
}

const unit = (b: Uint8Array, i: number, le: boolean): number =>
  le ? b[i]! | (b[i + 1]! << 8) : (b[i]! << 8) | b[i + 1]!

/** Whether a TEXT value's bytes are valid in `encoding` (UTF-16: even length, surrogates paired). */
export function validTextBytes(b: Uint8Array, encoding: TextEncoding): boolean {
  if (encoding === 'UTF-8') return isUtf8(b)
  if (b.length % 2 !== 0) return false
  const le = encoding === 'UTF-16le'
  for (let i = 0; i < b.length; i += 2) {
    const u = unit(b, i, le)
    if (u >= 0xdc00 && u <= 0xdfff) return false
    if (u >= 0xd800 && u <= 0xdbff) {
      if (i + 3 >= b.length) return false
      const next = unit(b, i + 2, le)
      if (next < 0xdc00 || next > 0xdfff) return false
      i += 2
    }
  }
  return true
}

/** A TEXT value's bytes decoded with U+FFFD for what is not valid in `encoding`. */
export function decodeTextBytes(b: Uint8Array, encoding: TextEncoding): string {
  if (encoding === 'UTF-8') return new TextDecoder('utf-8', { fatal: false }).decode(b)
  // An odd trailing byte is half a code unit: U+FFFD, as for any other invalid sequence.
  const even = b.length - (b.length % 2)
  const body = Buffer.from(b.subarray(0, even))
  if (encoding === 'UTF-16be') body.swap16()
  const text = new TextDecoder('utf-16le', { fatal: false, ignoreBOM: true }).decode(body)
  return even < b.length ? `${text}\uFFFD` : text
}

/** What a reject says of a TEXT value whose bytes are not valid in the database's encoding. */
export const invalidTextReason = (encoding: TextEncoding): string =>
  encoding === 'UTF-8'
    ? 'invalid UTF-8 in text (PostgreSQL error 22021)'
    : `invalid ${encoding} in text (a lone surrogate; SQLite hands it over as U+FFFD)`
