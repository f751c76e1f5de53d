// The demo's history is pinned to a fixed window so the same seed always tells the same story;
// reading the wall clock here would make every run different.

export const BASE_TIME_MS = Date.UTC(2026, 9, 1) // 2026-10-01T00:00:00.000Z
export const HOUR_MS = 3_600_000
export const DAY_MS = 24 * HOUR_MS
/** Two weeks of activity: long enough for rotated logs, sessions and merged pull requests. */
export const SPAN_MS = 14 * DAY_MS

export function isoAt(ms: number): string {
  return new Date(Math.floor(ms)).toISOString()
}

/** Second precision, the way the plain-text logs print it: 2026-10-01T00:00:01Z. */
export function isoSecondsAt(ms: number): string {
  return isoAt(ms).slice(0, 19) + 'Z'
}

export function dateAt(ms: number): string {
  return isoAt(ms).slice(0, 10)
}
