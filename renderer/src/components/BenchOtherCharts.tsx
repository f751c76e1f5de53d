// The Benchmarks screen's other three questions: does throughput scale with agents
// (p4.concurrency), how fast did the migration load (p3.migrate), and how big is each store.
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts'
import type { BenchSize, ConcurrencyChart, MigrationChart } from '../../../shared/contract/bench'
import { formatBytes, formatCompact, formatNumber } from '../format/numbers'
import { BACKEND_COLORS, throughputRows } from '../store/bench-chart'

const PALETTE = ['#1a7f37', '#0969da', '#8250df', '#8a5a00', '#cf222e']
const tooltipStyle = { background: 'var(--surface)', border: '1px solid var(--border)' }
const tick = { fill: 'var(--muted)', fontSize: 12 }

function NotMeasured({ title, reason, testId }: { title: string; reason: string; testId: string }) {
  return (
    <figure className="bench-chart bench-empty" data-testid={testId}>
      <figcaption>{title}</figcaption>
      <p className="muted">Not measured: {reason}.</p>
    </figure>
  )
}

export function BenchThroughputChart({ chart }: { chart: ConcurrencyChart }) {
  const title = 'Throughput vs agents (operations/s)'
  if (!chart.measured) return <NotMeasured title={title} reason={chart.reason} testId="bench-throughput" />
  const rows = throughputRows(chart.series)
  return (
    <figure className="bench-chart" data-testid="bench-throughput">
      <figcaption>
        {title} · from {chart.stepId}
      </figcaption>
      <ResponsiveContainer width="100%" height={260}>
        <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 20, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
          <XAxis dataKey="agents" tick={tick} label={{ value: 'agents', position: 'insideBottom', offset: -10, fill: 'var(--muted)', fontSize: 12 }} />
          <YAxis tick={tick} tickFormatter={(v: number) => formatCompact(v)} />
          <Tooltip contentStyle={tooltipStyle} formatter={(v) => (typeof v === 'number' ? `${formatNumber(v)} ops/s` : '—')} />
          <Legend verticalAlign="top" height={28} />
          {chart.series.map((s, i) => (
            <Line
              key={s.backend}
              dataKey={s.backend}
              name={s.backend}
              stroke={BACKEND_COLORS[s.backend] ?? PALETTE[i % PALETTE.length]}
              connectNulls
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  )
}

export function BenchMigrationChart({ chart }: { chart: MigrationChart }) {
  const title = 'Migration throughput (rows/s per table)'
  if (!chart.measured) return <NotMeasured title={title} reason={chart.reason} testId="bench-migration" />
  return (
    <figure className="bench-chart" data-testid="bench-migration">
      <figcaption>
        {title} · from {chart.stepId}
        {chart.rowsPerSec !== null ? ` · whole load ${formatNumber(chart.rowsPerSec)} rows/s` : ''}
      </figcaption>
      <p className="muted small">{chart.note}</p>
      <ResponsiveContainer width="100%" height={60 + chart.points.length * 22}>
        <BarChart data={chart.points} layout="vertical" margin={{ top: 4, right: 24, bottom: 4, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" horizontal={false} stroke="var(--border)" />
          <XAxis type="number" tick={tick} tickFormatter={(v: number) => formatCompact(v)} />
          <YAxis type="category" dataKey="table" width={170} tick={{ fill: 'var(--text)', fontSize: 11 }} />
          <Tooltip
            contentStyle={tooltipStyle}
            formatter={(_v, _n, item) => {
              const p = item.payload as { rows: number; ms: number; rowsPerSec: number | null }
              return [`${formatNumber(p.rowsPerSec ?? 0)} rows/s (${formatNumber(p.rows)} rows in ${formatNumber(p.ms)} ms)`, 'load']
            }}
          />
          <Bar dataKey="rowsPerSec" name="rows/s" fill={BACKEND_COLORS.postgres} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </figure>
  )
}

export function BenchSizesChart({ sizes }: { sizes: readonly BenchSize[] }) {
  const rows = sizes.filter((s) => s.bytes !== null).map((s) => ({ ...s, mib: (s.bytes ?? 0) / (1 << 20) }))
  const missing = sizes.filter((s) => s.bytes === null)
  return (
    <figure className="bench-chart" data-testid="bench-sizes">
      <figcaption>Database sizes (MiB)</figcaption>
      <ResponsiveContainer width="100%" height={60 + rows.length * 30}>
        <BarChart data={rows} layout="vertical" margin={{ top: 4, right: 24, bottom: 4, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" horizontal={false} stroke="var(--border)" />
          <XAxis type="number" tick={tick} tickFormatter={(v: number) => formatCompact(v)} />
          <YAxis type="category" dataKey="name" width={230} tick={{ fill: 'var(--text)', fontSize: 11 }} />
          <Tooltip
            contentStyle={tooltipStyle}
            formatter={(_v, _n, item) => [formatBytes((item.payload as { bytes: number }).bytes), 'size']}
          />
          <Bar dataKey="mib" name="MiB" fill="var(--primary)" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
      {missing.map((s) => (
        <p key={s.name} className="muted small">
          {s.name}: {s.note ?? 'not measured'}
        </p>
      ))}
    </figure>
  )
}
