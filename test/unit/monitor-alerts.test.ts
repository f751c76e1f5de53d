// The monitor's pure parts: alert thresholds from the success metrics, and the ring buffer's window.
import { describe, expect, it } from 'vitest'
import type { MonitorSample } from '../../shared/contract/monitor'
import { alertsFor, availabilityOf } from '../../electron/core/monitor/alerts'
import { RingBuffer } from '../../electron/core/monitor/sampler'

const sample = (over: Partial<MonitorSample> = {}): MonitorSample => ({
  at: '2026-11-29T10:00:00.000Z',
  ok: true,
  error: null,
  connections: { idle: 2, active: 1 },
  maxConnections: 100,
  tps: 10,
  rowsWrittenPerSec: 5,
  cacheHitRatio: 0.999,
  lockWaits: 0,
  longestLockWaitMs: null,
  longestQueryMs: 3,
  databaseBytes: 10 << 20,
  ferryRssBytes: 1,
  ferryHeapBytes: 1,
  ...over,
})

describe('alertsFor', () => {
  it('is quiet on a healthy sample', () => {
    expect(alertsFor([sample()], null)).toEqual([])
    expect(alertsFor([], null)).toEqual([])
  })

  it('alerts on each crossed threshold, naming the success metric', () => {
    const a = alertsFor(
      [sample({ lockWaits: 2, longestLockWaitMs: 250, longestQueryMs: 400, databaseBytes: 600 << 20, cacheHitRatio: 0.9, connections: { idle: 90 } })],
      { at: '', tables: [], longestQueries: [], locks: [], statements: { available: true, top: [{ query: 'q', calls: 1, meanMs: 150, totalMs: 150, rows: 1 }] } },
    )
    expect(a.map((x) => [x.key, x.level])).toEqual([
      ['locks', 'error'],
      ['query', 'warn'],
      ['statements', 'warn'],
      ['size', 'warn'],
      ['cache', 'warn'],
      ['connections', 'warn'],
    ])
    expect(a[0]!.metric).toBe('10+ concurrent agents without blocking')
  })

  it('reports only availability when the target did not answer', () => {
    const a = alertsFor([sample(), sample({ ok: false, error: 'connection refused' })], null)
    expect(a).toMatchObject([{ key: 'availability', level: 'error', message: expect.stringContaining('connection refused') }])
    expect(availabilityOf([sample(), sample({ ok: false })])).toBe(0.5)
    expect(availabilityOf([])).toBeNull()
  })
})

describe('RingBuffer', () => {
  it('keeps the time window and answers a shorter one', () => {
    const r = new RingBuffer<{ at: string }>(60_000)
    for (let s = 0; s < 120; s += 10) r.push({ at: new Date(Date.UTC(2026, 10, 29, 10, 0, s)).toISOString() })
    expect(r.size).toBe(7) // 50 … 110 s: within 60 s of the newest
    // The newest is at 110 s (01:50); 20 s back reaches 90 s (01:30).
    expect(r.within(20).map((x) => x.at.slice(14, 19))).toEqual(['01:30', '01:40', '01:50'])
  })
})
