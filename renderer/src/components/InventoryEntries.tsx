import { useMemo, useState } from 'react'
import { formatBytes, formatNumber } from '../format/numbers'
import {
  DEFAULT_QUERY,
  type InventoryEntryView,
  isProblem,
  nextQuery,
  parseText,
  planText,
  queryEntries,
  RENDER_CAP,
  type SortKey,
  visibleRows,
} from '../store/inventory-selectors'

const COLUMNS: { key: SortKey; label: string; num?: boolean }[] = [
  { key: 'path', label: 'path' },
  { key: 'kind', label: 'kind' },
  { key: 'size', label: 'size', num: true },
  { key: 'records', label: 'records', num: true },
  { key: 'parse', label: 'parse' },
  { key: 'plan', label: 'plan' },
]

function EntryRow({ e }: { e: InventoryEntryView }) {
  const hostile = e.hazards.length > 0
  const parse = parseText(e)
  const bad = e.parse === 'errors' || e.parse === 'failed'
  return (
    <tr
      data-testid="inventory-entry"
      data-path={e.path}
      className={hostile ? 'inv-hostile' : undefined}
    >
      <td className="inv-path">
        {hostile ? (
          <span className="inv-hazard" title={e.hazards.join('; ')}>
            <span aria-hidden="true">▲ </span>
            <span className="visually-hidden">Hostile or damaged: {e.hazards.join('; ')}. </span>
          </span>
        ) : null}
        <span title={e.pathHex ? `exact bytes (hex): ${e.pathHex}` : undefined}>{e.path}</span>
        {e.secrets > 0 ? (
          <span
            className="badge tone-warn inv-secret"
            data-testid="secret-mark"
            title="Secret-looking values; the import stores them redacted"
          >
            secret · {formatNumber(e.secrets)}
          </span>
        ) : null}
        {hostile ? <div className="small inv-hazard-text">{e.hazards.join('; ')}</div> : null}
      </td>
      <td>{e.kind}</td>
      <td className="num" title={`${formatNumber(e.size)} bytes`}>
        {e.type === 'file' ? formatBytes(e.size) : '—'}
      </td>
      <td className="num">{e.records === null ? '—' : formatNumber(e.records)}</td>
      <td className={bad ? 'inv-parse inv-parse-bad' : 'inv-parse'}>
        {bad ? <span aria-hidden="true">✖ </span> : null}
        {parse}
      </td>
      <td
        className={e.plan.action === 'import' ? 'inv-plan' : 'inv-plan muted'}
        title={e.plan.action === 'import' ? `staged in ${e.plan.table}` : undefined}
      >
        {planText(e.plan)}
      </td>
    </tr>
  )
}

/** Every entry under .claude/: filter by path text or to the problems, sort by any column. */
export function InventoryEntries({ entries }: { entries: readonly InventoryEntryView[] }) {
  const [query, setQuery] = useState(DEFAULT_QUERY)
  const sorted = useMemo(() => queryEntries(entries, query), [entries, query])
  const { rows, hidden } = visibleRows(sorted)
  const problems = useMemo(() => entries.filter(isProblem).length, [entries])

  return (
    <section className="card" aria-labelledby="inv-entries">
      <div className="card-head">
        <h2 id="inv-entries">All entries</h2>
        <span className="muted small" data-testid="inventory-count">
          {sorted.length === entries.length
            ? `${formatNumber(entries.length)} entries`
            : `${formatNumber(sorted.length)} of ${formatNumber(entries.length)} entries`}
        </span>
      </div>
      <div className="inv-filters">
        <label>
          <span className="small muted">Filter by path</span>{' '}
          <input
            type="search"
            data-testid="inventory-filter"
            spellCheck={false}
            value={query.text}
            onChange={(ev) => setQuery({ ...query, text: ev.target.value })}
          />
        </label>
        <label>
          <input
            type="checkbox"
            data-testid="inventory-problems-only"
            checked={query.problemsOnly}
            onChange={(ev) => setQuery({ ...query, problemsOnly: ev.target.checked })}
          />{' '}
          problems only ({formatNumber(problems)})
        </label>
      </div>
      {hidden > 0 ? (
        <p className="muted small" role="note" data-testid="inventory-capped">
          Showing the first {formatNumber(RENDER_CAP)} of {formatNumber(sorted.length)} entries in
          this order; filter or sort to see the others.
        </p>
      ) : null}
      <div className="table-scroll">
        <table className="ev-table inv-entries" data-testid="inventory-entries">
          <thead>
            <tr>
              {COLUMNS.map((c) => {
                const active = query.sort === c.key
                return (
                  <th
                    key={c.key}
                    scope="col"
                    className={c.num ? 'num' : undefined}
                    aria-sort={active ? (query.desc ? 'descending' : 'ascending') : 'none'}
                  >
                    <button
                      type="button"
                      className="sort-button"
                      data-testid={`sort-${c.key}`}
                      onClick={() => setQuery(nextQuery(query, c.key))}
                    >
                      {c.label}
                      <span aria-hidden="true">{active ? (query.desc ? ' ↓' : ' ↑') : ''}</span>
                    </button>
                  </th>
                )
              })}
            </tr>
          </thead>
          <tbody>
            {rows.map((e) => (
              <EntryRow key={e.path} e={e} />
            ))}
          </tbody>
        </table>
      </div>
      {rows.length === 0 ? <p className="muted">No entries match.</p> : null}
    </section>
  )
}
