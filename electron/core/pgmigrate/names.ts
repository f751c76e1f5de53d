// PostgreSQL identifiers for SQLite names. Names are preserved exactly (quoted, case and spaces
// kept); PostgreSQL truncates names over 63 bytes with only a NOTICE, so two long names could
// collide (42P07) — we shorten them ourselves, deterministically, and report every change.
import { createHash } from 'node:crypto'
import pg from 'pg'

export const PG_NAME_MAX_BYTES = 63
const HASH_CHARS = 8
/** PostgreSQL refuses these as column names (42701); `oid` stopped being one in PostgreSQL 12. */
export const PG_SYSTEM_COLUMNS: readonly string[] = [
  'tableoid',
  'xmin',
  'cmin',
  'xmax',
  'cmax',
  'ctid',
]
/** What an empty SQLite name ("", which SQLite allows) becomes: PostgreSQL refuses it (42601). */
export const EMPTY_NAME = 'unnamed'

/** A name that fits 63 bytes: unchanged, or a UTF-8-safe prefix + '_' + 8 hex of its SHA-256. */
export function pgName(name: string): string {
  if (Buffer.byteLength(name, 'utf8') <= PG_NAME_MAX_BYTES) return name
  const hash = createHash('sha256').update(name, 'utf8').digest('hex').slice(0, HASH_CHARS)
  return `${utf8Prefix(name, PG_NAME_MAX_BYTES - HASH_CHARS - 1)}_${hash}`
}

/** The longest prefix of `s` whose UTF-8 form has at most `maxBytes` bytes (never splits a character). */
export function utf8Prefix(s: string, maxBytes: number): string {
  let bytes = 0
  let out = ''
  for (const ch of s) {
    const n = Buffer.byteLength(ch, 'utf8')
    if (bytes + n > maxBytes) break
    bytes += n
    out += ch
  }
  return out
}

export const q = (name: string): string => pg.escapeIdentifier(name)

/** Schema-qualified, quoted relation name (RELIABILITY rule 7: every statement schema-qualified). */
export const qq = (schema: string, name: string): string => `${q(schema)}.${q(name)}`

/**
 * Hands out names for indexes and constraints that are unique within one schema (tables,
 * indexes, sequences and key constraints share PostgreSQL's relation namespace).
 */
export class NameAllocator {
  private readonly used = new Set<string>()

  /** For one table's columns: PostgreSQL's system column names are taken from the start. */
  static forColumns(): NameAllocator {
    const a = new NameAllocator()
    for (const n of PG_SYSTEM_COLUMNS) a.reserve(n)
    return a
  }

  reserve(name: string): void {
    this.used.add(name)
  }

  has(name: string): boolean {
    return this.used.has(name)
  }

  /**
   * `wanted` (shortened when over 63 bytes), or with _2, _3 … appended when it is taken; an empty
   * name becomes "unnamed".
   */
  allocate(wanted: string): string {
    if (wanted === '') wanted = EMPTY_NAME
    let candidate = pgName(wanted)
    for (let i = 2; this.used.has(candidate); i++) candidate = pgName(`${wanted}_${i}`)
    this.used.add(candidate)
    return candidate
  }
}

export type IdentifierPolicy = 'preserve' | 'lower'

/** The spelling a source name gets under the policy, before shortening. */
export const applyPolicy = (name: string, policy: IdentifierPolicy): string =>
  policy === 'lower' ? name.toLowerCase() : name

/** Why `target` differs from `source`, in words, for the report. */
export function nameReason(
  source: string,
  target: string,
  policy: IdentifierPolicy,
  kind: 'column' | 'other' = 'other',
): string {
  const why: string[] = []
  const spelled = applyPolicy(source, policy)
  if (spelled !== source) why.push('lower-cased (--identifiers lower)')
  if (spelled === '')
    why.push(`PostgreSQL does not allow an empty name, so it is called "${EMPTY_NAME}"`)
  if (Buffer.byteLength(spelled, 'utf8') > PG_NAME_MAX_BYTES) why.push('longer than 63 bytes')
  if (kind === 'column' && PG_SYSTEM_COLUMNS.includes(spelled))
    why.push(`"${spelled}" is a PostgreSQL system column name, so a suffix was added`)
  else if (target !== pgName(spelled || EMPTY_NAME))
    why.push('the name was taken, so a suffix was added')
  return why.join('; ')
}
