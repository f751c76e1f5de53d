import { lazy, Suspense } from 'react'
import { formatBytes, formatNumber } from '../format/numbers'
import type { InventoryModel } from '../store/inventory-selectors'

// recharts is big: loaded when the chart is first shown, not with the app.
const InventoryChart = lazy(() =>
  import('./InventoryChart').then((m) => ({ default: m.InventoryChart })),
)

const folderName = (f: string) => (f === '.' ? '.claude/ (top level)' : f)

/** Per folder and per kind, the chart of sizes per folder, and the ten largest files. */
export function InventoryTotals({ model }: { model: InventoryModel }) {
  return (
    <div className="inv-totals">
      <section className="card inv-wide" aria-labelledby="inv-folders">
        <h2 id="inv-folders">By folder</h2>
        <div className="inv-split">
          <div className="table-scroll">
            <table className="ev-table" data-testid="inventory-folders">
              <thead>
                <tr>
                  <th scope="col">folder</th>
                  <th scope="col" className="num">
                    files
                  </th>
                  <th scope="col" className="num">
                    size
                  </th>
                </tr>
              </thead>
              <tbody>
                {model.byFolder.map((f) => (
                  <tr key={f.folder}>
                    <td>{folderName(f.folder)}</td>
                    <td className="num">{formatNumber(f.files)}</td>
                    <td className="num" title={`${formatNumber(f.bytes)} bytes`}>
                      {formatBytes(f.bytes)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Suspense fallback={<p className="muted small">Drawing the chart…</p>}>
            <InventoryChart byFolder={model.byFolder} />
          </Suspense>
        </div>
      </section>
      <section className="card" aria-labelledby="inv-kinds">
        <h2 id="inv-kinds">By kind</h2>
        <div className="table-scroll">
          <table className="ev-table" data-testid="inventory-kinds">
            <thead>
              <tr>
                <th scope="col">kind</th>
                <th scope="col" className="num">
                  files
                </th>
                <th scope="col" className="num">
                  size
                </th>
                <th scope="col" className="num">
                  lines
                </th>
              </tr>
            </thead>
            <tbody>
              {model.byKind.map((k) => (
                <tr key={k.kind}>
                  <td>{k.kind}</td>
                  <td className="num">{formatNumber(k.files)}</td>
                  <td className="num">{formatBytes(k.bytes)}</td>
                  <td className="num">{formatNumber(k.lines)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      {model.totals.expectedRows.length > 0 ? (
        <section className="card" aria-labelledby="inv-rows">
          <h2 id="inv-rows">Rows the import expects</h2>
          <table className="ev-table" data-testid="inventory-expected">
            <thead>
              <tr>
                <th scope="col">table</th>
                <th scope="col" className="num">
                  rows
                </th>
              </tr>
            </thead>
            <tbody>
              {model.totals.expectedRows.map((r) => (
                <tr key={r.table}>
                  <td>{r.table}</td>
                  <td className="num">{formatNumber(r.rows)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
      <section className="card inv-wide" aria-labelledby="inv-largest">
        <h2 id="inv-largest">Largest files</h2>
        <div className="table-scroll">
          <table className="ev-table" data-testid="inventory-largest">
            <thead>
              <tr>
                <th scope="col">path</th>
                <th scope="col">kind</th>
                <th scope="col" className="num">
                  size
                </th>
              </tr>
            </thead>
            <tbody>
              {model.largest.map((l) => (
                <tr key={l.path}>
                  <td className="inv-path">{l.path}</td>
                  <td>{l.kind}</td>
                  <td className="num">{formatBytes(l.size)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  )
}
