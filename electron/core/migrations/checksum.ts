// The identity of a migration is the SHA-256 of its text with line endings normalised (and a
// leading byte-order mark dropped), so a checkout with CRLF or an editor that adds a BOM does not
// look like an edit, while any change to a statement or comment does.
import { createHash } from 'node:crypto'

export function normaliseSql(text: string): string {
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n')
}

export function migrationChecksum(text: string): string {
  return createHash('sha256').update(normaliseSql(text), 'utf8').digest('hex')
}
