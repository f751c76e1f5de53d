// Canonical text of scalar values, written exactly as PostgreSQL prints them back, so the text we
// COPY in is also the text validation computes on the target (see canonical.ts):
//   double precision  float8out with extra_float_digits=1 (shortest round-trip digits, exponent
//                     form when the decimal exponent is < -4 or >= 15, e.g. 1e+15, 1.5e-07)
//   numeric           plain decimal, no exponent, trailing fraction zeros trimmed (trim_scale);
//                     integral doubles exactly, fractions as their shortest round-trip decimal
//   timestamptz       YYYY-MM-DDTHH:MI:SS.ffffffZ in UTC; text without an offset is read as UTC

/** PostgreSQL's float8 output for a JS number (bit-exact: the shortest digits that round-trip). */
export function float8Text(n: number): string {
  if (Number.isNaN(n)) return 'NaN'
  if (n === Infinity) return 'Infinity'
  if (n === -Infinity) return '-Infinity'
  if (n === 0) return Object.is(n, -0) ? '-0' : '0'
  const [mant = '', expText = '0'] = n.toExponential().split('e')
  const exp = Number(expText)
  if (exp < -4 || exp >= 15)
    return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`
  // JS prints fixed notation for exponents -7 … 20, which covers this range with the same digits.
  return String(n)
}

/** A finite number or an integer as a plain decimal with no exponent and no trailing zeros. */
export function numericText(v: number | bigint): string | null {
  if (typeof v === 'bigint') return v.toString()
  if (!Number.isFinite(v)) return null
  if (v === 0) return '0'
  // An integral double is an exact integer (2^63 stored as REAL is 9223372036854775808, not the
  // shortest '9223372036854776000'); a fraction is written as the shortest decimal that reads back
  // to the same double (0.99, not 0.98999999999999999112…), the number the application stored.
  if (Number.isInteger(v)) return BigInt(v).toString()
  const s = String(v)
  if (!/e/i.test(s)) return s
  const [mant = '', expText = '0'] = v.toExponential().split('e')
  const neg = mant.startsWith('-')
  const digits = mant.replace('-', '').replace('.', '')
  const point = 1 + Number(expText)
  let out: string
  if (point <= 0) out = `0.${'0'.repeat(-point)}${digits}`
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length)
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`
  return (neg ? '-' : '') + out
}

/** Digits before and after the point of a plain decimal (for numeric(p,s) bounds). */
export function decimalShape(text: string): { intDigits: number; fracDigits: number } {
  const [int = '', frac = ''] = text.replace('-', '').split('.')
  const intDigits = int.replace(/^0+/, '').length
  return { intDigits, fracDigits: frac.length }
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(?: ?(Z|[+-]\d{2}(?::?\d{2})?))?)?$/

/** A real calendar date alone, YYYY-MM-DD as SQLite's date() writes it (PostgreSQL date, unchanged). */
export const isIsoDate = (s: string): boolean => ISO_DATE.test(s) && isoTimestampText(s) !== null
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/

/** ISO-8601 text written without Z or an offset (a date alone too): its zone is assumed. */
export const isoWithoutOffset = (s: string): boolean => {
  const m = ISO.exec(s)
  return m !== null && m[8] === undefined
}

/**
 * ISO-8601 text → canonical UTC text with microseconds, or null when PostgreSQL would reject it
 * or change it (more than 6 fractional digits would be rounded, 24:00 and :60 roll over).
 */
export function isoTimestampText(s: string): string | null {
  const fast = fastUtcText(s)
  if (fast !== undefined) return fast
  const m = ISO.exec(s)
  if (!m) return null
  const [, ys, mos, ds, hs = '0', mis = '0', ss = '0', frac = '', zone] = m
  const y = Number(ys)
  const mo = Number(mos)
  const d = Number(ds)
  const h = Number(hs)
  const mi = Number(mis)
  const sec = Number(ss)
  if (!validFields(y, mo, d, h, mi, sec)) return null
  let offsetMin = 0
  if (zone && zone !== 'Z') {
    const oh = Number(zone.slice(1, 3))
    const om = Number(zone.slice(zone.length - 2)) * (zone.length > 3 ? 1 : 0)
    if (oh > 14 || om > 59) return null
    offsetMin = (zone.startsWith('-') ? -1 : 1) * (oh * 60 + om)
  }
  const date = new Date(0)
  date.setUTCFullYear(y, mo - 1, d)
  date.setUTCHours(h, mi - offsetMin, sec, 0)
  const yy = date.getUTCFullYear()
  if (yy < 1 || yy > 9999) return null
  const p2 = (n: number): string => String(n).padStart(2, '0')
  return (
    `${String(yy).padStart(4, '0')}-${p2(date.getUTCMonth() + 1)}-${p2(date.getUTCDate())}` +
    `T${p2(date.getUTCHours())}:${p2(date.getUTCMinutes())}:${p2(date.getUTCSeconds())}.${frac.padEnd(6, '0')}Z`
  )
}

