import { describe, expect, it } from 'vitest'
import { FerryError } from '../../shared/contract/envelope'
import type { CompositeProposal } from '../../electron/core/sqlite/fk-advisor-composite'
import {
  proposalsOf,
  renderWorkloadIndexMigration,
  selectProposals,
} from '../../electron/core/sqlite/workload-indexes'

const proposal = (
  index: string,
  table: string,
  columns: string[],
  query: string,
): CompositeProposal => ({
  index,
  table,
  columns,
  sql: 'DROP TABLE agents', // never used: the SQL is rebuilt from name and columns
  query,
  p95Before: 6,
  p95After: 0.1,
  speedup: 60,
  recommended: true,
  planBefore: 'SCAN',
  planAfter: 'SEARCH',
})

const PROPOSALS = [
  proposal(
    'idx_events_agent_id_created_at',
    'events',
    ['agent_id', 'created_at'],
    'agent_recent_events',
  ),
  proposal('idx_tasks_agent_id_status', 'tasks', ['agent_id', 'status'], 'agent_open_tasks'),
  proposal(
    'idx_events_agent_id_created_at',
    'events',
    ['agent_id', 'created_at'],
    'agent_timeline',
  ),
]

describe('selectProposals', () => {
  it('groups the chosen proposals per index and rebuilds their SQL', () => {
    const out = selectProposals(PROPOSALS, ['idx_events_agent_id_created_at'])
    expect(out).toHaveLength(1)
    expect(out[0]).toMatchObject({
      index: 'idx_events_agent_id_created_at',
      table: 'events',
      columns: ['agent_id', 'created_at'],
      sql: 'CREATE INDEX "idx_events_agent_id_created_at" ON "events" ("agent_id", "created_at")',
    })
    expect(out[0]!.proposals.map((p) => p.query)).toEqual(['agent_recent_events', 'agent_timeline'])
  })

  it('refuses a name that is not a proposal, naming it', () => {
    let err: unknown
    try {
      selectProposals(PROPOSALS, ['idx_tasks_agent_id_status', 'idx_nope'])
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(FerryError)
    expect((err as FerryError).code).toBe('UNKNOWN_PROPOSAL')
    expect((err as FerryError).message).toContain('idx_nope')
    expect((err as FerryError).message).not.toContain('idx_tasks_agent_id_status')
  })

  it('refuses everything when there are no proposals', () => {
    expect(() => selectProposals([], ['idx_a'])).toThrow(/Not among the latest index proposals/)
  })
})

describe('renderWorkloadIndexMigration', () => {
  it('creates exactly the accepted indexes and drops exactly them', () => {
    const { up, down } = renderWorkloadIndexMigration(
      selectProposals(PROPOSALS, ['idx_tasks_agent_id_status', 'idx_events_agent_id_created_at']),
    )
    expect(up.match(/^CREATE INDEX .*;$/gm)).toEqual([
      'CREATE INDEX "idx_events_agent_id_created_at" ON "events" ("agent_id", "created_at");',
      'CREATE INDEX "idx_tasks_agent_id_status" ON "tasks" ("agent_id", "status");',
    ])
    expect(up).not.toContain('DROP TABLE')
    expect(down.match(/^DROP .*;$/gm)).toEqual([
      'DROP INDEX IF EXISTS "idx_events_agent_id_created_at";',
      'DROP INDEX IF EXISTS "idx_tasks_agent_id_status";',
    ])
    // Deterministic: the same choice renders the same text (and so the same checksum).
    expect(
      renderWorkloadIndexMigration(
        selectProposals(PROPOSALS, ['idx_tasks_agent_id_status', 'idx_events_agent_id_created_at']),
      ).up,
    ).toBe(up)
  })
})

describe('proposalsOf', () => {
  it('keeps well-formed proposals and tolerates missing evidence', () => {
    expect(proposalsOf(null)).toEqual([])
    expect(proposalsOf({ proposals: 'x' })).toEqual([])
    expect(proposalsOf({ proposals: [PROPOSALS[0], { index: 1 }, null] })).toEqual([PROPOSALS[0]])
  })
})
