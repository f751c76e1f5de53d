// p4.benchmark's pure parts: the PostgreSQL translations kept as data, the report's Markdown, and
// the Benchmarks screen's chart data.
import { describe, expect, it } from 'vitest'
import type { BenchBackend, BenchReport } from '../../shared/contract/bench'
import { PG_WORKLOAD, pgParamCount } from '../../electron/core/bench/pg-workload'
import { maxP95, reportMarkdown } from '../../electron/core/bench/report'
import { concurrencyChart, concurrencySeries, migrationChart } from '../../electron/core/bench/view'
import { WORKLOAD } from '../../electron/core/workload/queries'
import { latencyRows, notMeasured, throughputRows } from '../../renderer/src/store/bench-chart'
import { pendingState } from '../../shared/plan/view'

const q = (query: string, p95: number | null, skipped: string | null = null) => ({
  query,
  description: query,
  p50: p95 === null ? null : p95 / 2,
  p95,
  p99: p95,
  mean: p95,
  iterations: p95 === null ? 0 : 30,
  rows: 1,
  skipped,
})

const backend = (id: BenchBackend['id'], measured: boolean, queries: BenchBackend['queries'], reason: string | null = null): BenchBackend => ({
  id,
  label: id,
  database: id,
  measured,
  reason,
  runId: measured ? 'r' : null,
  at: measured ? '2026-11-29T00:00:00Z' : null,
  queries,
})

const report: BenchReport = {
  benchId: 'b',
  at: '2026-11-29T00:00:00Z',
  machine: { platform: 'linux', arch: 'x64', cpus: 2, cpuModel: 'cpu', memoryBytes: 1 << 30, node: '20', sqlite: '3.53', postgres: null },
  iterations: 30,
  events: 100,
  sizes: [{ name: 'state.db', backend: 'state-after', bytes: 2048, note: null }],
  backends: [
    backend('files', true, [q('a', 40), q('b', null, 'the old system kept tasks only in state.db')]),
    backend('state-before', true, [q('a', 0.5), q('b', 0.0001)]),
    backend('postgres', false, [], 'p3.migrate has not run in this workspace'),
  ],
  files: { markdown: '.ferry/reports/x.md', json: '.ferry/reports/x.json' },
}

describe('PostgreSQL workload as data', () => {
  it('translates every workload query, with the same number of parameters, schema-qualified', () => {
    expect(Object.keys(PG_WORKLOAD).sort()).toEqual(WORKLOAD.map((w) => w.name).sort())
    for (const w of WORKLOAD) {
      const sql = PG_WORKLOAD[w.name]!
      expect(pgParamCount(sql), w.name).toBe(w.pick ? 1 : 0)
      expect(sql, w.name).toContain('"agent_memory".')
      expect(sql, w.name).not.toContain('?')
    }
  })
})

describe('the report', () => {
  it('says why each backend or query was not measured, in Markdown too', () => {
    const md = reportMarkdown(report)
    expect(md).toContain('| postgres | postgres | not measured: p3.migrate has not run in this workspace | — |')
    expect(md).toContain('- files · b: the old system kept tasks only in state.db')
    expect(md).toContain('| a | 20.0 / 40.0 | 0.250 / 0.500 |')
    expect(maxP95(report.backends[0]!)).toBe(40)
    expect(maxP95(report.backends[2]!)).toBeNull()
  })

  it('charts one series per measured backend; a sub-microsecond value stays visible on the log axis', () => {
    const rows = latencyRows(report, 'p95')
    expect(rows.map((r) => r.query)).toEqual(['a', 'b'])
    expect(rows[0]).toMatchObject({ files: 40, 'state-before': 0.5 })
    expect(rows[1]).toMatchObject({ files: null, 'state-before': 0.001 })
    expect(Object.keys(rows[0]!)).not.toContain('postgres')
    expect(notMeasured(report).map((g) => g.key)).toEqual(['files:b', 'postgres'])
  })
})

describe('concurrency and migration charts from other steps’ evidence', () => {
  const done = (stepId: string, evidence: Record<string, unknown>) => ({
    ...pendingState(stepId),
    status: 'done' as const,
    finishedAt: '2026-11-29T00:00:00Z',
    evidence,
  })

  it('finds a sweep in either layout, and is not measured without one', () => {
    const nested = { backends: { sqlite: [{ agents: 1, opsPerSec: 100 }, { agents: 10, opsPerSec: 400 }], postgres: [{ agents: 1, throughput: 50 }] } }
    expect(concurrencySeries(nested)).toEqual([
      { backend: 'sqlite', points: [{ agents: 1, opsPerSec: 100 }, { agents: 10, opsPerSec: 400 }] },
      { backend: 'postgres', points: [{ agents: 1, opsPerSec: 50 }] },
    ])
    // p4.concurrency's own layout: per backend, runs with n and throughput; the index run is not a point.
    const p4 = {
      sqlite: { runs: [{ backend: 'sqlite', n: 1, throughput: 900 }], verdict: { pass: true } },
      postgres: { runs: [{ backend: 'postgres', n: 1, throughput: 300 }, { backend: 'postgres', n: 10, throughput: 1200 }] },
      duringIndex: { run: { backend: 'postgres', n: 10, throughput: 5 }, runs: [{ backend: 'postgres', n: 10, throughput: 5 }] },
    }
    expect(concurrencySeries(p4)).toEqual([
      { backend: 'sqlite', points: [{ agents: 1, opsPerSec: 900 }] },
      { backend: 'postgres', points: [{ agents: 1, opsPerSec: 300 }, { agents: 10, opsPerSec: 1200 }] },
    ])
    const flat = { sweep: [{ backend: 'postgres', n: 5, opsPerSec: 7 }] }
    expect(concurrencySeries(flat)).toEqual([{ backend: 'postgres', points: [{ agents: 5, opsPerSec: 7 }] }])
    expect(concurrencyChart(pendingState('p4.concurrency'))).toEqual({ measured: false, reason: 'p4.concurrency has not run in this workspace' })
    expect(concurrencyChart(done('p4.concurrency', { ok: true }))).toMatchObject({ measured: false })
    expect(throughputRows(concurrencySeries(nested))).toEqual([
      { agents: 1, sqlite: 100, postgres: 50 },
      { agents: 10, sqlite: 400, postgres: null },
    ])
  })

  it('turns p3.migrate’s per-table rows and times into rows/s', () => {
    const c = migrationChart(done('p3.migrate', { rowsPerSec: 900, tables: [{ table: 'events', loadedRows: 1000, ms: 500 }, { table: 'empty', loadedRows: 0, ms: 1 }] }))
    expect(c).toMatchObject({ measured: true, rowsPerSec: 900, points: [{ table: 'events', rows: 1000, ms: 500, rowsPerSec: 2000 }] })
    expect(migrationChart(null)).toEqual({ measured: false, reason: 'p3.migrate has not run in this workspace' })
  })
})
