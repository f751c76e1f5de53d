// The Monitoring screen's time-series charts, one question each: who is connected, how much work
// is done, is the cache serving it, and how much memory Ferry itself uses.
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import type { MonitorSample } from '../../../shared/contract/monitor'
import { formatNumber } from '../format/numbers'

const tick = { fill: 'var(--muted)', fontSize: 11 }
const tooltipStyle = { background: 'var(--surface)', border: '1px solid var(--border)' }
const COLORS = ['#0969da', '#1a7f37', '#8a5a00', '#8250df', '#cf222e', '#6e7781']
const time = (iso: string): string => iso.slice(11, 19)

function SeriesChart({
  title,
  testId,
  rows,
  series,
  unit,
}: {
  title: string
  testId: string
  rows: Record<string, string | number | null>[]
  series: readonly { key: string; name: string }[]
  unit: string
}) {
  return (
    <figure className="bench-chart" data-testid={testId}>
      <figcaption>{title}</figcaption>
      <ResponsiveContainer width="100%" height={200}>
        <LineChart data={rows} margin={{ top: 4, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
          <XAxis dataKey="t" tick={tick} minTickGap={40} />
          <YAxis tick={tick} width={56} />
          <Tooltip contentStyle={tooltipStyle} formatter={(v) => (typeof v === 'number' ? `${formatNumber(v)} ${unit}` : '—')} />
          <Legend verticalAlign="top" height={24} />
          {series.map((s, i) => (
            <Line key={s.key} dataKey={s.key} name={s.name} stroke={COLORS[i % COLORS.length]} dot={false} isAnimationActive={false} connectNulls={false} />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  )
}

export function MonitorCharts({ samples }: { samples: readonly MonitorSample[] }) {
  const states = [...new Set(samples.flatMap((s) => Object.keys(s.connections)))].sort()
  const rows = samples.map((s) => ({
    t: time(s.at),
    ...Object.fromEntries(states.map((k) => [k, s.ok ? (s.connections[k] ?? 0) : null])),
    tps: s.tps,
    written: s.rowsWrittenPerSec,
    cache: s.cacheHitRatio === null ? null : Math.round(s.cacheHitRatio * 10000) / 100,
    rss: Math.round(s.ferryRssBytes / 1048576),
    heap: Math.round(s.ferryHeapBytes / 1048576),
    lockWaits: s.ok ? s.lockWaits : null,
  }))
  return (
    <div className="bench-grid" data-testid="monitor-charts">
      <SeriesChart title="Connections by state (pg_stat_activity)" testId="monitor-connections" rows={rows} series={states.map((k) => ({ key: k, name: k }))} unit="connections" />
      <SeriesChart
        title="Transactions/s and rows written/s (pg_stat_database)"
        testId="monitor-throughput"
        rows={rows}
        series={[
          { key: 'tps', name: 'transactions/s' },
          { key: 'written', name: 'rows written/s' },
        ]}
        unit="/s"
      />
      <SeriesChart title="Cache hit ratio (%)" testId="monitor-cache" rows={rows} series={[{ key: 'cache', name: 'hit ratio %' }]} unit="%" />
      <SeriesChart
        title="Lock waits and Ferry's own memory (MiB)"
        testId="monitor-memory"
        rows={rows}
        series={[
          { key: 'lockWaits', name: 'sessions waiting on a lock' },
          { key: 'rss', name: 'Ferry RSS MiB' },
          { key: 'heap', name: 'Ferry heap MiB' },
        ]}
        unit=""
      />
    </div>
  )
}
