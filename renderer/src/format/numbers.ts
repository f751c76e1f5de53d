// Number, size, rate and duration formatting shared by every screen (UI.md "Numbers"):
// thousands separators, units always, durations under a second in ms.

const LOCALE = 'en-US'
const integer = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 })
const oneDecimal = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 1 })
const twoDecimals = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 2 })

/** 1422050 → "1,422,050"; fractions keep up to two decimals ("0.22"). */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n)
  if (Number.isInteger(n)) return integer.format(n)
  return Math.abs(n) < 10 ? twoDecimals.format(n) : oneDecimal.format(n)
}

/** formatCount(1, 'row') → "1 row"; formatCount(2000, 'row') → "2,000 rows". */
export function formatCount(n: number, singular: string, plural = `${singular}s`): string {
  return `${formatNumber(n)} ${n === 1 ? singular : plural}`
}

/** 163_000 → "163k"; 1_250_000 → "1.3M"; below ten thousand, the full number. */
export function formatCompact(n: number): string {
  const abs = Math.abs(n)
  // Two decimals only where they carry weight (0.25 rows/s); 3,026 rows/s, not 3,026.3.
  if (abs < 100) return formatNumber(Math.round(n * 100) / 100)
  if (abs < 10_000) return formatNumber(Math.round(n))
  if (abs < 1_000_000) return `${formatShort(n / 1000)}k`
  if (abs < 1_000_000_000) return `${formatShort(n / 1_000_000)}M`
  return `${formatShort(n / 1_000_000_000)}G`
}

function formatShort(n: number): string {
  return Math.abs(n) < 100 ? oneDecimal.format(n) : integer.format(n)
}

const SIZE_UNITS = ['KB', 'MB', 'GB', 'TB'] as const

/** Bytes in binary steps, labelled the way file managers do: "512 B", "64 KB", "1.2 MB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—'
  if (bytes < 1024) return `${integer.format(bytes)} B`
  let value = bytes
  let unit: string = 'B'
  for (const u of SIZE_UNITS) {
    value /= 1024
    unit = u
    if (value < 1024) break
  }
  return `${value < 100 ? oneDecimal.format(value) : integer.format(value)} ${unit}`
}

/** A duration in milliseconds: "0.22 ms", "340 ms", "4.2 s", "2 min 5 s", "1 h 3 min". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—'
  if (ms < 1) return `${twoDecimals.format(ms)} ms`
  if (ms < 1000) return `${integer.format(ms)} ms`
  const s = ms / 1000
  if (s < 60) return `${s < 10 ? oneDecimal.format(s) : integer.format(s)} s`
  return formatSeconds(Math.round(s))
}

/** Whole seconds for ETAs: "12 s", "2 min 5 s", "1 h 3 min". */
export function formatSeconds(total: number): string {
  const s = Math.max(0, Math.round(total))
  if (s < 60) return `${s} s`
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const rest = s % 60
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`
  return rest > 0 ? `${m} min ${rest} s` : `${m} min`
}

/** Parses what a person types as a count: "10,000", "10 000", "10_000" → 10000; else null. */
export function parseCount(text: string): number | null {
  const cleaned = text.trim().replace(/[,_\s]/g, '')
  if (!/^\d+$/.test(cleaned)) return null
  const n = Number(cleaned)
  return Number.isSafeInteger(n) ? n : null
}
