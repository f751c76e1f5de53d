import { useMemo, useState } from 'react'
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import type { BenchReport } from '../../../shared/contract/bench'
import { BACKEND_COLORS, latencyRows, measuredBackends, type LatencyMetric } from '../store/bench-chart'

const ms = (v: number): string => (v < 10 ? `${v.toFixed(3)} ms` : `${v.toFixed(1)} ms`)

/**
 * Before/after in one picture: latency per workload query, one bar series per measured backend
 * (log scale — files and SQLite differ by orders of magnitude). p50 or p95, chosen above it.
 */
export function BenchLatencyChart({ report }: { report: BenchReport }) {
  const [metric, setMetric] = useState<LatencyMetric>('p95')
  const backends = measuredBackends(report)
  const rows = useMemo(() => latencyRows(report, metric), [report, metric])
  if (!backends.length) return null
  return (
    <figure className="bench-chart" data-testid="bench-latency-chart">
      <figcaption>
        Latency per query ({metric}, ms, log scale) ·{' '}
        <span role="group" aria-label="Percentile">
          {(['p50', 'p95'] as const).map((m) => (
            <button
              key={m}
              type="button"
              className={`link-button${m === metric ? ' active' : ''}`}
              aria-pressed={m === metric}
              data-testid={`bench-metric-${m}`}
              onClick={() => setMetric(m)}
            >
              {m}
            </button>
          ))}
        </span>
      </figcaption>
      <ResponsiveContainer width="100%" height={380}>
        <BarChart data={rows} margin={{ top: 8, right: 16, bottom: 80, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="var(--border)" />
          <XAxis
            dataKey="query"
            interval={0}
            angle={-35}
            textAnchor="end"
            height={90}
            tick={{ fill: 'var(--text)', fontSize: 11 }}
          />
          <YAxis
            scale="log"
            domain={[0.001, 'auto']}
            allowDataOverflow
            tickFormatter={(v: number) => (v >= 1 ? String(v) : v.toPrecision(1))}
            tick={{ fill: 'var(--muted)', fontSize: 12 }}
          />
          <Tooltip
            formatter={(v) => (typeof v === 'number' ? ms(v) : 'not measured')}
            contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)' }}
          />
          <Legend verticalAlign="top" height={28} />
          {backends.map((b) => (
            <Bar
              key={b.id}
              dataKey={b.id}
              name={b.label}
              fill={BACKEND_COLORS[b.id] ?? 'var(--primary)'}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </figure>
  )
}
