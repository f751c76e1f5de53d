// Filters for the open table: column, operator, value. They are sent as data and bound as
// parameters by the backend — nothing typed here becomes SQL text.
import { forwardRef, useState, type FormEvent } from 'react'
import type { Filter } from '../../../../shared/contract/inspect'

const OPS: { op: Filter['op']; label: string }[] = [
  { op: 'eq', label: '=' },
  { op: 'contains', label: 'contains' },
  { op: 'range', label: 'between' },
  { op: 'null', label: 'is NULL' },
  { op: 'notnull', label: 'is not NULL' },
]

function describe(f: Filter): string {
  switch (f.op) {
    case 'eq':
      return `${f.column} = '${f.value ?? ''}'`
    case 'contains':
      return `${f.column} contains '${f.value ?? ''}'`
    case 'range':
      return `${f.min || '−∞'} ≤ ${f.column} ≤ ${f.max || '∞'}`
    case 'null':
      return `${f.column} is NULL`
    case 'notnull':
      return `${f.column} is not NULL`
  }
}

interface Props {
  columns: string[]
  filters: Filter[]
  onChange(filters: Filter[]): void
}

export const FilterBar = forwardRef<HTMLInputElement, Props>(function FilterBar(
  { columns, filters, onChange },
  ref,
) {
  const [column, setColumn] = useState(columns[0] ?? '')
  const [op, setOp] = useState<Filter['op']>('eq')
  const [value, setValue] = useState('')
  const [max, setMax] = useState('')
  const col = columns.includes(column) ? column : (columns[0] ?? '')

  function add(e: FormEvent) {
    e.preventDefault()
    if (!col) return
    const f: Filter =
      op === 'range'
        ? { column: col, op, min: value, max }
        : op === 'null' || op === 'notnull'
          ? { column: col, op }
          : { column: col, op, value }
    onChange([...filters, f])
    setValue('')
    setMax('')
  }

  return (
    <div className="filter-bar">
      <form className="filter-form" onSubmit={add} aria-label="Add a filter">
        <select
          aria-label="Filter column"
          data-testid="filter-column"
          value={col}
          onChange={(e) => setColumn(e.target.value)}
        >
          {columns.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
        <select
          aria-label="Filter operator"
          data-testid="filter-op"
          value={op}
          onChange={(e) => setOp(e.target.value as Filter['op'])}
        >
          {OPS.map((o) => (
            <option key={o.op} value={o.op}>
              {o.label}
            </option>
          ))}
        </select>
        {op === 'null' || op === 'notnull' ? null : (
          <input
            ref={ref}
            type="search"
            data-testid="filter-value"
            aria-label={op === 'range' ? 'From' : 'Value'}
            placeholder={op === 'range' ? 'from' : 'value (Ctrl/⌘+F)'}
            value={value}
            spellCheck={false}
            onChange={(e) => setValue(e.target.value)}
          />
        )}
        {op === 'range' ? (
          <input
            type="search"
            aria-label="To"
            placeholder="to"
            value={max}
            spellCheck={false}
            onChange={(e) => setMax(e.target.value)}
          />
        ) : null}
        <button type="submit" data-testid="filter-apply">
          Filter
        </button>
      </form>
      {filters.length ? (
        <ul className="filter-chips" aria-label="Active filters">
          {filters.map((f, i) => (
            <li key={i} className="filter-chip" data-testid="filter-chip">
              <code>{describe(f)}</code>
              <button
                type="button"
                aria-label={`Remove filter ${describe(f)}`}
                onClick={() => onChange(filters.filter((_, j) => j !== i))}
              >
                ✕
              </button>
            </li>
          ))}
          <li>
            <button type="button" className="link" onClick={() => onChange([])}>
              Clear all
            </button>
          </li>
        </ul>
      ) : null}
    </div>
  )
})
