import { useState } from 'react'
import { formatBytes, formatNumber } from '../format/numbers'
import { formatAbsolute } from '../format/time'
import { useFerry } from '../store/use-ferry'
import { ErrorNote } from './ErrorNote'

/**
 * Snapshot growth per session and the retention policy (issue 6, §4.2): the largest sessions
 * (from context_session_summary when its triggers are installed), a preview of what "keep the
 * last N (+ one per day)" removes, and Apply — which archives exactly the previewed rows, after a
 * backup on memory.db, reversible with `ferry retention restore`.
 */
export function RetentionPanel() {
  const preview = useFerry((s) => s.retentionPreview)
  const busy = useFerry((s) => s.retentionBusy)
  const error = useFerry((s) => s.retentionError)
  const applied = useFerry((s) => s.retentionApplied)
  const runPreview = useFerry((s) => s.previewRetention)
  const apply = useFerry((s) => s.applyRetention)
  const connected = useFerry((s) => s.target?.state === 'connected')
  const [keep, setKeep] = useState(10)
  const [perDay, setPerDay] = useState(true)
  const [backend, setBackend] = useState<'sqlite' | 'postgres'>('sqlite')

  return (
    <section className="card" data-testid="retention-panel" aria-labelledby="retention-title">
      <div className="card-head">
        <h2 id="retention-title">Context snapshots and retention</h2>
      </div>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault()
          void runPreview({ backend, keep, perDay })
        }}
      >
        <label>
          Store{' '}
          <select value={backend} onChange={(e) => setBackend(e.target.value as 'sqlite' | 'postgres')} data-testid="retention-backend">
            <option value="sqlite">memory.db</option>
            <option value="postgres" disabled={!connected}>
              PostgreSQL target
            </option>
          </select>
        </label>{' '}
        <label>
          Keep the last{' '}
          <input
            type="number"
            min={1}
            value={keep}
            onChange={(e) => setKeep(Math.max(1, Number(e.target.value) || 1))}
            style={{ width: '5em' }}
            data-testid="retention-keep"
          />{' '}
          per session
        </label>{' '}
        <label>
          <input type="checkbox" checked={perDay} onChange={(e) => setPerDay(e.target.checked)} /> plus one per day
        </label>{' '}
        <button type="submit" disabled={busy} data-testid="retention-preview">
          Preview
        </button>
      </form>
      {error ? <ErrorNote error={error} title="Retention" testId="retention-error" /> : null}
      {applied ? (
        <p className="notice" data-testid="retention-applied">
          Archived {formatNumber(applied.totals.removeRows)} snapshot(s), {formatBytes(applied.totals.removeBytes)} as batch {applied.batch}
          {applied.backupId ? ` (backup ${applied.backupId} first)` : ''}. Undo: <code>ferry retention restore --batch {applied.batch}</code>
        </p>
      ) : null}
      {preview ? (
        <>
          <p data-testid="retention-totals">
            Now {formatNumber(preview.totals.snapshots)} snapshot(s), {formatBytes(preview.totals.bytes)} in {formatNumber(preview.totals.sessions)} session(s).
            The policy would remove <strong>{formatNumber(preview.totals.removeRows)}</strong> snapshot(s),{' '}
            <strong>{formatBytes(preview.totals.removeBytes)}</strong>, from {formatNumber(preview.sessions.length)} session(s).
          </p>
          <button
            type="button"
            disabled={busy || preview.totals.removeRows === 0}
            onClick={() => void apply()}
            data-testid="retention-apply"
          >
            Apply (archive {formatNumber(preview.totals.removeRows)} snapshot(s))
          </button>
          <h3>Largest sessions</h3>
          <p className="muted small">
            {preview.summarySource === 'summary'
              ? 'Read from context_session_summary (kept current by triggers).'
              : 'Computed from memory_snapshots: the summary triggers are not installed (ferry retention install-triggers).'}
          </p>
          <div className="table-scroll">
            <table className="ev-table" data-testid="retention-sessions">
              <thead>
                <tr>
                  <th scope="col">Session</th>
                  <th scope="col">Snapshots</th>
                  <th scope="col">Bytes</th>
                  <th scope="col">Would remove</th>
                  <th scope="col">Last activity</th>
                </tr>
              </thead>
              <tbody>
                {preview.largest.map((s) => {
                  const r = preview.sessions.find((x) => x.sessionId === s.sessionId)
                  return (
                    <tr key={s.sessionId}>
                      <th scope="row">{s.sessionId}</th>
                      <td>{formatNumber(s.snapshots)}</td>
                      <td>{formatBytes(s.bytes)}</td>
                      <td>{r ? `${formatNumber(r.removeRows)} (${formatBytes(r.removeBytes)})` : '—'}</td>
                      <td>{formatAbsolute(s.lastActivity) ?? '—'}</td>
                    </tr>
                  )
                })}
              </tbody>
            </table>
          </div>
          {preview.archivedBatches.length > 0 ? (
            <p className="muted small" data-testid="retention-batches">
              Archived batches: {preview.archivedBatches.map((b) => `${b.batch} (${formatNumber(b.rows)})`).join(', ')}
            </p>
          ) : null}
        </>
      ) : null}
    </section>
  )
}
