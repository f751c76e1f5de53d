// A SQLite database keeps its TEXT in one encoding, UTF-8 or UTF-16 (PRAGMA encoding), and
// CAST(x AS BLOB) hands over a text value's bytes in that encoding. better-sqlite3 decodes TEXT
// for JavaScript, turning bytes that are not valid in it into U+FFFD; whoever looks at the bytes
// to tell a real U+FFFD from a decoding accident must read them in the database's encoding — in
// a UTF-16 database every ASCII character has a zero byte and almost no value is valid UTF-8.
import { isUtf8 } from 'node:buffer'
import type Database from 'better-sqlite3'
import { utf16Text } from '../inventory/names'

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

/** Whether a TEXT value's bytes are valid in `encoding` (UTF-16: even length, surrogates paired). */
export function validTextBytes(b: Uint8Array, encoding: TextEncoding): boolean {
  if (encoding === 'UTF-8') return isUtf8(b)
  return utf16Text(b, encoding === 'UTF-16be', true) !== null
}

/** A TEXT value's bytes decoded with U+FFFD for what is not valid in `encoding`. */
export function decodeTextBytes(b: Uint8Array, encoding: TextEncoding): string {
  if (encoding === 'UTF-8') return new TextDecoder('utf-8', { fatal: false }).decode(b)
  return utf16Text(b, encoding === 'UTF-16be', false)!
}

/** What a reject says of a TEXT value whose bytes are not valid in the database's encoding. */
export const invalidTextReason = (encoding: TextEncoding): string =>
  encoding === 'UTF-8'
    ? 'invalid UTF-8 in text (PostgreSQL error 22021)'
    : `invalid ${encoding} in text (a lone surrogate; SQLite hands it over as U+FFFD)`
