// One column's data profile (electron/core/sqlite/profile-types.ts ColumnProfile) as short
// chips ("14 distinct", "JSON 1,880 valid", "▲ 1 invalid JSON") and the distinct-value list.
// Fields this code does not know fall through to label/value facts.
import { isPlainObject } from './labels'
import { formatBytes, formatNumber } from './numbers'
import { clip, profileFacts, type Fact } from './profile'

export interface ProfileChip {
  key: string
  text: string
  /** 'warn' chips carry a ▲ and the warning colour: a value Phase 3 must decide about. */
  warn: boolean
}

export interface ValueRow {
  text: string
  isNull: boolean
  type: string | null
  countText: string
}

export interface ColumnProfileView {
  affinity: string | null
  chips: ProfileChip[]
  values: ValueRow[] | null
  /** "+12 rows hold other values", "more than 20 distinct values". */
  valuesNote: string | null
  facts: Fact[]
}

const KNOWN = [
  'affinity',
  'maxTextBytes',
  'maxBlobBytes',
  'intMin',
  'intMax',
  'nulBytes',
  'invalidUtf8',
  'json',
  'timestamps',
  'boolean',
  'values',
  'otherValueRows',
  'highCardinality',
]

const n = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)
/** Integers past 2^53 arrive as strings: show their digits, grouped only when safe. */
const bigText = (v: unknown): string | null =>
  typeof v === 'number' ? formatNumber(v) : typeof v === 'string' ? v : null
const obj = (v: unknown): Record<string, unknown> | null => (isPlainObject(v) ? v : null)

function chipsOf(p: Record<string, unknown>): ProfileChip[] {
  const chips: ProfileChip[] = []
  const add = (key: string, text: string, warn = false) => chips.push({ key, text, warn })
  const values = Array.isArray(p.values) ? p.values : null
  const other = n(p.otherValueRows) ?? 0
  if (values) add('values', `${formatNumber(values.length)}${other > 0 ? '+' : ''} distinct`)
  else if (p.highCardinality === true) add('values', 'more than 20 distinct')
  const lo = bigText(p.intMin)
  const hi = bigText(p.intMax)
  if (lo !== null && hi !== null)
    add('range', lo === hi ? `integer ${lo}` : `integers ${lo} … ${hi}`)
  const text = n(p.maxTextBytes)
  if (text !== null) add('maxText', `longest text ${formatBytes(text)}`)
  const blob = n(p.maxBlobBytes)
  if (blob !== null) add('maxBlob', `largest blob ${formatBytes(blob)}`)
  const json = obj(p.json)
  if (json) {
    add('json', `JSON ${formatNumber(n(json.valid) ?? 0)} valid`)
    const bad = n(json.invalid) ?? 0
    if (bad > 0) add('jsonInvalid', `${formatNumber(bad)} invalid JSON`, true)
    const nul = n(json.nulEscapes) ?? 0
    if (nul > 0) add('jsonNul', `${formatNumber(nul)} with \\u0000 escapes`, true)
  }
  const ts = obj(p.timestamps)
  if (ts) {
    add('ts', `timestamps ${formatNumber(n(ts.iso) ?? 0)} ISO`)
    const notIso = n(ts.notIso) ?? 0
    if (notIso > 0) add('tsBad', `${formatNumber(notIso)} not ISO`, true)
    const zone = n(ts.withZone) ?? 0
    if (zone > 0) add('tsZone', `${formatNumber(zone)} with time zone`)
  }
  const bool = obj(p.boolean)
  if (bool) {
    add(
      'bool',
      `boolean ${formatNumber(n(bool.zeros) ?? 0)} × 0 · ${formatNumber(n(bool.ones) ?? 0)} × 1`,
    )
    const odd = n(bool.other) ?? 0
    if (odd > 0) add('boolOther', `${formatNumber(odd)} neither 0 nor 1`, true)
  }
  const nul = n(p.nulBytes) ?? 0
  if (nul > 0) add('nulBytes', `${formatNumber(nul)} with NUL bytes`, true)
  const utf8 = n(p.invalidUtf8) ?? 0
  if (utf8 > 0) add('invalidUtf8', `${formatNumber(utf8)} invalid UTF-8`, true)
  return chips
}

function valueRows(values: unknown[]): ValueRow[] {
  // The storage class beside each value only says something when the classes differ.
  const types = new Set(values.map((v) => (isPlainObject(v) && v.value !== null ? v.type : null)))
  types.delete(null)
  const mixed = types.size > 1
  return values.map((v) => {
    if (!isPlainObject(v))
      return { text: clip(String(v), 80), isNull: v === null, type: null, countText: '' }
    const value = v.value
    return {
      text: value === null || value === undefined ? 'NULL' : clip(String(value), 80),
      isNull: value === null || value === undefined,
      type: mixed && typeof v.type === 'string' ? v.type : null,
      countText: n(v.count) === null ? '' : formatCount(n(v.count) ?? 0),
    }
  })
}

function formatCount(c: number): string {
  return `${formatNumber(c)} ${c === 1 ? 'row' : 'rows'}`
}

/** Null when the column carries no profile at all. `skip`: keys shown elsewhere (storage, nulls). */
export function columnProfileView(
  profile: Record<string, unknown>,
  skip: ReadonlySet<string>,
): ColumnProfileView | null {
  const keys = Object.keys(profile).filter((k) => !skip.has(k))
  if (keys.length === 0) return null
  const values = Array.isArray(profile.values) ? valueRows(profile.values) : null
  const other = n(profile.otherValueRows) ?? 0
  return {
    affinity: typeof profile.affinity === 'string' ? profile.affinity : null,
    chips: chipsOf(profile),
    values,
    valuesNote: values && other > 0 ? `+ ${formatCount(other)} with other values` : null,
    facts: profileFacts(profile, new Set([...skip, ...KNOWN])),
  }
}
