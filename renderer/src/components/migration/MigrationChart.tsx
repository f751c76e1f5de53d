import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts'
import type { MigrationSample } from '../../../../shared/contract/migration'
import { formatCompact, formatNumber } from '../../format/numbers'

/** Throughput over the load: rows/s (left axis) and MB/s (right axis), seconds since the start. */
export function MigrationChart({
  samples,
  startedAt,
}: {
  samples: readonly MigrationSample[]
  startedAt: string | null
}) {
  if (samples.length === 0)
    return (
      <p className="muted" data-testid="migration-chart-empty">
        The throughput chart fills in while tables load.
      </p>
    )
  const t0 = startedAt ? Date.parse(startedAt) : samples[0]!.t
  const data = samples.map((s) => ({
    sec: Math.max(0, Math.round((s.t - t0) / 100) / 10),
    rows: Math.round(s.rowsPerSec),
    mb: Math.round(s.mbPerSec * 100) / 100,
  }))
  return (
    <figure className="mig-chart" data-testid="migration-chart">
      <figcaption>Throughput over time</figcaption>
      <ResponsiveContainer width="100%" height={240}>
        <LineChart data={data} margin={{ top: 8, right: 16, bottom: 20, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
          <XAxis
            dataKey="sec"
            type="number"
            domain={['dataMin', 'dataMax']}
            tick={{ fill: 'var(--muted)', fontSize: 12 }}
            label={{
              value: 'seconds since start',
              position: 'insideBottom',
              offset: -12,
              fill: 'var(--muted)',
              fontSize: 12,
            }}
          />
          <YAxis
            yAxisId="rows"
            tick={{ fill: 'var(--muted)', fontSize: 12 }}
            tickFormatter={(v: number) => formatCompact(v)}
          />
          <YAxis yAxisId="mb" orientation="right" tick={{ fill: 'var(--muted)', fontSize: 12 }} />
          <Tooltip
            formatter={(v, name) => [
              name === 'rows/s'
                ? `${formatNumber(Number(v))} rows/s`
                : `${formatNumber(Number(v))} MB/s`,
              String(name),
            ]}
            labelFormatter={(l) => `${String(l)} s`}
            contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)' }}
          />
          <Legend verticalAlign="top" height={24} />
          <Line
            yAxisId="rows"
            type="monotone"
            dataKey="rows"
            name="rows/s"
            stroke="var(--primary)"
            dot={data.length === 1}
            isAnimationActive={false}
          />
          <Line
            yAxisId="mb"
            type="monotone"
            dataKey="mb"
            name="MB/s"
            stroke="var(--warn, #b7791f)"
            dot={data.length === 1}
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </figure>
  )
}
