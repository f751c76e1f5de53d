import { sourceView, targetView, type EndpointView } from '../store/selectors'
import { useFerry } from '../store/use-ferry'

function Endpoint({
  kind,
  view,
  testId,
  stale,
}: {
  kind: string
  view: EndpointView
  testId: string
  stale: boolean
}) {
  return (
    <span
      className={`endpoint tone-${view.tone}${stale ? ' stale' : ''}`}
      data-testid={testId}
      title={stale ? `Last known (not connected to the host now)\n${view.title}` : view.title}
    >
      <span className="endpoint-kind">{kind}</span>
      <span className="endpoint-label">{view.label}</span>
      <span className="badge-icon" aria-hidden="true">
        {view.icon}
      </span>
      <span className="endpoint-word">{view.word}</span>
    </span>
  )
}

/** Where the user is working and whether both ends are reachable, always in view. */
export function TopBar() {
  const workspace = useFerry((s) => s.workspace)
  const target = useFerry((s) => s.target)
  const busy = useFerry((s) => s.workspaceBusy)
  const refresh = useFerry((s) => s.refreshWorkspace)
  const stale = useFerry((s) => s.connection.kind !== 'open')
  return (
    <header className="topbar">
      <span className="brand">Ferry</span>
      <span className="crumb" aria-hidden="true">
        ▸
      </span>
      <span className="ws">
        <span className="ws-path" data-testid="workspace-path" title={workspace?.claudeDir}>
          {workspace ? workspace.root : 'No workspace open'}
        </span>
        {workspace ? <span className="muted ws-claude">(.claude)</span> : null}
      </span>
      <span className="endpoints">
        <Endpoint kind="source" view={sourceView(workspace)} testId="source-status" stale={stale} />
        {workspace ? (
          <button
            type="button"
            className="icon-button"
            onClick={() => void refresh()}
            disabled={busy !== null}
            title="Re-read state.db and the .claude/ files"
          >
            {busy === 'refresh' ? 'Refreshing…' : 'Refresh'}
          </button>
        ) : null}
        <Endpoint kind="target" view={targetView(target)} testId="target-status" stale={stale} />
      </span>
    </header>
  )
}
