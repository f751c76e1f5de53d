import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import { formatBytes } from '../format/numbers'
import { folderChartData } from '../store/inventory-chart'
import type { FolderTotal } from '../store/inventory-selectors'

/** One question: where under .claude/ is the data? Size per top-level folder (numbers in the table beside it). */
export function InventoryChart({ byFolder }: { byFolder: readonly FolderTotal[] }) {
  const { unit, rows } = folderChartData(byFolder)
  if (rows.length === 0) return null
  const height = 70 + rows.length * 30
  return (
    <figure className="inv-chart" data-testid="inventory-chart">
      <figcaption>Size per folder ({unit})</figcaption>
      <ResponsiveContainer width="100%" height={height}>
        <BarChart data={rows} layout="vertical" margin={{ top: 4, right: 24, bottom: 24, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" horizontal={false} stroke="var(--border)" />
          <XAxis
            type="number"
            tick={{ fill: 'var(--muted)', fontSize: 12 }}
            label={{
              value: `size (${unit})`,
              position: 'insideBottom',
              offset: -14,
              fill: 'var(--muted)',
              fontSize: 12,
            }}
          />
          <YAxis
            type="category"
            dataKey="folder"
            width={150}
            tick={{ fill: 'var(--text)', fontSize: 12 }}
          />
          <Tooltip
            formatter={(_v, _n, item) => [
              formatBytes((item.payload as { bytes: number }).bytes),
              'size',
            ]}
            contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)' }}
          />
          <Bar dataKey="size" name="files" fill="var(--primary)" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </figure>
  )
}
