import { useState, type FormEvent } from 'react'
import { targetView } from '../store/selectors'
import { useFerry } from '../store/use-ferry'
import { ErrorNote } from './ErrorNote'
import { StatusBadge } from './StatusBadge'

/** Settings → Connections: the PostgreSQL target, embedded or a URL, and its live state. */
export function ConnectionsPanel() {
  const target = useFerry((s) => s.target)
  const busy = useFerry((s) => s.targetBusy)
  const error = useFerry((s) => s.targetError)
  const hasWorkspace = useFerry((s) => s.workspace !== null)
  const connectTarget = useFerry((s) => s.connectTarget)
  const [kind, setKind] = useState<'embedded' | 'url' | null>(null)
  const [url, setUrl] = useState('')
  const [showUrl, setShowUrl] = useState(false)

  const chosen = kind ?? target?.kind ?? 'embedded'
  const view = targetView(target)
  const working = busy === 'configure' || busy === 'connect'
  const canConnect = hasWorkspace && !working && (chosen === 'embedded' || url.trim().length > 0)

  async function onSubmit(e: FormEvent) {
    e.preventDefault()
    if (!canConnect) return
    const ok = await connectTarget(
      chosen === 'embedded' ? { kind: 'embedded' } : { kind: 'url', url: url.trim() },
    )
    // The backend keeps the URL; the page should not hold a password longer than needed.
    if (ok && chosen === 'url') {
      setUrl('')
      setShowUrl(false)
    }
  }

  return (
    <section className="card" aria-labelledby="connections-title" data-testid="connections-panel">
      <h2 id="connections-title">Connections</h2>
      <p className="muted">
        Where Phase 3 puts the data. Ferry starts the embedded server itself; a URL points at one
        you run.
      </p>

      <dl className="kv">
        <div className="kv-row">
          <dt>State</dt>
          <dd>
            <StatusBadge status={view} testId="target-state" />
          </dd>
        </div>
        <div className="kv-row">
          <dt>Target</dt>
          <dd>{target ? <code>{target.display}</code> : '—'}</dd>
        </div>
        <div className="kv-row">
          <dt>Server version</dt>
          <dd>{target?.serverVersion ?? 'not connected yet'}</dd>
        </div>
      </dl>
      {target?.error ? (
        <ErrorNote
          error={target.error}
          title="The target reported an error"
          testId="target-error"
        />
      ) : null}

      <form onSubmit={(e) => void onSubmit(e)} className="target-form">
        <fieldset disabled={!hasWorkspace}>
          <legend>PostgreSQL target</legend>
          <label className="radio">
            <input
              type="radio"
              name="target-kind"
              value="embedded"
              checked={chosen === 'embedded'}
              onChange={() => setKind('embedded')}
            />
            Embedded — a PostgreSQL server in <code>.ferry/pg/</code>, started on a free loopback
            port
          </label>
          <label className="radio">
            <input
              type="radio"
              name="target-kind"
              value="url"
              checked={chosen === 'url'}
              onChange={() => setKind('url')}
            />
            Server URL
          </label>
          {chosen === 'url' ? (
            <div className="url-row">
              <label htmlFor="target-url" className="visually-hidden">
                PostgreSQL URL
              </label>
              <input
                id="target-url"
                data-testid="target-url"
                type={showUrl ? 'text' : 'password'}
                autoComplete="off"
                spellCheck={false}
                placeholder="postgres://user:password@host:5432/database"
                value={url}
                onChange={(e) => setUrl(e.target.value)}
              />
              <button type="button" aria-pressed={showUrl} onClick={() => setShowUrl((v) => !v)}>
                {showUrl ? 'Hide' : 'Show'}
              </button>
            </div>
          ) : null}
          {chosen === 'url' ? (
            <p className="muted small">
              The password is sent to the backend once and shown as *** from then on.
            </p>
          ) : null}
          <button
            type="submit"
            className="primary"
            data-testid="target-connect"
            disabled={!canConnect}
          >
            {busy === 'configure' ? 'Saving…' : busy === 'connect' ? 'Connecting…' : 'Connect'}
          </button>
          {!hasWorkspace ? (
            <p className="muted small">Open a workspace first: the target belongs to it.</p>
          ) : null}
        </fieldset>
      </form>
      {error ? <ErrorNote error={error} title="Could not connect" testId="connect-error" /> : null}
    </section>
  )
}
