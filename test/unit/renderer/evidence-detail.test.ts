import { describe, expect, it } from 'vitest'
import {
  findPairs,
  formatChange,
  percentChange,
  speedUp,
} from '../../../renderer/src/format/change'
import {
  evidenceNodes,
  evidenceSummary,
  humanizeKey,
  labelFor,
} from '../../../renderer/src/format/evidence'
import { formatScalar } from '../../../renderer/src/format/labels'

const PLAN_BEFORE = 'SCAN events\nUSE TEMP B-TREE FOR ORDER BY'
const PLAN_AFTER = 'SEARCH events USING INDEX idx_events_agent_id (agent_id=?)'

describe('before/after pairs', () => {
  it('finds <base>Before/<base>After and before<Base>/after<Base> pairs', () => {
    expect(
      findPairs(['medianMsBefore', 'x', 'medianMsAfter', 'beforeP95', 'afterP95', 'lonelyBefore']),
    ).toEqual([
      { base: 'medianMs', before: 'medianMsBefore', after: 'medianMsAfter' },
      { base: 'p95', before: 'beforeP95', after: 'afterP95' },
    ])
  })

  it('shows timings as "before → after (×speed-up)"', () => {
    expect(formatChange('medianMs', 12, 0.31)).toBe('12 ms → 0.31 ms (×39 faster)')
    expect(formatChange('p95', 2.4, 3.6)).toBe('2.4 ms → 3.6 ms (×1.5 slower)')
    expect(formatChange('medianMs', 5, 5.1)).toBe('5 ms → 5.1 ms (no change)')
    expect(formatChange('medianMs', null, 3)).toBe('— → 3 ms')
    expect(speedUp(0, 3)).toBeNull()
  })

  it('shows sizes and counts with a percentage change', () => {
    expect(formatChange('dbBytes', 619_708_416, 440_401_920)).toBe('591 MB → 420 MB (−29 %)')
    expect(formatChange('rows', 100, 104)).toBe('100 → 104 (+4 %)')
    expect(percentChange(0, 5)).toBeNull()
  })
})

