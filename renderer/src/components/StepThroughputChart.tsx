import {
  CartesianGrid,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts'
import { formatBytes, formatCompact } from '../format/numbers'
import type { ThroughputSeries } from '../store/throughput'

/**
 * One question: how fast is the running step going right now? Its units per second (MB/s for the
 * import) and, when it writes rows, rows/s on a second axis; the numbers are in the bar above.
 */
export function StepThroughputChart({ series }: { series: ThroughputSeries | undefined }) {
  if (!series || series.samples.length < 2) return null
  const bytes = series.unit === 'bytes'
  const hasRows = series.samples.some((s) => s.rowsRate !== null)
  const fmt = (v: number): string =>
    bytes ? `${formatBytes(v)}/s` : `${formatCompact(v)} ${series.unit}/s`
  return (
    <figure className="step-throughput" data-testid="step-throughput" style={{ margin: '0 0 8px' }}>
      <figcaption className="visually-hidden">Throughput of the running step</figcaption>
      <ResponsiveContainer width="100%" height={90}>
        <LineChart
          data={series.samples}
          margin={{ top: 4, right: hasRows ? 4 : 12, bottom: 0, left: 4 }}
        >
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
          <XAxis
            dataKey="t"
            type="number"
            domain={['dataMin', 'dataMax']}
            unit=" s"
            tick={{ fill: 'var(--muted)', fontSize: 11 }}
          />
          <YAxis
            yAxisId="rate"
            width={64}
            tickFormatter={fmt}
            tick={{ fill: 'var(--muted)', fontSize: 11 }}
          />
          {hasRows ? (
            <YAxis
              yAxisId="rows"
              orientation="right"
              width={48}
              tickFormatter={(v: number) => formatCompact(v)}
              tick={{ fill: 'var(--muted)', fontSize: 11 }}
            />
          ) : null}
          <Tooltip
            formatter={(v, name) => [
              name === 'rows/s' ? `${formatCompact(Number(v))} rows/s` : fmt(Number(v)),
              name,
            ]}
            labelFormatter={(t) => `${String(t)} s`}
            contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)' }}
          />
          <Line
            yAxisId="rate"
            dataKey="rate"
            name={bytes ? 'MB/s' : `${series.unit}/s`}
            stroke="var(--primary)"
            dot={false}
            isAnimationActive={false}
          />
          {hasRows ? (
            <Line
              yAxisId="rows"
              dataKey="rowsRate"
              name="rows/s"
              stroke="var(--muted)"
              dot={false}
              isAnimationActive={false}
            />
          ) : null}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  )
}
