import { useEffect } from 'react'
import type { MetricRow } from '../../../shared/contract/metrics'
import { formatAbsolute } from '../format/time'
import type { Screen } from '../store/types'
import { useFerry } from '../store/use-ferry'
import { ErrorNote } from './ErrorNote'

const SCREENS: ReadonlySet<string> = new Set(['benchmarks', 'monitoring', 'backups', 'tables'])

function Verdict({ row }: { row: MetricRow }) {
  if (row.pass === null) return <span className="metric-none">not measured</span>
  return <span className={row.pass ? 'metric-pass' : 'metric-fail'}>{row.pass ? 'pass' : 'fail'}</span>
}

/** Every success metric of the plan, from evidence only (issue 6). */
export function MetricsScreen() {
  const view = useFerry((s) => s.metricsView)
  const loading = useFerry((s) => s.metricsLoading)
  const error = useFerry((s) => s.metricsError)
  const loadMetrics = useFerry((s) => s.loadMetrics)
  const root = useFerry((s) => s.workspace?.root ?? null)
  const setScreen = useFerry((s) => s.setScreen)
  const selectStep = useFerry((s) => s.selectStep)

  useEffect(() => {
    void loadMetrics()
  }, [root, loadMetrics])

  const openEvidence = (row: MetricRow): void => {
    if (row.evidence.stepId) {
      selectStep(row.evidence.stepId)
      setScreen('checklist')
    } else if (row.evidence.screen && SCREENS.has(row.evidence.screen)) setScreen(row.evidence.screen as Screen)
  }

  return (
    <div className="bench-screen" data-testid="metrics-screen">
      <header className="screen-header">
        <div className="screen-title">
          <h1>Success metrics</h1>
          {view ? (
            <span className="muted" data-testid="metrics-summary">
              {view.passed} pass · {view.failed} fail · {view.notMeasured} not measured
            </span>
          ) : null}
          {loading ? <span className="muted small">Reading…</span> : null}
        </div>
      </header>
      <div className="screen-body">
        {error ? <ErrorNote error={error} title="Could not compute the metrics" testId="metrics-error" /> : null}
        {view ? (
          <table className="ev-table metrics-table" data-testid="metrics-table">
            <thead>
              <tr>
                <th>Metric</th>
                <th>Target</th>
                <th>Measured</th>
                <th>Result</th>
                <th>How / when</th>
                <th>Evidence</th>
              </tr>
            </thead>
            <tbody>
              {view.rows.map((r) => (
                <tr key={r.id} data-testid={`metric-${r.id}`}>
                  <td>
                    <strong>{r.metric}</strong>
                    <div className="muted small">{r.group}</div>
                  </td>
                  <td>{r.target}</td>
                  <td>
                    {r.measured ?? '—'}
                    {r.note ? <div className="muted small">{r.note}</div> : null}
                  </td>
                  <td>
                    <Verdict row={r} />
                  </td>
                  <td>
                    {r.how}
                    {r.at ? <div className="muted small">{formatAbsolute(r.at)}</div> : null}
                  </td>
                  <td>
                    {r.evidence.stepId || r.evidence.screen ? (
                      <button type="button" className="link-button" onClick={() => openEvidence(r)}>
                        {r.evidence.stepId ?? r.evidence.screen}
                      </button>
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </div>
    </div>
  )
}
