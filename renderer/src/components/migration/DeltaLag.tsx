import { useEffect } from 'react'
import type { MigrationLag } from '../../../../shared/contract/migration'
import { formatNumber } from '../../format/numbers'
import { useFerry } from '../../store/use-ferry'
import { ErrorNote } from '../ErrorNote'

/**
 * Delta sync's lag per table: rows in memory.db not yet on the target (new rows past the key
 * high-water mark, and copied rows whose time column moved since), what `ferry migrate-sqlite
 * --delta` (or re-running p3.migrate) would copy. A table without a time column has its rows
 * compared (changed rows unknown until then: "?"); tables whose changes cannot be found say so.
 */
export function DeltaLag({ data }: { data: MigrationLag }) {
  if (!data.available)
    return (
      <p className="muted" data-testid="delta-lag-empty">
        {data.note ?? 'No lag to show yet.'}
      </p>
    )
  const total = data.tables.reduce((n, t) => n + t.lag, 0)
  const compared = data.tables.some((t) => t.status === 'compared')
  return (
    <div data-testid="delta-lag">
      <p className="muted">
        {total === 0
          ? compared
            ? 'Every new row is copied; changes in the tables whose rows are compared show when the delta runs.'
            : 'Every row is copied: the target is in step with memory.db.'
          : `${formatNumber(total)} row(s) not yet copied; re-run “Migrate” (p3.migrate) to copy only these.`}{' '}
        Computed {new Date(data.computedAt).toLocaleTimeString()}.
      </p>
      <div className="table-scroll">
        <table className="ev-table">
          <thead>
            <tr>
              <th scope="col">Table</th>
              <th scope="col">Lag</th>
              <th scope="col">New rows</th>
              <th scope="col">Changed rows</th>
              <th scope="col">Deleted in SQLite</th>
              <th scope="col">Changes tracked by</th>
            </tr>
          </thead>
          <tbody>
            {data.tables.map((t) => (
              <tr key={t.table} data-testid="delta-lag-row" data-table={t.table}>
                <th scope="row">{t.table}</th>
                <td className="num" data-testid="delta-lag-value">
                  {formatNumber(t.lag)}
                </td>
                <td className="num">{formatNumber(t.newRows)}</td>
                <td className="num">
                  {t.changedRows === null ? '?' : formatNumber(t.changedRows)}
                </td>
                <td className="num">{t.deletedRows ? formatNumber(t.deletedRows) : '—'}</td>
                <td>
                  {t.status === 'ok' ? (
                    <code>{t.timeColumn}</code>
                  ) : t.status === 'compared' ? (
                    <span className="muted" title={t.reason ?? undefined}>
                      every row compared (no time column)
                    </span>
                  ) : (
                    <>
                      <span className="badge tone-warn" title={t.reason ?? undefined}>
                        <span className="badge-icon" aria-hidden="true">
                          ▲
                        </span>
                        full recopy needed
                      </span>{' '}
                      {/* The cause in short; the whole sentence is the badge's tooltip. */}
                      <span className="muted">{t.reason?.split(',')[0]}</span>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  )
}

/** The Migration screen's card: the lag, computed when the user asks (and once when shown). */
export function DeltaLagSection() {
  const lag = useFerry((s) => s.lag)
  const busy = useFerry((s) => s.lagBusy)
  const error = useFerry((s) => s.lagError)
  const load = useFerry((s) => s.loadLag)
  useEffect(() => {
    void load()
  }, [load])
  return (
    <section className="card" aria-labelledby="mig-lag-title" data-testid="delta-lag-card">
      <div className="card-head">
        <h2 id="mig-lag-title">Delta sync: lag per table</h2>
        <button type="button" disabled={busy} onClick={() => void load()}>
          {busy ? 'Counting…' : 'Recompute lag'}
        </button>
      </div>
      {error ? <ErrorNote error={error} title="Could not compute the lag" /> : null}
      {lag ? <DeltaLag data={lag} /> : busy ? <p className="muted">Counting rows…</p> : null}
    </section>
  )
}
