// The concurrency step's arithmetic and the Agents screen's reading of its evidence: nearest-rank
// percentiles, the N = 10 verdict (failed operations and lock waits over 100 ms decide it), and
// chart rows built only from what the evidence holds.
import { describe, expect, it } from 'vitest'
import { judge, sweepConfig } from '../../electron/core/concurrency/step'
import { opStats, percentile } from '../../electron/core/concurrency/stats'
import type { RunResult } from '../../electron/core/concurrency/run-agents'
import { sweepView } from '../../renderer/src/store/concurrency-view'

const run = (n: number, over: Partial<RunResult> = {}): RunResult => ({
  backend: 'postgres',
  n,
  ops: n * 10,
  failed: 0,
  retries: 0,
  transientErrors: 0,
  slowOps: 0,
  maxMs: 5,
  wallMs: 100,
  throughput: 10,
  perOp: {},
  all: { count: n * 10, p50: 1, p95: 2, p99: 3, max: 5 },
  errors: {},
  errorSamples: [],
  lockWaits: { over100: 0, maxMs: 0, method: 'test' },
  lockSamples: null,
  ...over,
})

describe('concurrency statistics', () => {
  it('takes nearest-rank percentiles', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1)
    expect(percentile(xs, 50)).toBe(50)
    expect(percentile(xs, 95)).toBe(95)
    expect(percentile(xs, 99)).toBe(99)
    expect(opStats([3, 1, 2])).toEqual({ count: 3, p50: 2, p95: 3, p99: 3, max: 3 })
    expect(opStats([])).toEqual({ count: 0, p50: 0, p95: 0, p99: 0, max: 0 })
  })

  it('judges N = 10 on failed operations and lock waits, and says when N = 10 was not run', () => {
    expect(judge([run(1), run(2)]).pass).toBeNull()
    expect(judge([run(10)])).toMatchObject({ pass: true, n: 10 })
    expect(judge([run(10, { failed: 1 })]).pass).toBe(false)
    const waited = judge([run(10, { lockWaits: { over100: 2, maxMs: 180, method: 'x' } })])
    expect(waited.pass).toBe(false)
    expect(waited.reason).toContain('2 lock wait(s) over 100 ms')
  })

  it('reads the sweep size from the environment, with the plan default', () => {
    expect(sweepConfig({})).toEqual({ agents: [1, 2, 5, 10, 20, 50], opsPerAgent: 200, indexRun: true })
    expect(sweepConfig({ FERRY_P4_AGENTS: '10, 2,2,x', FERRY_P4_OPS: '7', FERRY_P4_INDEX: '0' })).toEqual({ agents: [2, 10], opsPerAgent: 7, indexRun: false })
  })
})

describe('sweepView', () => {
  it('builds one row per agent count with both backends, and the verdicts', () => {
    const evidence = {
      opsPerAgent: 10,
      sqlite: { runs: [{ ...run(1), backend: 'sqlite' }, { ...run(10), backend: 'sqlite', all: { count: 1, p50: 1, p95: 20, p99: 30, max: 40 } }], verdict: { pass: false, reason: 'At N = 10: …' } },
      postgres: { runs: [run(1), run(10)], verdict: { pass: true, reason: 'At N = 10: ok' } },
      duringIndex: { verdict: { pass: true, reason: 'built' } },
    }
    const v = sweepView(evidence)!
    expect(v.rows.map((r) => r.n)).toEqual([1, 10])
    expect(v.rows[1]).toMatchObject({ n: 10, sqlite_p95: 20, sqlite_p99: 30, postgres_p95: 2, postgres_lockWaits: 0 })
    expect(v.verdicts.map((x) => x.pass)).toEqual([false, true, true])
    expect(sweepView({})).toBeNull()
    expect(sweepView(null)).toBeNull()
  })
})
