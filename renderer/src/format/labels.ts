// Keys to labels and values to text, by the conventions the backend's evidence follows:
// camelCase keys, *Bytes sizes, *Ms durations, ISO dates.
import { formatBytes, formatDuration, formatNumber, formatSeconds } from './numbers'
import { formatAbsolute } from './time'
import { isIdNumberKey, isShareKey, shareText } from '../../../shared/evidence/keys'

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/
const ACRONYMS: Record<string, string> = {
  id: 'ID',
  ids: 'IDs',
  json: 'JSON',
  jsonb: 'JSONB',
  sql: 'SQL',
  sqlite: 'SQLite',
  sha256: 'SHA-256',
  url: 'URL',
  db: 'DB',
  pg: 'PG',
  eta: 'ETA',
  fk: 'FK',
  fks: 'FKs',
  utf8: 'UTF-8',
  nul: 'NUL',
  rss: 'RSS',
  tps: 'TPS',
  cpu: 'CPU',
  ssl: 'SSL',
  wal: 'WAL',
  gin: 'GIN',
  ddl: 'DDL',
}

/** "tableCount" → "Table count", "foreign_keys" → "Foreign keys", "documentSha256" → "Document SHA-256". */
export function humanizeKey(key: string): string {
  const words = key
    .replace(/[_-]+/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .trim()
    .toLowerCase()
    .split(/\s+/)
    // "under5" → "under 5" ("restoreDrillUnder5Min"), "under100ms" → "under 100 ms", but
    // "sha256", "utf8", "p95" stay whole.
    .map(
      (w) =>
        ACRONYMS[w] ??
        w.replace(/^([a-z]{3,})(\d+)([a-z]*)$/, (_, a, d, u) =>
          [a, d, u].filter(Boolean).join(' '),
        ),
    )
    .join(' ')
  return words.charAt(0).toUpperCase() + words.slice(1)
}

/** Words that already name a length of time: "durationMs" is "Duration", not "Duration time". */
const TIME_WORD =
  /(?:^|\s)(duration|elapsed|time|timeout|interval|delay|age|median|mean|avg|average|min|max|latency|wait|total|p\d{2,3})$/i

/**
 * The label beside a value whose unit the value already shows: "durationMs" → "Duration",
 * "backupMs" → "Backup time", "sourceBytes" → "Source size".
 */
export function labelFor(key: string): string {
  if (key === 'ms') return 'Time'
  if (key === 'bytes') return 'Size'
  const m = /^(.+?)(Ms|Millis|Seconds|Bytes)$/.exec(key)
  if (!m?.[1]) return humanizeKey(key)
  const base = humanizeKey(m[1])
  if (m[2] === 'Bytes') return /size$/i.test(base) ? base : `${base} size`
  return TIME_WORD.test(base) ? base : `${base} time`
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** One value as text, using the key to pick a unit: *Bytes → "1.2 MB", *Ms → "340 ms". */
export function formatScalar(key: string, value: unknown): string {
  if (value === null || value === undefined) return '—'
  if (typeof value === 'boolean') return value ? 'yes' : 'no'
  if (typeof value === 'number') {
    if (/bytes$|^size$|Size$|^bytes[A-Z]/i.test(key)) return formatBytes(value)
    if (/Ms$|^ms$|Millis$/.test(key)) return formatDuration(value)
    // Latency statistics are milliseconds wherever Ferry records them ("p95", "mean",
    // "p95AfterMax"), even where the key does not say so.
    if (/^(p\d{2,3}|mean|median)((Before|After)?(Max|Min)?)$/.test(key))
      return formatDuration(value)
    if (/Seconds$|^seconds$/.test(key)) return formatSeconds(value)
    // An identifier that is a number ("serverVersionNum": 150020) takes no thousands separator.
    if (isIdNumberKey(key) && Number.isInteger(value)) return String(value)
    // A share of 1 ("cacheHitRatio", "availability"): a percentage, as the screens show it.
    if (isShareKey(key) && value >= 0 && value <= 1) return shareText(value)
    return formatNumber(value)
  }
  if (typeof value === 'string')
    return ISO_DATE.test(value) ? (formatAbsolute(value) ?? value) : value
  if (Array.isArray(value)) return `${formatNumber(value.length)} items`
  return JSON.stringify(value)
}

/** Multi-line or long text (a query plan, a CREATE statement) wants a <pre>, not a table cell. */
export function isLongText(value: unknown, limit = 120): value is string {
  return typeof value === 'string' && (value.includes('\n') || value.length > limit)
}
