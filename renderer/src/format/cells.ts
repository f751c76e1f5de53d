// How a grid cell reads: NULL is a marked word (never confused with an empty string), blobs are
// size + hex, long text ends with an ellipsis and its length, timestamps show local time.
import type { Cell } from '../../../shared/contract/inspect'
import { formatBytes } from './numbers'

export type CellKind =
  'null' | 'empty' | 'text' | 'number' | 'bool' | 'json' | 'long' | 'blob' | 'time'

export interface CellView {
  kind: CellKind
  text: string
  /** Shown on hover: the raw value of a timestamp, the full length of long text. */
  title?: string
}

// ISO-8601 and PostgreSQL's text form: 2024-01-01T10:00:00Z, 2024-01-01 10:00:00.123+00.
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?$/

/** A timestamp's local time, or null when the text is not one. Values without a zone are UTC. */
export function localTime(raw: string): string | null {
  const m = TIMESTAMP.exec(raw)
  if (!m) return null
  // Fractions finer than a millisecond do not fit a JavaScript Date: the raw text is shown
  // instead of a local time that would drop them (two distinct values would look the same).
  const digits = m[2] ? m[2].length - 1 : 0
  if (digits > 3) return null
  let iso = raw.replace(' ', 'T')
  if (/[+-]\d{2}$/.test(iso)) iso += ':00'
  else if (!/(Z|[+-]\d{2}:?\d{2})$/.test(iso)) iso += 'Z'
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return null
  return d.toLocaleString(undefined, {
    year: 'numeric',
    month: 'short',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    // As many fraction digits as the value has (10:00:00.5 and 10:00:00 are different values).
    ...(digits ? { fractionalSecondDigits: digits as 1 | 2 | 3 } : {}),
  })
}

export function cellView(c: Cell): CellView {
  if (c === null) return { kind: 'null', text: 'NULL' }
  if (typeof c === 'boolean') return { kind: 'bool', text: c ? 'true' : 'false' }
  if (typeof c === 'number') return { kind: 'number', text: String(c) }
  if (typeof c === 'string') {
    if (c === '') return { kind: 'empty', text: '(empty)', title: 'empty text, not NULL' }
    const local = localTime(c)
    if (local) return { kind: 'time', text: local, title: c }
    return { kind: 'text', text: c.length > 200 ? c.slice(0, 200) : c }
  }
  switch (c.t) {
    case 'num':
      return { kind: 'number', text: c.v }
    case 'json':
      return { kind: 'json', text: c.v.length > 200 ? c.v.slice(0, 200) : c.v }
    case 'long':
      return {
        kind: c.json ? 'json' : 'long',
        text: `${c.v.slice(0, 200)}…`,
        title: `${c.chars.toLocaleString('en-US')} characters — Enter opens the whole value`,
      }
    case 'blob':
      return {
        kind: 'blob',
        text: `${formatBytes(c.size)} · ${c.hex}${c.size > c.hex.length / 2 ? '…' : ''}`,
        title: `BLOB, ${c.size.toLocaleString('en-US')} bytes`,
      }
  }
}

/** Hex as rows of 16 bytes with offsets, for the cell viewer. */
export function hexDump(hex: string, maxBytes = 4096): string {
  const lines: string[] = []
  const bytes = Math.min(hex.length / 2, maxBytes)
  for (let off = 0; off < bytes; off += 16) {
    const chunk = hex.slice(off * 2, Math.min(off + 16, bytes) * 2)
    lines.push(`${off.toString(16).padStart(8, '0')}  ${chunk.replace(/(..)/g, '$1 ').trim()}`)
  }
  return lines.join('\n')
}

/** A column header's type line: the declared type, and the PostgreSQL type when it differs. */
export function typeLabel(declared: string, pgType: string | null): string {
  if (!pgType) return declared || 'no type'
  if (!declared || declared === pgType) return pgType
  return `${declared} → ${pgType}`
}
