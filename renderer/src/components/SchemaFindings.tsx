import type { FindingView } from '../format/findings'

/** What the profile found wrong in the data: orphans, invalid JSON… with counts and samples. */
export function SchemaFindings({
  findings,
  showTable,
}: {
  findings: FindingView[]
  showTable?: boolean
}) {
  if (findings.length === 0) return null
  return (
    <ul className="findings" data-testid="schema-findings">
      {findings.map((f) => (
        <li key={f.key} className="finding">
          <p className="finding-head">
            <span className="badge tone-warn">
              <span className="badge-icon" aria-hidden="true">
                ▲
              </span>
              {f.kindLabel}
            </span>
            {showTable && f.table ? <code>{f.table}</code> : null}
            {f.column ? <code>{showTable && f.table ? `.${f.column}` : f.column}</code> : null}
            <span className="finding-count">{f.countText}</span>
          </p>
          {f.message ? <p>{f.message}</p> : null}
          {f.facts.length > 0 ? (
            <dl className="kv compact">
              {f.facts.map((x) => (
                <div key={x.key} className="kv-row">
                  <dt>{x.label}</dt>
                  <dd>{x.text}</dd>
                </div>
              ))}
            </dl>
          ) : null}
          {f.samples.length > 0 ? (
            <div className="samples">
              <span className="small muted">{f.samplesLabel}:</span>{' '}
              <ul className="inline-list">
                {f.samples.map((s, i) => (
                  <li key={i}>
                    <code>{s}</code>
                  </li>
                ))}
                {f.moreSamples > 0 ? (
                  <li className="muted small">
                    … and {f.moreSamples.toLocaleString('en-US')} more
                  </li>
                ) : null}
              </ul>
            </div>
          ) : null}
        </li>
      ))}
    </ul>
  )
}
