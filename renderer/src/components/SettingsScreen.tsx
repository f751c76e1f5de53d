import { formatAbsolute } from '../format/time'
import { useFerry } from '../store/use-ferry'
import { ConnectionsPanel } from './ConnectionsPanel'
import { WorkspacePicker } from './WorkspacePicker'

export function SettingsScreen() {
  const appInfo = useFerry((s) => s.appInfo)
  const log = useFerry((s) => s.log)
  const recent = log.slice(-50).reverse()
  return (
    <div className="settings-screen">
      <h1>Settings</h1>
      <ConnectionsPanel />
      <section className="card">
        <WorkspacePicker variant="settings" />
      </section>
      <section className="card" aria-labelledby="activity-title">
        <h2 id="activity-title">Activity</h2>
        {recent.length === 0 ? (
          <p className="muted">Nothing logged since this page opened.</p>
        ) : (
          <ol className="log-lines">
            {recent.map((l) => (
              <li key={l.seq} className={`log-${l.level}`}>
                <time dateTime={l.at}>{formatAbsolute(l.at) ?? l.at}</time>{' '}
                <span className="log-level">{l.level}</span>{' '}
                {l.stepId ? <code>{l.stepId}</code> : null} {l.message}
              </li>
            ))}
          </ol>
        )}
      </section>
      <p className="muted small">Ferry {appInfo?.version ?? '…'}</p>
    </div>
  )
}
