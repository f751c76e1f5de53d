// The one-line evidence of `ferry run` and `ferry status`.
import { describe, expect, it } from 'vitest'
import { describeEvidence } from '../../electron/cli/print'
import type { Progress, StepState } from '../../shared/contract/types'
import { progressLine } from '../../electron/cli/output'

const state = (evidence: Record<string, unknown>): StepState =>
  ({
    stepId: 'pre.postgres-dev',
    status: 'done',
    runId: 'r',
    startedAt: '2026-12-01T00:00:00Z',
    finishedAt: '2026-12-01T00:00:01Z',
    evidence,
    error: null,
    progress: null,
    confirmation: null,
  }) as StepState

describe('describeEvidence', () => {
  it('writes counts with thousands separators, version numbers without', () => {
    const line = describeEvidence(
      'pre.postgres-dev',
      'Set up PostgreSQL development instance',
      state({ serverVersion: '15.20', serverVersionNum: 150020, maxConnections: 1000 }),
    )
    expect(line).toBe(
      '✔ pre.postgres-dev — Set up PostgreSQL development instance: done (serverVersion: 15.20, serverVersionNum: 150020, maxConnections: 1,000)',
    )
  })

  it('gives durations their unit and shares of 1 as percentages', () => {
    const line = describeEvidence(
      'p4.monitor',
      'Monitor for issues in production',
      state({ alerts: 0, availability: 1, durationMs: 3791 }),
    )
    expect(line).toBe(
      '✔ p4.monitor — Monitor for issues in production: done (alerts: 0, availability: 100 %, durationMs: 3,791 ms)',
    )
    expect(describeEvidence('x', 'X', state({ cacheHitRatio: 0.9876, p95AfterMaxMs: 0.163 }))).toBe(
      '✔ x — X: done (cacheHitRatio: 98.76 %, p95AfterMaxMs: 0.163 ms)',
    )
  })
})

describe('progressLine', () => {
  const p = (done: number, total: number | null, message: string): Progress => ({
    done,
    total,
    unit: 'tables',
    rate: null,
    etaSeconds: null,
    message,
  })
  it('shows done/total, done alone once something is counted, and only the message before that', () => {
    expect(progressLine(p(3, 10, 'keys and indexes t1'))).toBe('3/10 tables · keys and indexes t1')
    expect(progressLine(p(2, null, 'profiling'))).toBe('2 tables · profiling')
    expect(progressLine(p(0, null, 'profiling'))).toBe('profiling')
  })
})
