import { useState, type FormEvent } from 'react'
import { targetView } from '../store/selectors'
import { useFerry } from '../store/use-ferry'
import { ErrorNote } from './ErrorNote'
import { StatusBadge } from './StatusBadge'
import { formComplete, formFrom, ServerFields, type ServerForm } from './ServerFields'
import { TargetChecks } from './TargetChecks'

/** Settings → Connections: the PostgreSQL target, embedded or a URL, and its live state. */
export function ConnectionsPanel() {
  const target = useFerry((s) => s.target)
  const busy = useFerry((s) => s.targetBusy)
  const error = useFerry((s) => s.targetError)
  const hasWorkspace = useFerry((s) => s.workspace !== null)
  const connectTarget = useFerry((s) => s.connectTarget)
  const checkTarget = useFerry((s) => s.checkTarget)
  const checks = useFerry((s) => s.targetChecks)
  const [kind, setKind] = useState<'embedded' | 'server' | 'url' | null>(null)
  const [url, setUrl] = useState('')
  const [showUrl, setShowUrl] = useState(false)
  const [form, setForm] = useState<ServerForm | null>(null)

  const chosen = kind ?? (target?.kind === 'url' ? 'server' : 'embedded')
  const fields = form ?? formFrom(target?.connection)
  const view = targetView(target)
  const working = busy === 'configure' || busy === 'connect' || busy === 'check'
  const ready =
    chosen === 'embedded' || (chosen === 'url' ? url.trim().length > 0 : formComplete(fields))
  const canConnect = hasWorkspace && !working && ready

  async function onSubmit(e: FormEvent) {
    e.preventDefault()
    if (!canConnect) return
    const ok = await connectTarget(
      chosen === 'embedded'
        ? { kind: 'embedded' }
        : chosen === 'url'
          ? { kind: 'url', url: url.trim() }
          : {
              kind: 'server',
              host: fields.host.trim(),
              port: Number(fields.port),
              database: fields.database.trim(),
              user: fields.user.trim(),
              sslmode: fields.sslmode,
              // Empty: keep the password already stored for this server.
              ...(fields.password ? { password: fields.password } : {}),
            },
    )
    // The backend keeps the password (in its store); the page should not hold it longer than needed.
    if (ok && chosen === 'url') {
      setUrl('')
      setShowUrl(false)
    }
    if (ok && chosen === 'server') setForm(null)
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
        {target?.password ? (
          <div className="kv-row">
            <dt>Password</dt>
            <dd data-testid="target-password-note" className={target.password.source === 'session' ? 'warn-text' : undefined}>
              {target.password.note}
            </dd>
          </div>
        ) : null}
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
              value="server"
              checked={chosen === 'server'}
              onChange={() => setKind('server')}
            />
            Server — host, port, database, user, password, SSL mode
          </label>
          {chosen === 'server' ? (
            <ServerFields
              form={fields}
              onChange={setForm}
              hasStoredPassword={!!target?.password && target.password.source !== 'none'}
            />
          ) : null}
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
          {chosen !== 'embedded' ? (
            <p className="muted small">
              The password is sent to the backend once and shown as *** from then on. The desktop
              app stores it encrypted with the system keychain; elsewhere it comes from
              FERRY_PG_PASSWORD, PGPASSWORD or .pgpass, or stays in memory for this session.
            </p>
          ) : null}
          <button
            type="submit"
            className="primary"
            data-testid="target-connect"
            disabled={!canConnect}
          >
            {busy === 'configure' ? 'Saving…' : busy === 'connect' ? 'Connecting…' : 'Connect'}
          </button>{' '}
          <button
            type="button"
            data-testid="target-check"
            disabled={!hasWorkspace || working || !target}
            onClick={() => void checkTarget()}
            title="Runs p3.postgres-prod's checks: version 12+, UTF8, create-schema privilege, free slots"
          >
            {busy === 'check' ? 'Checking…' : 'Check'}
          </button>
          {!hasWorkspace ? (
            <p className="muted small">Open a workspace first: the target belongs to it.</p>
          ) : null}
        </fieldset>
      </form>
      {checks ? <TargetChecks result={checks} /> : null}
      {error ? <ErrorNote error={error} title="Could not connect" testId="connect-error" /> : null}
    </section>
  )
}
