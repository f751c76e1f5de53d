// The success metrics panel from evidence only: nothing passes without a measurement, a measured
// violation fails, and each row names its evidence.
import { describe, expect, it } from 'vitest'
import type { BenchReport } from '../../shared/contract/bench'
import type { StepState } from '../../shared/contract/types'
import { computeMetrics, type MetricsInput } from '../../shared/metrics/success-metrics'
import { pendingState } from '../../shared/plan/view'

const done = (stepId: string, evidence: Record<string, unknown>): StepState => ({
  ...pendingState(stepId),
  status: 'done',
  runId: 'r',
  finishedAt: '2026-11-29T10:00:00.000Z',
  evidence,
})

const states = (...list: StepState[]) => {
  const m = new Map(list.map((s) => [s.stepId, s]))
  return (id: string) => m.get(id) ?? null
}

const bench = (pgP95: (number | null)[], measured = true): BenchReport => ({
  benchId: 'b',
  at: '2026-11-29T10:00:00.000Z',
  machine: { platform: 'linux', arch: 'x64', cpus: 2, cpuModel: 'c', memoryBytes: 1, node: '20', sqlite: '3', postgres: '15' },
  iterations: 30,
  events: 1,
  sizes: [],
  backends: [
    {
      id: 'postgres',
      label: 'PostgreSQL',
      database: 'x',
      measured,
      reason: measured ? null : 'p3.migrate has not run in this workspace',
      runId: 'r',
      at: '2026-11-29T10:00:00.000Z',
      queries: pgP95.map((p, i) => ({ query: `q${i}`, description: '', p50: p, p95: p, p99: p, mean: p, iterations: p === null ? 0 : 30, rows: 1, skipped: p === null ? 'no table' : null })),
    },
  ],
  files: { markdown: 'a.md', json: 'a.json' },
})

const empty: MetricsInput = { state: () => null, bench: null, monitor: null, sqlConsoleUses: 0 }

describe('computeMetrics', () => {
  it('lists the plan’s nine metrics, all not measured without evidence', () => {
    const v = computeMetrics(empty)
    expect(v.rows.map((r) => r.metric)).toEqual([
      'Query Response Time',
      'Concurrent Operations',
      'Memory Usage',
      'Data Consistency',
      'Availability',
      'Recovery Time',
      'Migration Ease',
      'Debugging',
      'Monitoring',
    ])
    expect(v.rows.every((r) => r.pass === null && r.measured === null && r.note)).toBe(true)
    expect(v).toMatchObject({ passed: 0, failed: 0, notMeasured: 9 })
  })

  it('judges query time on PostgreSQL p95 only, and says why when PostgreSQL was not measured', () => {
    const pass = computeMetrics({ ...empty, bench: bench([1.5, 40, null]) }).rows[0]!
    expect(pass).toMatchObject({ pass: true, evidence: { stepId: 'p4.benchmark' }, note: '1 query not measured on PostgreSQL' })
    expect(pass.measured).toContain('max p95 40 ms (q1); 2 of 2 queries under 100 ms')
    expect(computeMetrics({ ...empty, bench: bench([150, 2]) }).rows[0]!.pass).toBe(false)
    const none = computeMetrics({ ...empty, bench: bench([], false) }).rows[0]!
    expect(none).toMatchObject({ pass: null, note: 'PostgreSQL was not measured: p3.migrate has not run in this workspace' })
  })

  it('reads p4.concurrency’s verdicts for concurrency and the concurrent-index run', () => {
    const st = done('p4.concurrency', {
      postgres: { verdict: { pass: true, n: 10, reason: 'At N = 10: zero failed operations' } },
      duringIndex: { verdict: { pass: false, reason: '3 lock wait(s) over 100 ms' } },
    })
    const rows = computeMetrics({ ...empty, state: states(st) }).rows
    expect(rows[1]).toMatchObject({ pass: true, measured: 'At N = 10: zero failed operations', evidence: { stepId: 'p4.concurrency' } })
    expect(rows[6]).toMatchObject({ pass: false, measured: '3 lock wait(s) over 100 ms' })
    const noN10 = done('p4.concurrency', { postgres: { verdict: { pass: null, reason: 'Not measured: the sweep did not include N = 10.' } } })
    expect(computeMetrics({ ...empty, state: states(noN10) }).rows[1]).toMatchObject({ pass: null, note: 'Not measured: the sweep did not include N = 10.' })
  })

  it('needs both validations to pass consistency, and fails on a measured violation', () => {
    const p2 = done('p2.validate', { ok: true })
    const p3 = done('p3.migrate', { validation: { equal: true } })
    expect(computeMetrics({ ...empty, state: states(p2) }).rows[3]).toMatchObject({ pass: null, evidence: { stepId: 'p3.migrate' } })
    expect(computeMetrics({ ...empty, state: states(p2, p3) }).rows[3]!.pass).toBe(true)
    const bad = { ...pendingState('p3.migrate'), status: 'failed' as const, error: { code: 'VALIDATION_FAILED', message: 'x' } }
    expect(computeMetrics({ ...empty, state: states(p2, bad) }).rows[3]).toMatchObject({ pass: false, evidence: { stepId: 'p3.migrate' } })
  })

  it('takes availability and monitoring from live samples, recovery from the restore drill', () => {
    const v = computeMetrics({
      ...empty,
      state: states(done('pre.backup', { restoreDrillMs: 12_300 })),
      monitor: { availability: 0.998, samples: 500, from: '2026-11-29T09:00:00Z', to: '2026-11-29T10:00:00Z' },
      sqlConsoleUses: 3,
    }).rows
    expect(v[4]).toMatchObject({ pass: false, measured: '99.80 % of 500 samples', evidence: { screen: 'monitoring' } })
    expect(v[5]).toMatchObject({ pass: true, measured: 'restore drill 12.3 s', evidence: { stepId: 'pre.backup' } })
    expect(v[7]).toMatchObject({ pass: true })
    expect(v[8]).toMatchObject({ pass: true, measured: '500 live samples since 2026-11-29T09:00:00Z' })
    expect(v[2]!.pass).toBeNull() // database memory: never claimed
  })
})
