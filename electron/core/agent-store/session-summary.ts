// A session's snapshot count/bytes, latest snapshot and last activity, read from
// context_session_summary — one primary-key read, kept current by the triggers of
// electron/core/context-summary/. Where they are not installed, memory_snapshots is aggregated
// instead (a scan of the session's rows; last activity is then the latest snapshot only).
import { isoOrNull, num, numOrNull, type Dialect } from './dialect'
import type { SessionSummary } from './types'

export async function readSessionSummary(d: Dialect, sessionId: string): Promise<SessionSummary | null> {
  let rows
  try {
    rows = await d.read(
      `SELECT "session_id", "snapshot_count", "total_snapshot_bytes", "latest_snapshot_id", "latest_snapshot_at", "last_activity", 'summary' AS "source" FROM ${d.t('context_session_summary')} WHERE "session_id" = ?`,
      [sessionId],
    )
  } catch (err) {
    if (!/no such table|does not exist/i.test(String((err as Error).message))) throw err
    rows = await d.read(
      `SELECT CAST(? AS TEXT) AS "session_id", count(*) AS "snapshot_count", COALESCE(sum("content_size"), 0) AS "total_snapshot_bytes", max("created_at") AS "latest_snapshot_at", (SELECT "snapshot_id" FROM ${d.t('memory_snapshots')} WHERE "session_id" = ? ORDER BY "created_at" DESC, "snapshot_id" DESC LIMIT 1) AS "latest_snapshot_id", max("created_at") AS "last_activity", 'aggregate' AS "source" FROM ${d.t('memory_snapshots')} WHERE "session_id" = ? HAVING count(*) > 0`,
      [sessionId, sessionId, sessionId],
    )
  }
  const r = rows[0]
  if (!r) return null
  return {
    sessionId: String(r.session_id),
    snapshotCount: num(r.snapshot_count),
    totalSnapshotBytes: num(r.total_snapshot_bytes),
    latestSnapshotId: numOrNull(r.latest_snapshot_id),
    latestSnapshotAt: isoOrNull(r.latest_snapshot_at),
    lastActivity: isoOrNull(r.last_activity),
    source: r.source === 'summary' ? 'summary' : 'aggregate',
  }
}
