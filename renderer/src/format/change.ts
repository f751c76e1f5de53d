// Before/after pairs in evidence ("medianMsBefore" + "medianMsAfter", "p95Before" + "p95After",
// "dbBytesBefore" + "dbBytesAfter") shown as one value: "12 ms → 0.31 ms (×38.7 faster)".
import { formatBytes, formatDuration, formatNumber } from './numbers'

export interface PairKeys {
  /** What the pair measures, e.g. "medianMs", "p95", "dbBytes". */
  base: string
  before: string
  after: string
}

/**
 * The before/after pairs among an object's keys, in the order their first key appears. Both
 * "<base>Before"/"<base>After" and "before<Base>"/"after<Base>" are recognised.
 */
export function findPairs(keys: readonly string[]): PairKeys[] {
  const have = new Set(keys)
  const pairs: PairKeys[] = []
  for (const key of keys) {
    let m = /^(.+?)Before$/.exec(key)
    if (m?.[1] && have.has(`${m[1]}After`)) {
      pairs.push({ base: m[1], before: key, after: `${m[1]}After` })
      continue
    }
    m = /^before([A-Z].*)$/.exec(key)
    if (m?.[1] && have.has(`after${m[1]}`)) {
      pairs.push({
        base: m[1].charAt(0).toLowerCase() + m[1].slice(1),
        before: key,
        after: `after${m[1]}`,
      })
    }
  }
  return pairs
}

/** Timings: *Ms / *Millis, and percentile or average names that carry no unit of their own. */
export function isTimingKey(base: string): boolean {
  return (
    /(Ms|Millis)$|^ms$/.test(base) || /^(p\d{2,3}|median|mean|avg|average|min|max)$/i.test(base)
  )
}

function isBytesKey(base: string): boolean {
  return /bytes$|^size$|Size$/i.test(base)
}

function ratioText(r: number): string {
  return r >= 10 ? formatNumber(Math.round(r)) : formatNumber(Math.round(r * 10) / 10)
}

/** "×38.7 faster", "×1.3 slower", "no change"; null when a side is zero or missing. */
export function speedUp(beforeMs: number, afterMs: number): string | null {
  if (!(beforeMs > 0) || !(afterMs > 0)) return null
  const r = beforeMs / afterMs
  if (Math.abs(r - 1) < 0.05) return 'no change'
  return r > 1 ? `×${ratioText(r)} faster` : `×${ratioText(1 / r)} slower`
}

/** "−29 %", "+4 %", "no change"; null when the old value is zero. */
export function percentChange(before: number, after: number): string | null {
  if (before === 0) return after === 0 ? 'no change' : null
  const p = ((after - before) / before) * 100
  if (Math.abs(p) < 0.5) return 'no change'
  const rounded = Math.abs(p) < 10 ? Math.round(p * 10) / 10 : Math.round(p)
  return `${rounded > 0 ? '+' : '−'}${formatNumber(Math.abs(rounded))} %`
}

/** Query timings keep their decimals: 2.4 ms against 3.6 ms is the whole point of the pair. */
function formatTiming(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0 || ms >= 1000) return formatDuration(ms)
  // Sub-millisecond timings keep two significant digits: 0.026 ms, not 0.03 ms.
  if (ms > 0 && ms < 1) return `${Number(ms.toPrecision(2))} ms`
  const digits = ms < 10 ? 100 : ms < 100 ? 10 : 1
  return `${formatNumber(Math.round(ms * digits) / digits)} ms`
}

/** One value of a pair, in the unit its base name implies. */
export function formatMeasure(base: string, value: number): string {
  if (isTimingKey(base)) return formatTiming(value)
  if (isBytesKey(base)) return formatBytes(value)
  return formatNumber(value)
}

/** "12 ms → 0.31 ms (×38.7 faster)", "591 MB → 420 MB (−29 %)", "—" sides for missing values. */
export function formatChange(base: string, before: unknown, after: unknown): string {
  const b = typeof before === 'number' && Number.isFinite(before) ? before : null
  const a = typeof after === 'number' && Number.isFinite(after) ? after : null
  const text = `${b === null ? '—' : formatMeasure(base, b)} → ${a === null ? '—' : formatMeasure(base, a)}`
  if (b === null || a === null) return text
  const note = isTimingKey(base) ? speedUp(b, a) : percentChange(b, a)
  return note ? `${text} (${note})` : text
}

/** True when both sides are numbers or missing (a pair of strings, like two query plans, is not). */
export function isNumericPair(before: unknown, after: unknown): boolean {
  const ok = (v: unknown) => v === null || v === undefined || typeof v === 'number'
  return ok(before) && ok(after) && (typeof before === 'number' || typeof after === 'number')
}
