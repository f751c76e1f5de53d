import { evidenceNodes, type EvidenceNode } from '../format/evidence'

function NodeView({ node }: { node: EvidenceNode }) {
  switch (node.kind) {
    case 'scalar':
      return null
    case 'list':
      return (
        <section className="ev-block">
          <h4>{node.label}</h4>
          {node.items.length === 0 ? (
            <p className="muted">none</p>
          ) : (
            <ul className="ev-list">
              {node.items.map((item, i) => (
                <li key={i}>{item}</li>
              ))}
              {node.more > 0 ? (
                <li className="muted">… and {node.more.toLocaleString('en-US')} more</li>
              ) : null}
            </ul>
          )}
        </section>
      )
    case 'group':
      return (
        <section className="ev-block">
          <h4>{node.label}</h4>
          <EvidenceNodes nodes={node.children} />
        </section>
      )
    case 'table':
      return (
        <section className="ev-block">
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
              <tbody>
                {node.rows.map((row, r) => (
                  <tr key={r}>
                    {row.map((cell, c) => (
                      <td
                        key={c}
                        className={node.columns[c]?.numeric ? 'num' : undefined}
                        title={cell.title}
                      >
                        {cell.text}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {node.more > 0 ? (
            <p className="muted">… and {node.more.toLocaleString('en-US')} more rows</p>
          ) : null}
        </section>
      )
  }
}

function EvidenceNodes({ nodes }: { nodes: EvidenceNode[] }) {
  const scalars = nodes.filter(
    (n): n is Extract<EvidenceNode, { kind: 'scalar' }> => n.kind === 'scalar',
  )
  return (
    <>
      {scalars.length > 0 ? (
        <dl className="kv">
          {scalars.map((n) => (
            <div key={n.key} className="kv-row">
              <dt>{n.label}</dt>
              <dd className={n.mono ? 'mono' : undefined}>{n.text}</dd>
            </div>
          ))}
        </dl>
      ) : null}
      {nodes.map((n) => (
        <NodeView key={n.key} node={n} />
      ))}
    </>
  )
}

/** Any step's evidence, readable: key/value rows, lists, and arrays of objects as small tables. */
export function EvidenceView({ evidence }: { evidence: Record<string, unknown> }) {
  return (
    <div className="evidence" data-testid="evidence-view">
      <EvidenceNodes nodes={evidenceNodes(evidence)} />
    </div>
  )
}
