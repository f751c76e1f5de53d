import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import type { PlanStep } from '../../../shared/contract/types'
import { ProposalsAccept, proposalRows } from '../../../renderer/src/components/ProposalsAccept'

describe('proposalRows', () => {
  it('lists each proposed index once, with its before/after and recommendation', () => {
    const rows = proposalRows({
      proposals: [
        {
          index: 'idx_a',
          table: 'events',
          columns: ['agent_id', 'created_at'],
          query: 'q1',
          p95Before: 6,
          p95After: 0.1,
          recommended: true,
        },
        {
          index: 'idx_a',
          table: 'events',
          columns: ['agent_id', 'created_at'],
          query: 'q2',
          p95Before: 5,
          p95After: 0.2,
          recommended: true,
        },
        {
          index: 'idx_b',
          table: 'tasks',
          columns: ['agent_id'],
          query: 'q3',
          p95Before: 0.1,
          p95After: 0.09,
        },
        { index: 'idx_c', p95Before: 'slow' },
        null,
      ],
    })
    expect(rows).toEqual([
      {
        index: 'idx_a',
        table: 'events',
        columns: ['agent_id', 'created_at'],
        query: 'q1',
        p95Before: 6,
        p95After: 0.1,
        recommended: true,
      },
      {
        index: 'idx_b',
        table: 'tasks',
        columns: ['agent_id'],
        query: 'q3',
        p95Before: 0.1,
        p95After: 0.09,
        recommended: false,
      },
    ])
  })

  it('is empty without proposals', () => {
    expect(proposalRows(null)).toEqual([])
    expect(proposalRows({ proposals: 3 })).toEqual([])
  })
})

function step(id: string, evidence: Record<string, unknown> | null): PlanStep {
  return {
    id,
    title: id,
    description: '',
    available: true,
    undoable: false,
    state: {
      stepId: id,
      status: 'done',
      runId: null,
      startedAt: null,
      finishedAt: null,
      evidence,
      error: null,
      progress: null,
      confirmation: null,
    },
    warning: null,
  }
}

describe('ProposalsAccept', () => {
  const evidence = {
    proposals: [
      {
        index: 'idx_a',
        table: 'events',
        columns: ['agent_id'],
        query: 'q1',
        p95Before: 6,
        p95After: 0.1,
        recommended: true,
      },
      {
        index: 'idx_b',
        table: 'tasks',
        columns: ['agent_id'],
        query: 'q3',
        p95Before: 0.1,
        p95After: 0.09,
        recommended: false,
      },
    ],
  }
  const render = (s: PlanStep): string =>
    renderToStaticMarkup(
      createElement(ProposalsAccept, { step: s, accept: () => Promise.resolve({}) }),
    )

  it('pre-checks the recommended proposals and shows before → after', () => {
    const html = render(step('p1.test-current', evidence))
    expect(html).toMatch(
      /data-testid="proposal-idx_a"[^>]*checked|checked=""[^>]*data-testid="proposal-idx_a"/,
    )
    expect(html).not.toMatch(/checked=""[^>]*data-testid="proposal-idx_b"/)
    expect(html).toContain('6.000 ms → 0.100 ms')
    expect(html).toContain('Apply selected indexes…')
  })

  it('renders nothing on other steps or without proposals', () => {
    expect(render(step('p1.fk-indexes', evidence))).toBe('')
    expect(render(step('p1.test-current', null))).toBe('')
  })
})
