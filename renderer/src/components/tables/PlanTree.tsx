import type { PlanNode } from '../../../../shared/contract/inspect'

/** A query plan as nested lists: each operation, its detail, the operations under it. */
export function PlanTree({ nodes }: { nodes: PlanNode[] }) {
  return (
    <ul className="plan-tree">
      {nodes.map((n, i) => (
        <li key={i}>
          <span className="plan-label">{n.label}</span>
          {n.detail ? <span className="plan-detail small muted"> {n.detail}</span> : null}
          {n.children.length ? <PlanTree nodes={n.children} /> : null}
        </li>
      ))}
    </ul>
  )
}
