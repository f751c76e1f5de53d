import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import { findStep } from '../store/selectors'
import { sweepView } from '../store/concurrency-view'
import { useFerry } from '../store/use-ferry'

const COLORS = { sqlite: '#8a5a00', postgres: '#0969da' } as const
const tooltipStyle = { background: 'var(--surface)', border: '1px solid var(--border)' }
const tick = { fill: 'var(--muted)', fontSize: 12 }

/** p4.concurrency's sweep: latency percentiles and lock waits per agent count, with the verdicts. */
export function ConcurrencySweep() {
  const state = useFerry((s) => findStep(s.plan, 'p4.concurrency')?.step.state ?? null)
  const view = sweepView(state?.status === 'done' ? state.evidence : null)
  if (!view) {
    return (
      <section className="card" data-testid="concurrency-sweep">
        <h2>Multi-agent concurrency</h2>
        <p className="muted">Not measured: run p4.concurrency (Checklist) to sweep 1–50 simulated agents.</p>
      </section>
    )
  }
  return (
    <section className="card" data-testid="concurrency-sweep">
      <h2>Multi-agent concurrency</h2>
      <ul className="plain" data-testid="concurrency-verdicts">
        {view.verdicts.map((v) => (
          <li key={v.label}>
            <span className={`badge ${v.pass === true ? 'tone-ok' : v.pass === false ? 'tone-bad' : ''}`}>
              {v.pass === true ? 'pass' : v.pass === false ? 'fail' : 'not measured'}
            </span>{' '}
            <strong>{v.label}</strong> — {v.reason}
          </li>
        ))}
      </ul>
      <figure className="bench-chart" data-testid="concurrency-latency">
        <figcaption>
          p95 / p99 latency per operation (ms) vs agents{view.opsPerAgent ? ` · ${view.opsPerAgent} operations per agent` : ''}
        </figcaption>
        <ResponsiveContainer width="100%" height={240}>
          <LineChart data={view.rows} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
            <XAxis dataKey="n" tick={tick} label={{ value: 'agents', position: 'insideBottomRight', offset: -4, fill: 'var(--muted)' }} />
            <YAxis tick={tick} />
            <Tooltip contentStyle={tooltipStyle} />
            <Legend />
            {(['sqlite', 'postgres'] as const).flatMap((b) => [
              <Line key={`${b}_p95`} dataKey={`${b}_p95`} name={`${b} p95`} stroke={COLORS[b]} isAnimationActive={false} />,
              <Line key={`${b}_p99`} dataKey={`${b}_p99`} name={`${b} p99`} stroke={COLORS[b]} strokeDasharray="4 3" isAnimationActive={false} />,
            ])}
          </LineChart>
        </ResponsiveContainer>
      </figure>
      <figure className="bench-chart" data-testid="concurrency-lockwaits">
        <figcaption>Lock waits over 100 ms vs agents</figcaption>
        <ResponsiveContainer width="100%" height={180}>
          <LineChart data={view.rows} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
            <XAxis dataKey="n" tick={tick} />
            <YAxis tick={tick} allowDecimals={false} />
            <Tooltip contentStyle={tooltipStyle} />
            <Legend />
            {(['sqlite', 'postgres'] as const).map((b) => (
              <Line key={b} dataKey={`${b}_lockWaits`} name={b} stroke={COLORS[b]} isAnimationActive={false} />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </figure>
    </section>
  )
}