describe('evidence of Phase 1 steps', () => {
  const fk = {
    created: 2,
    indexes: [
      {
        table: 'events',
        column: 'agent_id',
        columns: ['agent_id'],
        index: 'idx_events_agent_id',
        sql: 'CREATE INDEX idx_events_agent_id ON events(agent_id)',
        planBefore: PLAN_BEFORE,
        planAfter: PLAN_AFTER,
        medianMsBefore: 12,
        medianMsAfter: 0.31,
        speedup: 38.7,
        notes: [],
      },
    ],
    durationMs: 840,
  }

  it('merges a timing pair into one column and drops columns that repeat or say nothing', () => {
    const table = evidenceNodes(fk).find((n) => n.kind === 'table')
    if (table?.kind !== 'table') throw new Error('expected a table')
    expect(table.columns.map((c) => c.label)).toEqual([
      'Table',
      'Column',
      'Index',
      'Median before → after',
    ])
    expect(table.rows[0]!.map((c) => c.text)).toEqual([
      'events',
      'agent_id',
      'idx_events_agent_id',
      '12 ms → 0.31 ms (×39 faster)',
    ])
  })

  it('moves query plans and statements under their row, whole, for a <pre>', () => {
    const table = evidenceNodes(fk).find((n) => n.kind === 'table')
    if (table?.kind !== 'table') throw new Error('expected a table')
    expect(table.details[0]).toEqual([
      {
        key: 'sql',
        label: 'SQL',
        text: 'CREATE INDEX idx_events_agent_id ON events(agent_id)',
        pre: true,
      },
      { key: 'planBefore', label: 'Plan before', text: PLAN_BEFORE, pre: true },
      { key: 'planAfter', label: 'Plan after', text: PLAN_AFTER, pre: true },
    ])
  })

  it('keeps a column beyond the eighth as a detail instead of dropping it', () => {
    const row = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, i]))
    const table = evidenceNodes({ rows: [row] }).find((n) => n.kind === 'table')
    if (table?.kind !== 'table') throw new Error('expected a table')
    expect(table.columns).toHaveLength(8)
    expect(table.details[0]!.map((d) => [d.label, d.text])).toEqual([
      ['K8', '8'],
      ['K9', '9'],
    ])
  })

  it('shows long text at the top level in a <pre> and merges top-level pairs', () => {
    const nodes = evidenceNodes({ planBefore: PLAN_BEFORE, p95Before: 2, p95After: 1, ok: true })
    expect(nodes[0]).toMatchObject({
      kind: 'scalar',
      label: 'P95 before → after',
      text: '2 ms → 1 ms (×2 faster)',
    })
    expect(nodes[1]).toMatchObject({ kind: 'scalar', label: 'Ok', text: 'yes' })
    expect(nodes[2]).toMatchObject({ kind: 'text', label: 'Plan before', text: PLAN_BEFORE })
  })

  it('labels durations as times and splits digits off words', () => {
    expect(labelFor('backupMs')).toBe('Backup time')
    expect(labelFor('recoveryMs')).toBe('Recovery time')
    expect(labelFor('medianMs')).toBe('Median')
    expect(labelFor('durationMs')).toBe('Duration')
    expect(labelFor('idleTimeoutMs')).toBe('Idle timeout')
    expect(labelFor('intervalMs')).toBe('Interval')
    expect(humanizeKey('ferryRssBytes')).toBe('Ferry RSS bytes')
    expect(humanizeKey('tps')).toBe('TPS')
    // Shares of 1 read as percentages; other numbers stay numbers.
    expect(formatScalar('availability', 1)).toBe('100 %')
    expect(formatScalar('cacheHitRatio', 0.98765)).toBe('98.77 %')
    expect(formatScalar('ratioToPipe', 1.35)).toBe('1.35')
    expect(formatScalar('alerts', 1)).toBe('1')
    expect(formatScalar('serverVersionNum', 150020)).toBe('150020')
    expect(formatScalar('p95', 36.8)).toBe('37 ms')
    expect(formatScalar('p95AfterMax', 0.12)).toBe('0.12 ms')
    expect(formatScalar('mean', 0.25)).toBe('0.25 ms')
    expect(formatScalar('p95Count', 3)).toBe('3')
    expect(labelFor('bytes')).toBe('Size')
    expect(humanizeKey('under100msAfter')).toBe('Under 100 ms after')
    expect(humanizeKey('restoreDrillUnder5Min')).toBe('Restore drill under 5 min')
    expect(humanizeKey('sha256')).toBe('SHA-256')
  })

  it('summarises a backup as files, size and what it holds, not its empty lists', () => {
    expect(
      evidenceSummary({
        id: 'b1',
        files: 111,
        bytes: 3_847_330,
        symlinks: [],
        warnings: [],
        sqlite: [{ path: 'x' }],
      }),
    ).toBe('111 files · 3.7 MB · 1 SQLite database')
    expect(
      evidenceSummary({
        tableCount: 13,
        totalRows: 7505,
        views: 0,
        triggers: 0,
        findings: [{}, {}],
      }),
    ).toBe('13 tables · 7,505 rows · 2 findings')
    expect(evidenceSummary({ created: 2, indexes: [{}, {}], covered: [{}] })).toBe(
      '2 indexes · 1 covered',
    )
  })
})

describe('table columns that agree', () => {
  it('keeps two yes/no columns that happen to agree: they mean different things', () => {
    const table = evidenceNodes({ idx: [{ name: 'a', unique: false, partial: false }] }).find(
      (n) => n.kind === 'table',
    )
    if (table?.kind !== 'table') throw new Error('expected a table')
    expect(table.columns.map((c) => c.key)).toEqual(['name', 'unique', 'partial'])
  })
})

