// The Tables screen (UI.md "what is in each database, row by row"): a source picker, the tables
// of that source on the left, and the open table's rows or the read-only SQL console on the right.
import { useEffect, useState } from 'react'
import type { TableInfo } from '../../../../shared/contract/inspect'
import { formatBytes, formatCount, formatNumber } from '../../format/numbers'
import { useFerry } from '../../store/use-ferry'
import { ErrorNote } from '../ErrorNote'
import { SqlConsole } from './SqlConsole'
import { TableView } from './TableView'

export function TablesScreen() {
  const root = useFerry((s) => s.workspace?.root ?? null)
  const targetState = useFerry((s) => s.target?.state ?? null)
  const sources = useFerry((s) => s.tablesSources)
  const source = useFerry((s) => s.tablesSource)
  const list = useFerry((s) => s.tablesList)
  const selected = useFerry((s) => s.tablesSelected)
  const loading = useFerry((s) => s.tablesLoading)
  const error = useFerry((s) => s.tablesError)
  const loadSources = useFerry((s) => s.loadTablesSources)
  const selectSource = useFerry((s) => s.selectTablesSource)
  const loadList = useFerry((s) => s.loadTablesList)
  const selectTable = useFerry((s) => s.selectTablesTable)
  const [tab, setTab] = useState<'rows' | 'sql'>('rows')

  useEffect(() => {
    if (root) void loadSources()
  }, [root, targetState, loadSources])

  const current = sources?.find((s) => s.id === source) ?? null
  const table = list?.find((t) => t.name === selected) ?? null

  return (
    <div className="tables-screen" data-testid="tables-screen">
      <header className="screen-header">
        <div className="screen-title">
          <h1>Tables</h1>
          {sources ? (
            <label className="source-picker">
              <span className="small muted">Database</span>
              <select
                data-testid="source-picker"
                value={source ?? ''}
                onChange={(e) => void selectSource(e.target.value)}
              >
                {sources.map((s) => (
                  <option key={s.id} value={s.id} disabled={!s.available}>
                    {s.label}
                    {s.available ? '' : ` — ${s.note ?? 'unavailable'}`}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          {loading ? <span className="muted small">Reading…</span> : null}
          <div className="screen-actions">
            <button type="button" onClick={() => void loadList()} disabled={!source}>
              Reload
            </button>
          </div>
        </div>
        {current ? (
          <p className="muted small">
            {current.kind === 'sqlite'
              ? 'SQLite, opened read-only'
              : 'PostgreSQL, read-only transactions'}{' '}
            · <code>{current.location}</code>
          </p>
        ) : null}
      </header>

      {!root ? (
        <p className="empty-state">
          No workspace open — open a folder or create the demo workspace on the Checklist screen.
        </p>
      ) : error ? (
        <div className="notice">
          <ErrorNote error={error} title="Could not list the tables" testId="tables-error" />
          <button type="button" onClick={() => void loadSources()}>
            Try again
          </button>
        </div>
      ) : !source ? (
        <p className="empty-state muted">
          {sources
            ? 'No database to browse yet: state.db is missing and the target is not connected.'
            : 'Reading…'}
        </p>
      ) : (
        <div className="tables-body">
          <nav className="schema-list" aria-label="Tables">
            <p className="small muted">
              {list ? `${formatNumber(list.length)} tables` : 'Reading…'}
            </p>
            <ul>
              {(list ?? []).map((t) => (
                <li key={t.name}>
                  <button
                    type="button"
                    className="table-item"
                    data-testid={`tables-item-${t.name}`}
                    aria-current={t.name === selected ? 'true' : undefined}
                    onClick={() => {
                      selectTable(t.name)
                      setTab('rows')
                    }}
                  >
                    <span className="table-item-name">{t.name}</span>
                    <span className="table-item-meta">
                      {t.rows === null
                        ? 'rows unknown'
                        : `${t.rowsExact ? '' : '≈ '}${formatCount(t.rows, 'row')}`}
                      {t.bytes !== null
                        ? ` · ${t.bytesFrom === 'pages' ? '≈ ' : ''}${formatBytes(t.bytes)}`
                        : ''}{' '}
                      · {t.indexes} {t.indexes === 1 ? 'index' : 'indexes'}
                    </span>
                    {t.migration ? <MigrationLine m={t.migration} /> : null}
                  </button>
                </li>
              ))}
            </ul>
          </nav>
          <div className="tables-main">
            <div className="tabs" role="tablist" aria-label="View">
              <button
                type="button"
                role="tab"
                aria-selected={tab === 'rows'}
                data-testid="tab-rows"
                onClick={() => setTab('rows')}
              >
                Rows
              </button>
              <button
                type="button"
                role="tab"
                aria-selected={tab === 'sql'}
                data-testid="tab-sql"
                onClick={() => setTab('sql')}
              >
                SQL console
              </button>
            </div>
            {tab === 'sql' ? (
              <SqlConsole source={source} sourceLabel={current?.label ?? source} />
            ) : table ? (
              <TableView key={`${source}/${table.name}`} source={source} table={table} />
            ) : (
              <p className="empty-state muted">Pick a table on the left to browse its rows.</p>
            )}
          </div>
        </div>
      )}
    </div>
  )
}

/** p3.migrate's last word on a table: shape + word, never colour alone (UI.md). */
function MigrationLine({ m }: { m: NonNullable<TableInfo['migration']> }) {
  const [icon, word, tone] =
    m.equal === true
      ? ['✔', 'migrated · validated equal', 'ok']
      : m.equal === false
        ? ['✖', 'migrated · validation found differences', 'bad']
        : ['○', 'migrated · not validated', 'idle']
  return (
    <span
      className={`table-item-flag tone-${tone}`}
      title={m.at ? new Date(m.at).toLocaleString() : undefined}
    >
      <span aria-hidden="true">{icon}</span> {word}
      {m.rejectedRows ? ` · ${formatNumber(m.rejectedRows)} rejected` : ''}
    </span>
  )
}
