// Relative and absolute times: the list shows "2 s ago", the title attribute the exact moment.

const absolute = new Intl.DateTimeFormat('en-US', {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
})

function parse(iso: string | null | undefined): number | null {
  if (!iso) return null
  const t = Date.parse(iso)
  return Number.isNaN(t) ? null : t
}

/** "just now", "12 s ago", "5 min ago", "3 h ago", "2 d ago"; null for a missing or bad date. */
export function formatRelative(iso: string | null | undefined, now: number): string | null {
  const t = parse(iso)
  if (t === null) return null
  const s = Math.round((now - t) / 1000)
  if (s < 2) return 'just now'
  if (s < 60) return `${s} s ago`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m} min ago`
  const h = Math.floor(m / 60)
  if (h < 48) return `${h} h ago`
  return `${Math.floor(h / 24)} d ago`
}

/** "Nov 29, 2025, 17:19:02" in the viewer's time zone; null for a missing or bad date. */
export function formatAbsolute(iso: string | null | undefined): string | null {
  const t = parse(iso)
  return t === null ? null : absolute.format(new Date(t))
}

/** Milliseconds between two ISO times, or null when either is missing. */
export function durationBetween(start: string | null, end: string | null): number | null {
  const a = parse(start)
  const b = parse(end)
  if (a === null || b === null) return null
  return Math.max(0, b - a)
}

const clock = new Intl.DateTimeFormat('en-GB', {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
})

/** "17:32:11" for log lines; the raw text when the date does not parse. */
export function formatClock(iso: string): string {
  const t = parse(iso)
  return t === null ? iso : clock.format(new Date(t))
}
