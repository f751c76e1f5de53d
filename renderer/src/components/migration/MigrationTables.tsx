import type { MigrationTable } from '../../../../shared/contract/migration'
import { formatBytes, formatCompact, formatNumber, formatSeconds } from '../../format/numbers'

const STATUS_VIEW: Record<MigrationTable['status'], { icon: string; tone: string; word: string }> =
  {
    waiting: { icon: '○', tone: 'tone-idle', word: 'waiting' },
    loading: { icon: '●', tone: 'tone-busy', word: 'loading' },
    done: { icon: '✔', tone: 'tone-ok', word: 'done' },
    failed: { icon: '✖', tone: 'tone-bad', word: 'failed' },
  }

/** One progress bar per table: rows done/total, rate, MB/s, ETA, rejected rows. */
export function MigrationTables({
  tables,
  onRejects,
}: {
  tables: readonly MigrationTable[]
  onRejects(): void
}) {
  const rows = [...tables].sort((a, b) => b.totalRows - a.totalRows)
  return (
    <table className="ev-table mig-tables" data-testid="migration-tables">
      <thead>
        <tr>
          <th scope="col">Table</th>
          <th scope="col">Status</th>
          <th scope="col" className="mig-bar-col">
            Rows
          </th>
          <th scope="col">Rate</th>
          <th scope="col">ETA</th>
          <th scope="col">Rejected</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((t) => {
          const v = STATUS_VIEW[t.status]
          const pct = t.totalRows > 0 ? Math.min(100, (t.doneRows / t.totalRows) * 100) : 100
          return (
            <tr
              key={t.table}
              data-testid="migration-table"
              data-table={t.table}
              data-status={t.status}
            >
              <th scope="row">{t.table}</th>
              <td>
                <span className={`badge ${v.tone}`}>
                  <span className="badge-icon" aria-hidden="true">
                    {v.icon}
                  </span>
                  {v.word}
                </span>
              </td>
              <td className="mig-bar-col">
                <div
                  className="progress-track"
                  role="progressbar"
                  aria-label={`${t.table} rows`}
                  aria-valuemin={0}
                  aria-valuemax={100}
                  aria-valuenow={Math.round(pct)}
                >
                  <div className="progress-fill" style={{ width: `${pct}%` }} />
                </div>
                <span className="mig-count" data-testid="migration-table-count">
                  {formatNumber(t.doneRows)} / {formatNumber(t.totalRows)} rows · {Math.floor(pct)}%
                </span>
              </td>
              <td className="num">
                {t.rowsPerSec !== null ? `${formatCompact(t.rowsPerSec)} rows/s` : '—'}
                <div className="muted">
                  {t.mbPerSec !== null
                    ? `${formatNumber(Math.round(t.mbPerSec * 10) / 10)} MB/s · `
                    : ''}
                  {formatBytes(t.bytes)}
                </div>
              </td>
              <td className="num">
                {t.status === 'done'
                  ? '—'
                  : t.etaSeconds !== null
                    ? formatSeconds(t.etaSeconds)
                    : '…'}
              </td>
              <td className="num">
                {t.rejectedRows > 0 ? (
                  <button type="button" className="link-button" onClick={onRejects}>
                    {formatNumber(t.rejectedRows)}
                  </button>
                ) : (
                  '0'
                )}
              </td>
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}
