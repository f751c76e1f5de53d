import type { TableDetail, TableNode } from '../format/evidence'

function Details({ details }: { details: TableDetail[] }) {
  const pre = details.filter((d) => d.pre)
  const short = details.filter((d) => !d.pre)
  return (
    <>
      {short.length > 0 ? (
        <dl className="kv">
          {short.map((d) => (
            <div key={d.key} className="kv-row">
              <dt>{d.label}</dt>
              <dd>{d.text}</dd>
            </div>
          ))}
        </dl>
      ) : null}
      {pre.length > 0 ? (
        <div className="ev-detail-grid">
          {pre.map((d) => (
            <figure key={d.key} className="ev-figure">
              <figcaption>{d.label}</figcaption>
              <pre className="ev-pre">{d.text}</pre>
            </figure>
          ))}
        </div>
      ) : null}
    </>
  )
}

/** An array of objects: one row each; long values (query plans, SQL) open under their row. */
export function EvidenceTable({ node }: { node: TableNode }) {
  const width = node.columns.length
  // A handful of rows: show their plans straight away; many: one click each keeps it scannable.
  const openDetails = node.rows.length <= 3
  return (
    <section className="ev-block" data-testid={`ev-table-${node.key}`}>
      <h4>{node.label}</h4>
      <div className="table-scroll">
        <table className="ev-table">
          <thead>
            <tr>
              {node.columns.map((c) => (
                <th key={c.key} scope="col" className={c.numeric ? 'num' : undefined}>
                  {c.label}
                </th>
              ))}
            </tr>
          </thead>
          {node.rows.map((row, r) => {
            const details = node.details[r] ?? []
            return (
              <tbody key={r}>
                <tr>
                  {row.map((cell, c) => (
                    <td
                      key={c}
                      className={
                        node.columns[c]?.numeric
                          ? 'num'
                          : node.columns[c]?.wrap
                            ? `wrap-${node.columns[c]?.wrap}`
                            : undefined
                      }
                      title={cell.title}
                    >
                      {cell.status ? (
                        <span className={`badge tone-${cell.status.tone}`}>
                          <span className="badge-icon" aria-hidden="true">
                            {cell.status.icon}
                          </span>
                          {cell.text}
                        </span>
                      ) : (
                        cell.text
                      )}
                    </td>
                  ))}
                </tr>
                {details.length > 0 ? (
                  <tr className="ev-detail-row">
                    <td colSpan={Math.max(1, width)}>
                      <details open={openDetails}>
                        <summary>{details.map((d) => d.label).join(' · ')}</summary>
                        <Details details={details} />
                      </details>
                    </td>
                  </tr>
                ) : null}
              </tbody>
            )
          })}
        </table>
      </div>
      {node.more > 0 ? (
        <p className="muted">… and {node.more.toLocaleString('en-US')} more rows</p>
      ) : null}
    </section>
  )
}
