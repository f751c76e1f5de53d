import { useEffect } from 'react'
import type { MonitorDetail } from '../../../shared/contract/monitor'
import { formatBytes, formatNumber } from '../format/numbers'
import { MONITOR_WINDOWS } from '../store/slices/monitor-slice'
import { useFerry } from '../store/use-ferry'
import { ErrorNote } from './ErrorNote'
import { MonitorCharts } from './MonitorCharts'
import { RunStepInline } from './RunStepInline'

function Details({ detail }: { detail: MonitorDetail }) {
  return (
    <div className="bench-grid" data-testid="monitor-details">
      <section>
        <h2>Largest tables</h2>
        {detail.tables.length ? null : <p className="muted">No tables in this database.</p>}
        <div className="table-scroll">
          <table className="ev-table">
            <thead>
              <tr>
                <th>Table</th>
                <th className="num">Size</th>
                <th className="num">Rows (est.)</th>
              </tr>
            </thead>
            <tbody>
              {detail.tables.map((t) => (
                <tr key={`${t.schema}.${t.table}`}>
                  <td>
                    {t.schema}.{t.table}
                  </td>
                  <td className="num">{formatBytes(t.bytes)}</td>
                  <td className="num">{t.rows === null ? '—' : formatNumber(t.rows)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section>
        <h2>Longest-running queries</h2>
        {detail.longestQueries.length ? (
          <ul className="monitor-list">
            {detail.longestQueries.map((q) => (
              <li key={q.pid}>
                <strong>{formatNumber(Math.round(q.ms))} ms</strong> pid {q.pid} ({q.state ?? '?'}): <code>{q.query}</code>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">None running.</p>
        )}
        <h2>Lock waits</h2>
        {detail.locks.length ? (
          <ul className="monitor-list" data-testid="monitor-locks">
            {detail.locks.map((l) => (
              <li key={`${l.pid}-${l.mode}-${l.relation ?? ''}`}>
                pid {l.pid} waits {l.waitMs === null ? '' : `${formatNumber(Math.round(l.waitMs))} ms `}for {l.mode} on {l.relation ?? 'a non-table lock'}, blocked by {l.blockedBy.join(', ') || '—'}: <code>{l.query}</code>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">No session is waiting on a lock.</p>
        )}
      </section>
      <section data-testid="monitor-statements">
        <h2>Slowest statements (pg_stat_statements)</h2>
        {detail.statements.available ? (
          <ul className="monitor-list">
            {detail.statements.top.map((s, i) => (
              <li key={i}>
                <strong>{formatNumber(s.meanMs)} ms</strong> mean × {formatNumber(s.calls)} calls: <code>{s.query}</code>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">{detail.statements.howToEnable}</p>
        )}
      </section>
    </div>
  )
}

/** Live view of the target while it is connected (issue 6, p4.monitor). */
export function MonitoringScreen() {
  const view = useFerry((s) => s.monitorView)
  const error = useFerry((s) => s.monitorError)
  const windowSec = useFerry((s) => s.monitorWindowSec)
  const loadMonitor = useFerry((s) => s.loadMonitor)
  const setWindow = useFerry((s) => s.setMonitorWindow)
  const intervalMs = view?.intervalMs ?? 5000

  useEffect(() => {
    void loadMonitor()
    const timer = setInterval(() => void loadMonitor(), intervalMs)
    return () => clearInterval(timer)
  }, [loadMonitor, intervalMs])

  const last = view?.samples.at(-1)
  return (
    <div className="bench-screen" data-testid="monitoring-screen">
      <header className="screen-header">
        <div className="screen-title">
          <h1>Monitoring</h1>
          {view && !view.idle ? (
            <span className="muted">
              every {intervalMs / 1000} s · {view.samples.length} samples
              {view.availability !== null ? ` · target answered ${(view.availability * 100).toFixed(1)} %` : ''}
            </span>
          ) : null}
        </div>
        <div role="group" aria-label="Time window">
          {MONITOR_WINDOWS.map((w) => (
            <button key={w.sec} type="button" aria-pressed={w.sec === windowSec} className={`link-button${w.sec === windowSec ? ' active' : ''}`} onClick={() => setWindow(w.sec)}>
              {w.label}
            </button>
          ))}
        </div>
      </header>
      <div className="screen-body">
        {error ? <ErrorNote error={error} title="Could not read the monitor" testId="monitor-error" /> : null}
        {view?.idle ? (
          <p className="muted" data-testid="monitor-idle">
            Not sampling: {view.idle}
          </p>
        ) : null}
        {view?.alerts.length ? (
          <ul className="monitor-alerts" data-testid="monitor-alerts">
            {view.alerts.map((a) => (
              <li key={a.key} className={`alert-${a.level}`}>
                <strong>{a.metric}</strong>: {a.message}
              </li>
            ))}
          </ul>
        ) : null}
        {last && !last.ok ? <p className="alert-error">Last sample failed: {last.error}</p> : null}
        {view && view.samples.length ? <MonitorCharts samples={view.samples} /> : null}
        {view?.detail ? <Details detail={view.detail} /> : null}
        <RunStepInline stepId="p4.monitor" label="Record a monitoring snapshot (p4.monitor)" againLabel="Record another snapshot" testId="monitor-run" />
      </div>
    </div>
  )
}
