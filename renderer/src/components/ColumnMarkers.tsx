import type { ColumnModel } from '../store/schema-selectors'

function Flag({
  tone,
  icon,
  text,
  title,
}: {
  tone: string
  icon: string
  text: string
  title?: string
}) {
  return (
    <span className={`badge small tone-${tone}`} title={title}>
      <span className="badge-icon" aria-hidden="true">
        {icon}
      </span>
      {text}
    </span>
  )
}

/** PK / FK markers beside a column name, whether an index serves the FK, and its findings. */
export function ColumnMarkers({ c }: { c: ColumnModel }) {
  return (
    <span className="col-markers">
      {c.pkPosition > 0 ? (
        <span className="marker marker-pk" title={`Primary key, position ${c.pkPosition}`}>
          PK
        </span>
      ) : null}
      {c.references ? (
        <span className="marker marker-fk" title={`Foreign key to ${c.references}`}>
          FK → {c.references}
        </span>
      ) : null}
      {c.fkIndexed === false ? (
        <Flag
          tone="warn"
          icon="▲"
          text="no index"
          title="No index starts with this column: every lookup or parent delete scans the table"
        />
      ) : c.fkIndexed === true ? (
        <Flag tone="ok" icon="✔" text="indexed" />
      ) : null}
      {c.hiddenText ? <span className="tag">{c.hiddenText}</span> : null}
      {c.findingCount > 0 ? (
        <Flag
          tone="warn"
          icon="▲"
          text={c.findingCount === 1 ? '1 finding' : `${c.findingCount} findings`}
        />
      ) : null}
    </span>
  )
}