describe('sub-millisecond timings', () => {
  it('keep two significant digits', () => {
    expect(formatChange('medianMs', 0.026, 0.0241)).toBe('0.026 ms → 0.024 ms (×1.1 faster)')
  })
})

describe('workload comparison (p1.test-current)', () => {
  const row = {
    query: 'agent_recent_errors',
    description: 'Latest 20 errors of an agent',
    rows: 6,
    p50Before: 0.477,
    p95Before: 12.801,
    p50After: 0.108,
    p95After: 0.394,
    speedupP50: 4.42,
    speedupP95: 32.5,
    verdict: 'faster',
    planBefore: 'SCAN events',
    planAfter: 'SEARCH events USING INDEX idx_events_agent_id (agent_id=?)',
    sameResults: true,
    skipped: null,
  }

  it('shows p50 and p95 as before → after, the verdict with its shape, plans underneath', () => {
    const table = evidenceNodes({ queries: [row, { ...row, verdict: 'slower' }] }).find(
      (n) => n.kind === 'table',
    )
    if (table?.kind !== 'table') throw new Error('expected a table')
    expect(table.columns.map((c) => c.label)).toEqual([
      'Query',
      'Description',
      'Rows',
      'P50 before → after',
      'P95 before → after',
      'Verdict',
      'Same results',
    ])
    expect(table.rows[0]![3]!.text).toBe('0.48 ms → 0.11 ms (×4.4 faster)')
    expect(table.rows[0]![5]).toEqual({ text: 'faster', status: { icon: '✔', tone: 'ok' } })
    expect(table.rows[1]![5]!.status).toEqual({ icon: '▲', tone: 'warn' })
    expect(table.details[0]!.map((d) => d.key)).toEqual(['planBefore', 'planAfter'])
  })
})

describe('snapshot store evidence', () => {
  it('sizes bytesMoved, merges the database size pair, keeps long paths as breakable cells', () => {
    const nodes = evidenceNodes({
      bytesMoved: 1_295_609,
      dbBytesBefore: 3_719_168,
      dbBytesAfter: 2_416_640,
      vacuum: { ran: true, ms: 192 },
      moved: [
        { snapshotId: 7, bytes: 216_296, path: `.claude/memory_snapshots/${'a'.repeat(64)}.json` },
      ],
    })
    expect(
      nodes.slice(0, 2).map((n) => (n.kind === 'scalar' ? [n.label, n.text] : n.kind)),
    ).toEqual([
      ['Bytes moved', '1.2 MB'],
      ['DB size before → after', '3.5 MB → 2.3 MB (−35 %)'],
    ])
    const group = nodes.find((n) => n.kind === 'group')
    expect(group).toMatchObject({ children: [{ label: 'Ran' }, { label: 'Time', text: '192 ms' }] })
    const table = nodes.find((n) => n.kind === 'table')
    if (table?.kind !== 'table') throw new Error('expected a table')
    expect(table.columns.map((c) => [c.key, c.wrap])).toEqual([
      ['snapshotId', undefined],
      ['bytes', undefined],
      ['path', 'anywhere'],
    ])
    expect(table.details[0]).toEqual([])
  })
})

describe('findings in the evidence', () => {
  it('left-aligns samples shown as names, and gives sentences room', () => {
    const table = evidenceNodes({
      findings: [
        {
          table: 'events',
          count: 17,
          samples: ['frontend-04'],
          detail:
            'references agents(agent_id); these keys have no parent row, so a FOREIGN KEY constraint will fail',
        },
      ],
    }).find((n) => n.kind === 'table')
    if (table?.kind !== 'table') throw new Error('expected a table')
    expect(table.columns.map((c) => [c.key, c.numeric, c.wrap])).toEqual([
      ['table', false, undefined],
      ['count', true, undefined],
      ['samples', false, undefined],
      ['detail', false, 'prose'],
    ])
  })
})
