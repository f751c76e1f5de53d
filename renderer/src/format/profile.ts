// A column's data profile (what pre.document-schema measured: storage classes, nulls, distinct
// values, JSON and timestamp checks…) and the findings it raised, read defensively: the known
// shapes get their own display, anything else still shows as label/value pairs.
import { humanizeKey, isPlainObject, labelFor, formatScalar } from './labels'
import { formatNumber } from './numbers'

export const STORAGE_CLASSES = ['integer', 'real', 'text', 'blob', 'null'] as const
export type StorageClass = (typeof STORAGE_CLASSES)[number]

export interface StoragePart {
  cls: StorageClass
  count: number
  /** 0..1 of all values counted. */
  fraction: number
}

export interface StorageMix {
  parts: StoragePart[]
  total: number
  /** "text 98 % · null 2 %" */
  text: string
}

export interface Fact {
  key: string
  label: string
  text: string
}

const isClass = (k: string): k is StorageClass => (STORAGE_CLASSES as readonly string[]).includes(k)
const num = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v)
    ? v
    : typeof v === 'string' && /^\d+$/.test(v)
      ? Number(v)
      : null

/** "98 %", "<1 %" for a small non-zero share, "100 %". */
export function formatShare(fraction: number): string {
  if (fraction > 0 && fraction < 0.005) return '<1 %'
  if (fraction < 1 && fraction > 0.995) return '>99 %'
  return `${Math.round(fraction * 100)} %`
}

export function storageMix(counts: Partial<Record<StorageClass, number>>): StorageMix | null {
  const total = STORAGE_CLASSES.reduce((n, c) => n + (counts[c] ?? 0), 0)
  if (total <= 0) return null
  const parts = STORAGE_CLASSES.filter((c) => (counts[c] ?? 0) > 0)
    .map((cls) => ({ cls, count: counts[cls] ?? 0, fraction: (counts[cls] ?? 0) / total }))
    .sort((a, b) => b.count - a.count)
  return { parts, total, text: parts.map((p) => `${p.cls} ${formatShare(p.fraction)}`).join(' · ') }
}

/** {integer: 5, null: 2} or [{type: 'integer', count: 5}] → counts; null for any other shape. */
function classCounts(v: unknown): Partial<Record<StorageClass, number>> | null {
  const out: Partial<Record<StorageClass, number>> = {}
  if (isPlainObject(v)) {
    const keys = Object.keys(v)
    if (keys.length === 0 || !keys.every((k) => isClass(k.toLowerCase()) && num(v[k]) !== null))
      return null
    for (const k of keys) out[k.toLowerCase() as StorageClass] = num(v[k]) ?? 0
    return out
  }
  if (Array.isArray(v) && v.length > 0 && v.every(isPlainObject)) {
    for (const item of v) {
      const name = [item.type, item.storageClass, item.class, item.typeof, item.name].find(
        (x): x is string => typeof x === 'string',
      )
      const count = num(item.count ?? item.n ?? item.rows)
      if (!name || !isClass(name.toLowerCase()) || count === null) return null
      out[name.toLowerCase() as StorageClass] = count
    }
    return out
  }
  return null
}

/** The typeof distribution in a profile, under whatever key it came, and the keys it used. */
export function findStorageMix(
  profile: Record<string, unknown>,
): { keys: string[]; mix: StorageMix } | null {
  for (const [key, value] of Object.entries(profile)) {
    const counts = classCounts(value)
    const mix = counts && storageMix(counts)
    if (mix) return { keys: [key], mix }
  }
  // A flat profile: { integer: 5, text: 3, null: 2, … } beside other fields.
  const flat = Object.keys(profile).filter((k) => isClass(k) && num(profile[k]) !== null)
  if (flat.length >= 2) {
    const mix = storageMix(Object.fromEntries(flat.map((k) => [k, num(profile[k]) ?? 0])))
    if (mix) return { keys: flat, mix }
  }
  return null
}

const NULL_KEYS = ['nullCount', 'nulls', 'null_count', 'nullRows']

/** How many values are NULL: a null-count field, else the storage mix's null share. */
export function nullCount(
  profile: Record<string, unknown>,
  mix: StorageMix | null,
): { key: string | null; count: number } | null {
  for (const key of NULL_KEYS) {
    const n = num(profile[key])
    if (n !== null) return { key, count: n }
  }
  if (!mix) return null
  return { key: null, count: mix.parts.find((p) => p.cls === 'null')?.count ?? 0 }
}

/** Workspace text can be anything: cut it to a readable length, never interpret it. */
export function clip(text: string, max = 120): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

function itemText(v: unknown): string {
  if (isPlainObject(v)) {
    const value = v.value ?? v.name ?? v.key
    const count = num(v.count ?? v.n ?? v.rows)
    if (value !== undefined && count !== null)
      return `${clip(value === null ? 'NULL' : String(value), 60)} (${formatNumber(count)})`
    return clip(JSON.stringify(v), 80)
  }
  return v === null ? 'NULL' : clip(String(v), 60)
}

/** Any profile value as one line: numbers with units, lists shortened, counts as "a 3 · b 4". */
export function formatProfileValue(key: string, value: unknown, maxItems = 8): string {
  if (Array.isArray(value)) {
    const head = value.slice(0, maxItems).map(itemText).join(' · ')
    const more = value.length - maxItems
    return value.length === 0 ? 'none' : more > 0 ? `${head} · +${formatNumber(more)} more` : head
  }
  if (isPlainObject(value)) {
    const entries = Object.entries(value)
    if (entries.length === 0) return 'none'
    return clip(
      entries
        .map(([k, v]) => `${humanizeKey(k).toLowerCase()} ${formatProfileValue(k, v, 4)}`)
        .join(' · '),
      240,
    )
  }
  return typeof value === 'string' ? clip(formatScalar(key, value), 240) : formatScalar(key, value)
}

/** The profile's remaining fields as label/value pairs (skipping the ones shown elsewhere). */
export function profileFacts(profile: Record<string, unknown>, skip: ReadonlySet<string>): Fact[] {
  return Object.entries(profile)
    .filter(([k, v]) => !skip.has(k) && v !== null && v !== undefined)
    .map(([k, v]) => ({ key: k, label: labelFor(k), text: formatProfileValue(k, v) }))
}
