import { useEffect } from 'react'
import type { AgentBackend, AgentRow, SwitchResult } from '../../../shared/contract/agents'
import { formatAbsolute, formatRelative } from '../format/time'
import { useFerry, useNow } from '../store/use-ferry'
import { ConcurrencySweep } from './ConcurrencySweep'
import { ErrorNote } from './ErrorNote'
import { RetentionPanel } from './RetentionPanel'
import { RunStepInline } from './RunStepInline'

const BACKENDS: { value: AgentBackend; label: string }[] = [
  { value: 'files', label: 'files (legacy)' },
  { value: 'sqlite', label: 'sqlite (memory.db)' },
  { value: 'postgres', label: 'postgres' },
  { value: 'dual-write', label: 'dual-write' },
]

const FLAG_SOURCE: Record<AgentRow['flagSource'], string> = {
  postgres: 'set in the target',
  'memory.db': 'set in memory.db',
  default: 'not set (default)',
}

/** What the last switch left on the side the agent left — or that nothing was left. */
function SwitchOutcome({ result, onDismiss }: { result: SwitchResult; onDismiss(): void }) {
  const left = result.leftBehind.filter((l) => l.writes > 0)
  return (
    <section className="card" data-testid="agent-switch-outcome" aria-labelledby="agent-switch-title">
      <div className="card-head">
        <h2 id="agent-switch-title">
          {result.agentId}: {result.previous} → {result.backend}
        </h2>
        <button type="button" className="icon-button" onClick={onDismiss}>
          Dismiss
        </button>
      </div>
      <p>{result.note}</p>
      {left.length > 0 ? (
        <ul data-testid="agent-left-behind">
          {left.map((l) => (
            <li key={l.side}>
              {l.writes} write(s) stay only in {l.side}
              {l.since ? ` (since ${formatAbsolute(l.since) ?? l.since})` : ''}:{' '}
              {Object.entries(l.byTable)
                .map(([t, n]) => `${t} ${n}`)
                .join(', ')}
            </li>
          ))}
        </ul>
      ) : null}
      {result.previous !== result.backend ? (
        <p className="muted small">Rolling back is the same switch in the other direction.</p>
      ) : null}
    </section>
  )
}

/** Every agent with its agent-store backend; each one is switched on its own (issue 6, p4.agent-code). */
export function AgentsScreen() {
  const root = useFerry((s) => s.workspace?.root ?? null)
  const view = useFerry((s) => s.agentsView)
  const loading = useFerry((s) => s.agentsLoading)
  const error = useFerry((s) => s.agentsError)
  const switching = useFerry((s) => s.agentSwitching)
  const lastSwitch = useFerry((s) => s.lastSwitch)
  const loadAgents = useFerry((s) => s.loadAgents)
  const switchAgent = useFerry((s) => s.switchAgent)
  const dismissSwitch = useFerry((s) => s.dismissSwitch)
  const targetState = useFerry((s) => s.target?.state ?? null)
  const now = useNow(10_000)

  useEffect(() => {
    void loadAgents()
  }, [root, targetState, loadAgents])

  const agents = view?.agents ?? []
  return (
    <div className="agents-screen" data-testid="agents-screen">
      <header className="screen-header">
        <div className="screen-title">
          <h1>Agents</h1>
          {view ? (
            <span className="muted">
              flags kept in {view.flagStore === 'none' ? 'nowhere yet' : view.flagStore}
            </span>
          ) : null}
          {loading ? <span className="muted small">Reading…</span> : null}
          <button type="button" className="icon-button" onClick={() => void loadAgents()} disabled={loading}>
            Refresh
          </button>
        </div>
      </header>
      <div className="screen-body">
        {error ? <ErrorNote error={error} title="Agents" testId="agents-error" /> : null}
        {view?.note ? <p className="notice" data-testid="agents-note">{view.note}</p> : null}
        {lastSwitch ? <SwitchOutcome result={lastSwitch} onDismiss={dismissSwitch} /> : null}
        <RunStepInline stepId="p4.agent-code" label="Prepare the agent store" againLabel="Check the agent store again" testId="agents-run-step" />
        {error && !view ? null : (
          <div className="table-scroll">
            <table className="ev-table" data-testid="agents-table">
              <thead>
                <tr>
                  <th scope="col">Agent</th>
                  <th scope="col">Type</th>
                  <th scope="col">Status</th>
                  <th scope="col">Backend</th>
                  <th scope="col">Flag</th>
                  <th scope="col">Last activity</th>
                </tr>
              </thead>
              <tbody>
                {agents.map((a) => (
                  <tr key={a.agentId} data-testid={`agent-row-${a.agentId}`}>
                    <th scope="row">{a.agentId}</th>
                    <td>{a.agentType ?? '—'}</td>
                    <td>{a.status ?? '—'}</td>
                    <td>
                      <select
                        aria-label={`Backend of ${a.agentId}`}
                        data-testid={`agent-backend-${a.agentId}`}
                        value={a.backend}
                        disabled={switching !== null}
                        onChange={(e) => void switchAgent(a.agentId, e.target.value as AgentBackend)}
                      >
                        {BACKENDS.map((b) => (
                          <option
                            key={b.value}
                            value={b.value}
                            disabled={(b.value === 'postgres' || b.value === 'dual-write') && view?.flagStore !== 'postgres'}
                          >
                            {b.label}
                          </option>
                        ))}
                      </select>
                      {switching === a.agentId ? <span className="muted small"> switching…</span> : null}
                    </td>
                    <td className="muted small" title={a.flagSince ? (formatAbsolute(a.flagSince) ?? undefined) : undefined}>
                      {FLAG_SOURCE[a.flagSource]}
                    </td>
                    <td title={formatAbsolute(a.lastActivity) ?? undefined}>{formatRelative(a.lastActivity, now) ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {view && agents.length === 0 ? <p className="muted">No agents found.</p> : null}
        <RetentionPanel />
        <ConcurrencySweep />
      </div>
    </div>
  )
}
