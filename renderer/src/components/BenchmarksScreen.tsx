import { useEffect } from 'react'
import type { BenchReport } from '../../../shared/contract/bench'
import { formatBytes } from '../format/numbers'
import { formatAbsolute, formatRelative } from '../format/time'
import { notMeasured } from '../store/bench-chart'
import { useFerry, useNow } from '../store/use-ferry'
import { BenchLatencyChart } from './BenchLatencyChart'
import { BenchMigrationChart, BenchSizesChart, BenchThroughputChart } from './BenchOtherCharts'
import { ErrorNote } from './ErrorNote'
import { FactList, type Fact } from './FactList'
import { RunStepInline } from './RunStepInline'

function machineFacts(r: BenchReport): Fact[] {
  const m = r.machine
  return [
    { key: 'cpu', label: 'CPU', text: `${m.cpuModel} × ${m.cpus}` },
    { key: 'memory', label: 'Memory', text: formatBytes(m.memoryBytes) },
    { key: 'versions', label: 'Versions', text: `Node ${m.node} · SQLite ${m.sqlite} · PostgreSQL ${m.postgres ?? '—'}` },
    { key: 'runs', label: 'Runs', text: `up to ${r.iterations} timed per query` },
    ...(r.events !== null ? [{ key: 'events', label: 'Events', text: r.events.toLocaleString('en-US') }] : []),
  ]
}

/** Before/after charts of p4.benchmark, with what was not measured and why (issue 6). */
export function BenchmarksScreen() {
  const root = useFerry((s) => s.workspace?.root ?? null)
  const view = useFerry((s) => s.benchView)
  const viewRoot = useFerry((s) => s.benchRoot)
  const loading = useFerry((s) => s.benchLoading)
  const error = useFerry((s) => s.benchError)
  const loadBench = useFerry((s) => s.loadBench)
  const now = useNow(10_000)

  useEffect(() => {
    void loadBench()
  }, [root, loadBench])

  const current = root !== null && viewRoot === root ? view : null
  const report = current?.report ?? null
  const gaps = report ? notMeasured(report) : []

  return (
    <div className="bench-screen" data-testid="benchmarks-screen">
      <header className="screen-header">
        <div className="screen-title">
          <h1>Benchmarks</h1>
          {report ? (
            <span className="muted" title={formatAbsolute(report.at) ?? undefined}>
              measured {formatRelative(report.at, now)}
            </span>
          ) : null}
          {loading ? <span className="muted small">Reading…</span> : null}
        </div>
        {report ? <FactList facts={machineFacts(report)} testId="bench-facts" /> : null}
      </header>
      <div className="screen-body">
        {error ? <ErrorNote error={error} title="Could not read the benchmark" testId="bench-error" /> : null}
        <RunStepInline
          stepId="p4.benchmark"
          label="Run the benchmark now"
          againLabel="Run the benchmark again"
          testId="bench-run"
        />
        {current && !report ? (
          <p className="muted" data-testid="bench-none">
            No benchmark yet: {current.reason}.
          </p>
        ) : null}
        {report ? (
          <>
            <BenchLatencyChart report={report} />
            <p className="muted small" data-testid="bench-files">
              Report exported to {report.files.markdown} and {report.files.json}.
            </p>
          </>
        ) : null}
        {current ? (
          <div className="bench-grid">
            <BenchThroughputChart chart={current.concurrency} />
            <BenchMigrationChart chart={current.migration} />
            {report ? <BenchSizesChart sizes={report.sizes} /> : null}
          </div>
        ) : null}
        {gaps.length ? (
          <section className="bench-gaps" data-testid="bench-not-measured">
            <h2>Not measured</h2>
            <ul>
              {gaps.map((g) => (
                <li key={g.key}>
                  <strong>{g.what}</strong>: {g.reason}
                </li>
              ))}
            </ul>
          </section>
        ) : null}
      </div>
    </div>
  )
}
