import type { KeyboardEvent } from 'react'
import type { TableListItem } from '../store/schema-selectors'

interface Props {
  items: TableListItem[]
  total: number
  selected: string | null
  filter: string
  onFilter(text: string): void
  onSelect(name: string): void
}

function focusRow(list: HTMLElement | null, index: number) {
  const rows = list ? [...list.querySelectorAll<HTMLButtonElement>('.table-item')] : []
  rows[Math.max(0, Math.min(rows.length - 1, index))]?.focus()
}

/** The tables of state.db, filterable; arrow keys move through them and select as they go. */
export function SchemaTableList({ items, total, selected, filter, onFilter, onSelect }: Props) {
  function onListKeyDown(e: KeyboardEvent<HTMLUListElement>) {
    if (!['ArrowDown', 'ArrowUp', 'Home', 'End'].includes(e.key)) return
    const rows = [...e.currentTarget.querySelectorAll<HTMLButtonElement>('.table-item')]
    const at = rows.indexOf(document.activeElement as HTMLButtonElement)
    if (at < 0) return
    e.preventDefault()
    const next =
      e.key === 'Home'
        ? 0
        : e.key === 'End'
          ? rows.length - 1
          : at + (e.key === 'ArrowDown' ? 1 : -1)
    const clamped = Math.max(0, Math.min(rows.length - 1, next))
    rows[clamped]?.focus()
    const name = items[clamped]?.name
    if (name) onSelect(name)
  }

  function onFilterKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    const first = items[0]
    if (!first) return
    if (e.key === 'Enter') {
      e.preventDefault()
      onSelect(first.name)
    } else if (e.key === 'ArrowDown') {
      e.preventDefault()
      onSelect(first.name)
      focusRow(e.currentTarget.closest('.schema-list')?.querySelector('ul') ?? null, 0)
    }
  }

  return (
    <div className="schema-list">
      <label htmlFor="table-filter" className="small muted">
        Filter tables
      </label>
      <input
        id="table-filter"
        data-testid="table-filter"
        type="search"
        spellCheck={false}
        autoComplete="off"
        placeholder="name contains…"
        value={filter}
        onChange={(e) => onFilter(e.target.value)}
        onKeyDown={onFilterKeyDown}
      />
      <p className="small muted" aria-live="polite">
        {items.length === total
          ? `${total.toLocaleString('en-US')} tables`
          : `${items.length.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} tables`}
      </p>
      <ul aria-label="Tables" onKeyDown={onListKeyDown}>
        {items.map((t) => (
          <li key={t.name}>
            <button
              type="button"
              className="table-item"
              data-testid={`table-${t.name}`}
              aria-current={t.name === selected ? 'true' : undefined}
              onClick={() => onSelect(t.name)}
            >
              <span className="table-item-name">{t.name}</span>
              <span className="table-item-meta">
                {t.rowsText} · {t.metaText}
              </span>
              {t.findingsText ? (
                <span className="badge tone-warn table-item-flag">
                  <span className="badge-icon" aria-hidden="true">
                    ▲
                  </span>
                  {t.findingsText}
                </span>
              ) : null}
            </button>
          </li>
        ))}
      </ul>
      {items.length === 0 ? (
        <p className="muted small">No table name contains “{filter}”.</p>
      ) : null}
    </div>
  )
}
