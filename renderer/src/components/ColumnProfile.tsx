import type { ColumnModel } from '../store/schema-selectors'

interface CellProps {
  column: ColumnModel
  expanded: boolean
  onToggle(): void
}

/** The profile's short facts as chips; a button opens the distinct values and other details. */
export function ColumnProfileCell({ column, expanded, onToggle }: CellProps) {
  const p = column.profile
  if (!p) return <span className="muted">—</span>
  const more = (p.values?.length ?? 0) > 0 || p.facts.length > 0 || p.valuesNote !== null
  return (
    <span className="chips">
      {p.chips.map((chip) =>
        chip.warn ? (
          <span key={chip.key} className="chip badge tone-warn">
            <span className="badge-icon" aria-hidden="true">
              ▲
            </span>
            {chip.text}
          </span>
        ) : (
          <span key={chip.key} className="chip">
            {chip.text}
          </span>
        ),
      )}
      {more ? (
        <button
          type="button"
          className="icon-button"
          aria-expanded={expanded}
          data-testid={`column-more-${column.name}`}
          onClick={onToggle}
        >
          {expanded ? 'Hide values' : p.values ? 'Values…' : 'More…'}
        </button>
      ) : null}
    </span>
  )
}

/** The distinct values with their counts (workspace content, shown as text) and other facts. */
export function ColumnValues({ column }: { column: ColumnModel }) {
  const p = column.profile
  if (!p) return null
  return (
    <div className="column-values" aria-label={`Values of ${column.name}`}>
      {p.values && p.values.length > 0 ? (
        <ul className="value-list">
          {p.values.map((v, i) => (
            <li key={i}>
              <code className={v.isNull ? 'muted' : undefined}>{v.text}</code>
              {v.type && !v.isNull ? <span className="muted small"> {v.type}</span> : null}
              <span className="value-count">{v.countText}</span>
            </li>
          ))}
        </ul>
      ) : null}
      {p.valuesNote ? <p className="muted small">{p.valuesNote}</p> : null}
      {p.facts.length > 0 ? (
        <dl className="kv compact">
          {p.facts.map((f) => (
            <div key={f.key} className="kv-row">
              <dt>{f.label}</dt>
              <dd>{f.text}</dd>
            </div>
          ))}
        </dl>
      ) : null}
    </div>
  )
}