/** A real calendar date and time of day (no leap second, as before). */
function validFields(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  sec: number,
): boolean {
  return (
    y >= 1 &&
    mo >= 1 &&
    mo <= 12 &&
    d >= 1 &&
    d <= daysInMonth(y, mo) &&
    h <= 23 &&
    mi <= 59 &&
    sec <= 59
  )
}

/**
 * The common 'YYYY-MM-DD[T ]HH:MM:SS[.f{1,6}]Z' read by char codes: no regex match nor date
 * arithmetic, only range checks. undefined when the text has another shape (the general path).
 */
function fastUtcText(s: string): string | null | undefined {
  const n = s.length
  if (n < 20 || n > 27 || s.charCodeAt(n - 1) !== 90) return undefined
  const sep = s.charCodeAt(10)
  if (
    s.charCodeAt(4) !== 45 ||
    s.charCodeAt(7) !== 45 ||
    (sep !== 84 && sep !== 32) ||
    s.charCodeAt(13) !== 58 ||
    s.charCodeAt(16) !== 58 ||
    (n > 20 && (n === 21 || s.charCodeAt(19) !== 46))
  )
    return undefined
  for (const at of n > 20 ? FAST_DIGITS_FRAC : FAST_DIGITS) {
    if (at >= n - 1) break
    const c = s.charCodeAt(at)
    if (c < 48 || c > 57) return undefined
  }
  const y = digitsAt(s, 0, 4)
  const mo = digitsAt(s, 5, 2)
  const d = digitsAt(s, 8, 2)
  if (!validFields(y, mo, d, digitsAt(s, 11, 2), digitsAt(s, 14, 2), digitsAt(s, 17, 2)))
    return null
  const frac = n > 20 ? s.slice(20, n - 1) : ''
  return `${s.slice(0, 10)}T${s.slice(11, 19)}.${frac}${'000000'.slice(frac.length)}Z`
}

/** The number written by the ASCII digits s[at … at+len). */
function digitsAt(s: string, at: number, len: number): number {
  let v = 0
  for (let k = at; k < at + len; k++) v = v * 10 + s.charCodeAt(k) - 48
  return v
}

/** Digit positions of the fast form, without and with a fraction (which runs up to the 'Z'). */
const FAST_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]
const FAST_DIGITS_FRAC = [...FAST_DIGITS, 20, 21, 22, 23, 24, 25]

function daysInMonth(y: number, mo: number): number {
  if (mo === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28
  return mo === 4 || mo === 6 || mo === 9 || mo === 11 ? 30 : 31
}

/** PostgreSQL's quote_nullable(): the field separator-safe form used in a row's canonical text. */
export function quoteNullable(s: string | null): string {
  if (s === null) return 'NULL'
  const bs = s.includes('\\')
  const body = bs ? s.replace(/\\/g, '\\\\') : s
  return `${bs ? 'E' : ''}'${body.includes("'") ? body.replace(/'/g, "''") : body}'`
}

/** Epoch seconds Ferry reads as a time: 1973-03-03 (1e8) … 9999-12-31T23:59:59 UTC. */
export const EPOCH_MIN = 100_000_000
export const EPOCH_MAX = 253_402_300_799

/**
 * Epoch seconds (an integer, or a real with at most 6 decimals in its shortest form, e.g. Python's
 * time.time()) → the canonical UTC text with microseconds; null outside EPOCH_MIN…EPOCH_MAX or
 * when microseconds cannot hold it exactly.
 */
export function epochText(v: unknown): string | null {
  let whole: number
  let micros = 0
  if (typeof v === 'bigint') {
    if (v < BigInt(EPOCH_MIN) || v > BigInt(EPOCH_MAX)) return null
    whole = Number(v)
  } else if (typeof v === 'number' && Number.isFinite(v)) {
    if (v < EPOCH_MIN || v > EPOCH_MAX) return null
    const m = /^(\d+)(?:\.(\d{1,6}))?$/.exec(float8Text(v))
    if (!m) return null
    whole = Number(m[1])
    micros = Number((m[2] ?? '').padEnd(6, '0'))
  } else return null
  const d = new Date(whole * 1000)
  const p2 = (n: number): string => String(n).padStart(2, '0')
  return `${String(d.getUTCFullYear()).padStart(4, '0')}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}T${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}.${String(micros).padStart(6, '0')}Z`
}
