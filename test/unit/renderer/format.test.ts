import { describe, expect, it } from 'vitest'
import {
  evidenceNodes,
  evidenceSummary,
  humanizeKey,
  labelFor,
} from '../../../renderer/src/format/evidence'
import {
  formatBytes,
  formatCompact,
  formatDuration,
  formatNumber,
  formatSeconds,
  parseCount,
} from '../../../renderer/src/format/numbers'
import { formatRelative } from '../../../renderer/src/format/time'

describe('number formatting', () => {
  it('uses thousands separators and units', () => {
    expect(formatNumber(1_422_050)).toBe('1,422,050')
    expect(formatNumber(0.2234)).toBe('0.22')
    expect(formatCompact(163_000)).toBe('163k')
    expect(formatCompact(1_250_000)).toBe('1.3M')
    expect(formatCompact(9_500)).toBe('9,500')
    expect(formatCompact(3_026.3)).toBe('3,026')
    expect(formatCompact(12.345)).toBe('12.4')
  })

  it('formats sizes in KB and MB', () => {
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(65_536)).toBe('64 KB')
    expect(formatBytes(1_258_291)).toBe('1.2 MB')
    expect(formatBytes(619_708_416)).toBe('591 MB')
  })

  it('shows durations under a second in ms', () => {
    expect(formatDuration(0.22)).toBe('0.22 ms')
    expect(formatDuration(340)).toBe('340 ms')
    expect(formatDuration(4_200)).toBe('4.2 s')
    expect(formatDuration(125_000)).toBe('2 min 5 s')
    expect(formatSeconds(3_780)).toBe('1 h 3 min')
  })

  it('parses counts typed with separators', () => {
    expect(parseCount('10,000')).toBe(10_000)
    expect(parseCount(' 2 000 ')).toBe(2_000)
    expect(parseCount('1e3')).toBeNull()
    expect(parseCount('')).toBeNull()
  })

  it('gives relative times', () => {
    const now = Date.parse('2025-06-01T12:00:00Z')
    expect(formatRelative('2025-06-01T12:00:00Z', now)).toBe('just now')
    expect(formatRelative('2025-06-01T11:59:48Z', now)).toBe('12 s ago')
    expect(formatRelative('2025-06-01T11:55:00Z', now)).toBe('5 min ago')
    expect(formatRelative('2025-05-28T12:00:00Z', now)).toBe('4 d ago')
    expect(formatRelative(null, now)).toBeNull()
  })
})

describe('evidence', () => {
  const schema = {
    tableCount: 13,
    totalRows: 48_210,
    document: '/tmp/demo/.ferry/schema.md',
    tables: [
      {
        name: 'agents',
        rows: 12,
        columns: [{ name: 'agent_id' }, { name: 'status' }],
        indexes: 1,
        foreignKeys: 0,
      },
      { name: 'events', rows: 20_000, columns: 7, indexes: 0, foreignKeys: 1 },
    ],
  }

  it('humanises keys', () => {
    expect(humanizeKey('tableCount')).toBe('Table count')
    expect(humanizeKey('foreign_keys')).toBe('Foreign keys')
    expect(humanizeKey('documentSha256')).toBe('Document SHA-256')
    expect(labelFor('durationMs')).toBe('Duration')
    expect(labelFor('sourceBytes')).toBe('Source size')
    expect(labelFor('sizeBytes')).toBe('Size')
  })

  it('summarises counts first', () => {
    expect(evidenceSummary(schema)).toBe('13 tables · 48,210 rows')
    expect(evidenceSummary({ indexCount: 1 })).toBe('1 index')
    expect(evidenceSummary({ indexCount: 15, durationMs: 340 })).toBe('15 indexes')
    expect(evidenceSummary({ durationMs: 340, sourceBytes: 2048 })).toBe(
      'duration: 340 ms · source size: 2 KB',
    )
    expect(evidenceSummary({ files: [{}, {}, {}] })).toBe('3 files')
    // A series of numbers (p4.concurrency's agent counts) is a range, not a length.
    expect(evidenceSummary({ agents: [1, 2, 5, 10, 20, 50] })).toBe('1–50 agents')
    expect(
      evidenceSummary({ serverVersion: '15.4', serverVersionNum: 150004, maxConnections: 100 }),
    ).toBe('PostgreSQL 15.4 · max connections: 100')
    expect(evidenceSummary({ order: ['log', 'config'], filesImported: 3, rows: 10 })).toBe(
      '3 files imported · 10 rows',
    )
    // A list named "noun + qualifier" takes the noun's plural (p3.migrate's constraintsNotValid).
    expect(evidenceSummary({ constraintsNotValid: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] })).toBe(
      '7 constraints not valid',
    )
    expect(evidenceSummary({ constraintsNotValid: ['a'] })).toBe('1 constraint not valid')
    expect(evidenceSummary({ backupId: 'b-1' })).toBe('backup id: b-1')
    expect(evidenceSummary(null)).toBeNull()
  })

  it('renders arrays of objects as tables with thousands separators', () => {
    const nodes = evidenceNodes(schema)
    expect(nodes.map((n) => n.kind)).toEqual(['scalar', 'scalar', 'scalar', 'table'])
    const table = nodes[3]!
    if (table.kind !== 'table') throw new Error('expected a table')
    expect(table.columns.map((c) => c.label)).toEqual([
      'Name',
      'Rows',
      'Columns',
      'Indexes',
      'Foreign keys',
    ])
    expect(table.columns.map((c) => c.numeric)).toEqual([false, true, true, true, true])
    expect(table.rows[1]!.map((c) => c.text)).toEqual(['events', '20,000', '7', '0', '1'])
    expect(table.rows[0]![2]).toEqual({ text: '2', title: 'agent_id, status' })
  })

  it('uses the key to pick units and nests objects', () => {
    const nodes = evidenceNodes({
      sizeBytes: 2048,
      elapsedMs: 12,
      ok: true,
      path: '/tmp/x',
      detail: { a: 1 },
      ids: ['x', 'y'],
    })
    expect(
      nodes.slice(0, 4).map((n) => (n.kind === 'scalar' ? [n.label, n.text, n.mono] : null)),
    ).toEqual([
      ['Size', '2 KB', false],
      ['Elapsed', '12 ms', false],
      ['Ok', 'yes', false],
      ['Path', '/tmp/x', true],
    ])
    expect(nodes[4]).toMatchObject({ kind: 'list', label: 'IDs', items: ['x', 'y'] })
    expect(nodes[5]).toMatchObject({
      kind: 'group',
      children: [{ kind: 'scalar', label: 'A', text: '1' }],
    })
  })
})
