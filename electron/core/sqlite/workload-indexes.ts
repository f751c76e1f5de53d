// The composite indexes p1.test-current proposed, as the user accepts them: which proposals the
// names pick (only names the latest proposals hold), and the migration file pair that creates
// them. Pure: the job (workload-indexes-accept.ts) does the reading, writing and timing.
import { FerryError } from '../../../shared/contract/envelope'
import type { CompositeProposal } from './fk-advisor-composite'
import { dropIndexSql, indexSql } from './fk-advisor'

export const WORKLOAD_INDEX_SLUG = 'workload_indexes'

export interface AcceptedIndex {
  index: string
  table: string
  columns: string[]
  sql: string
  /** The workload queries it was proposed for, with the p95 measured on the scratch copy. */
  proposals: CompositeProposal[]
}

/** Loose check of what the journal holds: evidence written by an older Ferry may lack fields. */
export function proposalsOf(evidence: unknown): CompositeProposal[] {
  const list = (evidence as { proposals?: unknown } | null)?.proposals
  if (!Array.isArray(list)) return []
  return list.filter(
    (p): p is CompositeProposal =>
      typeof p === 'object' &&
      p !== null &&
      typeof (p as CompositeProposal).index === 'string' &&
      typeof (p as CompositeProposal).table === 'string' &&
      Array.isArray((p as CompositeProposal).columns) &&
      typeof (p as CompositeProposal).sql === 'string' &&
      typeof (p as CompositeProposal).query === 'string',
  )
}

/**
 * The accepted indexes, in the order the proposals list them, one per index (a proposal row is
 * per query). Every name must be a current proposal: anything else is refused, nothing is chosen.
 */
export function selectProposals(
  proposals: readonly CompositeProposal[],
  names: readonly string[],
): AcceptedIndex[] {
  const known = new Set(proposals.map((p) => p.index))
  const unknown = [...new Set(names)].filter((n) => !known.has(n))
  if (unknown.length) {
    throw new FerryError(
      'UNKNOWN_PROPOSAL',
      `Not among the latest index proposals of p1.test-current: ${unknown.join(', ')}`,
      known.size
        ? `Choose from: ${[...known].join(', ')} ("ferry indexes proposals" lists them).`
        : 'There are no proposals: run p1.test-current first (ferry run p1.test-current).',
    )
  }
  if (!names.length)
    throw new FerryError('USAGE', 'No index chosen', 'Name at least one proposed index.')
  const wanted = new Set(names)
  const out = new Map<string, AcceptedIndex>()
  for (const p of proposals) {
    if (!wanted.has(p.index)) continue
    const known = out.get(p.index)
    if (known) known.proposals.push(p)
    else
      out.set(p.index, {
        index: p.index,
        table: p.table,
        columns: [...p.columns],
        // Rebuilt from the name and columns, never the stored text: the journal is data, not code.
        sql: indexSql(p.index, p.table, p.columns),
        proposals: [p],
      })
  }
  return [...out.values()]
}

/** Deterministic text (no timestamps); each index is listed in a `-- ferry:index` comment. */
export function renderWorkloadIndexMigration(indexes: readonly AcceptedIndex[]): {
  up: string
  down: string
} {
  const up = [
    '-- Ferry: composite indexes for the typical workload, proposed by p1.test-current and accepted',
    '-- by the user (filter columns, then the sort column). Immutable once applied (its SHA-256 is',
    '-- recorded in schema_migrations). The .down.sql beside it drops exactly these.',
    ...indexes.map(
      (i) =>
        `-- ferry:index ${JSON.stringify({ index: i.index, table: i.table, columns: i.columns, queries: i.proposals.map((p) => p.query) })}`,
    ),
    '',
    ...indexes.map((i) => `${i.sql};`),
    '',
  ].join('\n')
  const down = [
    '-- Undo of the accepted workload indexes: drops the indexes the migration created, and nothing else.',
    '',
    ...indexes.map((i) => `${dropIndexSql(i.index)};`),
    '',
  ].join('\n')
  return { up, down }
}
