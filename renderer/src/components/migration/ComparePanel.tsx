import type { CompareResult } from '../../../../shared/contract/migration'
import { keyDisplay } from '../../../../shared/contract/row-key'

interface Props {
  tables: readonly string[]
  data: CompareResult | null
  busy: boolean
  onLoad(input: { table: string; after?: string | null; keys?: string[] }): void
}

/** Source (memory.db) and target rows side by side by key; differing cells highlighted. */
export function ComparePanel({ tables, data, busy, onLoad }: Props) {
  const table = data?.table ?? tables[0] ?? null
  return (
    <div className="mig-compare" data-testid="compare">
      <div className="actions">
        <label>
          Table{' '}
          <select
            data-testid="compare-table"
            value={table ?? ''}
            onChange={(e) => onLoad({ table: e.target.value })}
          >
            {tables.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <button type="button" disabled={!table || busy} onClick={() => table && onLoad({ table })}>
          First rows
        </button>
        {data?.nextAfter ? (
          <button
            type="button"
            disabled={busy}
            onClick={() => onLoad({ table: data.table, after: data.nextAfter })}
          >
            Next rows
          </button>
        ) : null}
        <button
          type="button"
          data-testid="compare-bisect"
          disabled={busy || !data || data.bisectKeys.length === 0}
          onClick={() => data && onLoad({ table: data.table, keys: data.bisectKeys })}
        >
          Rows validation found different ({data?.bisectKeys.length ?? 0})
        </button>
      </div>
      {data && !data.keyed ? (
        <p className="muted">
          This table has no primary key nor UNIQUE columns: its rows cannot be matched by key in the
          target; the source side is shown.
        </p>
      ) : null}
      {data ? (
        <div className="mig-compare-scroll">
          <table
            className="ev-table mig-compare-table"
            data-testid="compare-rows"
            data-table={data.table}
          >
            <thead>
              <tr>
                <th scope="col">Key</th>
                <th scope="col">Side</th>
                {data.columns.map((c) => (
                  <th scope="col" key={c.source} title={c.type}>
                    {c.source}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {data.rows.flatMap((r) =>
                (['source', 'target'] as const).map((side) => {
                  const vals = r[side]
                  return (
                    <tr
                      key={`${r.key}-${side}`}
                      data-testid={side === 'source' ? 'compare-row' : undefined}
                      data-key={r.key}
                      data-state={r.state}
                      className={`cmp-${r.state}`}
                    >
                      {side === 'source' ? (
                        <th scope="row" rowSpan={2}>
                          {keyDisplay(r.key)}
                          <div className="muted">{r.state}</div>
                        </th>
                      ) : null}
                      <td className="muted cmp-side">
                        {side === 'source' ? 'memory.db' : 'PostgreSQL'}
                      </td>
                      {data.columns.map((c, i) => {
                        const diff = r.differentColumns.includes(c.source)
                        const v = vals ? vals[i] : undefined
                        return (
                          <td
                            key={c.source}
                            className={diff ? 'cmp-diff' : undefined}
                            data-diff={diff ? 'true' : undefined}
                          >
                            {v === undefined ? (
                              <span className="muted">(no row)</span>
                            ) : v === null ? (
                              <span className="null">NULL</span>
                            ) : v.length > 80 ? (
                              `${v.slice(0, 80)}…`
                            ) : (
                              v
                            )}
                          </td>
                        )
                      })}
                    </tr>
                  )
                }),
              )}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">Pick a table to compare its rows.</p>
      )}
    </div>
  )
}
