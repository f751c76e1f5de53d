// EXPLAIN output as one tree shape for both databases: SQLite's QUERY PLAN rows link to their
// parent by id; PostgreSQL's FORMAT JSON nests "Plans".
import type { PlanNode } from '../../../shared/contract/inspect'

export function sqlitePlanTree(rows: { id: number; parent: number; detail: string }[]): PlanNode[] {
  const nodes = new Map<number, PlanNode>()
  const roots: PlanNode[] = []
  for (const r of rows) {
    const node: PlanNode = { label: r.detail, detail: null, children: [] }
    nodes.set(r.id, node)
    const parent = nodes.get(r.parent)
    if (parent) parent.children.push(node)
    else roots.push(node)
  }
  return roots
}

type PgPlan = Record<string, unknown> & { Plans?: PgPlan[] }

function pgNode(p: PgPlan, depth: number): PlanNode {
  const on = p['Relation Name'] ? ` on ${String(p['Relation Name'])}` : ''
  const using = p['Index Name'] ? ` using ${String(p['Index Name'])}` : ''
  const parts = [
    `cost=${String(p['Startup Cost'])}..${String(p['Total Cost'])}`,
    `rows=${String(p['Plan Rows'])}`,
  ]
  for (const k of ['Index Cond', 'Filter', 'Hash Cond', 'Join Filter', 'Sort Key', 'Group Key']) {
    const v = p[k]
    if (v !== undefined) parts.push(`${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`)
  }
  return {
    label: `${String(p['Node Type'])}${using}${on}`,
    detail: parts.join(' · '),
    children: depth > 50 ? [] : (p.Plans ?? []).map((c) => pgNode(c, depth + 1)),
  }
}

export function pgPlanTree(json: unknown): PlanNode[] {
  if (!Array.isArray(json)) return []
  return json.map((entry) => pgNode((entry as { Plan: PgPlan }).Plan, 0))
}
