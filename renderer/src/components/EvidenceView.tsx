import { evidenceNodes, type EvidenceNode } from '../format/evidence'
import { EvidenceTable } from './EvidenceTable'

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
          {node.children.length === 0 ? (
            <p className="muted">none</p>
          ) : (
            <EvidenceNodes nodes={node.children} />
          )}
        </section>
      )
    case 'text':
      return (
        <section className="ev-block">
          <h4>{node.label}</h4>
          <pre className="ev-pre">{node.text}</pre>
        </section>
      )
    case 'table':
      return <EvidenceTable node={node} />
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
