// The live throughput chart's samples (store/throughput.ts) and the progress text for the import's
// bytes + rows (selectors.progressView), from the step.progress payloads the runner sends.
import { describe, expect, it } from 'vitest'
import type { Progress } from '../../../shared/contract/types'
import { computeProgress } from '../../../electron/core/runner'
import { progressView } from '../../../renderer/src/store/selectors'
import { addSample, MAX_SAMPLES } from '../../../renderer/src/store/throughput'

const p = (done: number, rows?: number, unit = 'bytes'): Progress => ({
  done,
  total: 10_000_000,
  unit,
  rate: null,
  etaSeconds: null,
  ...(rows === undefined ? {} : { rows }),
})

describe('throughput samples', () => {
  it('turns successive progress events into per-interval bytes/s and rows/s', () => {
    let s = addSample(undefined, 'r1', p(0, 0), 1000)
    s = addSample(s, 'r1', p(2_000_000, 8000), 2000)
    s = addSample(s, 'r1', p(3_000_000, 12_000), 2500)
    expect(s.samples).toEqual([
      { t: 1, rate: 2_000_000, rowsRate: 8000 },
      { t: 1.5, rate: 2_000_000, rowsRate: 8000 },
    ])
  })

  it('merges events closer than 250 ms, and starts over for a new run or another unit', () => {
    let s = addSample(undefined, 'r1', p(0, 0), 0)
    s = addSample(s, 'r1', p(100, 1), 100)
    expect(s.samples).toHaveLength(0)
    s = addSample(s, 'r1', p(1000, 10), 1000)
    expect(s.samples).toHaveLength(1)
    expect(addSample(s, 'r2', p(5), 2000).samples).toEqual([])
    const files = addSample(s, 'r1', p(1, undefined, 'files'), 2000)
    expect(files.unit).toBe('files')
    expect(files.samples).toEqual([])
  })

  it('keeps at most MAX_SAMPLES, dropping the oldest', () => {
    let s = addSample(undefined, 'r', p(0), 0)
    for (let i = 1; i <= MAX_SAMPLES + 10; i++) s = addSample(s, 'r', p(i * 1000), i * 1000)
    expect(s.samples).toHaveLength(MAX_SAMPLES)
    expect(s.samples[0]!.t).toBe(11)
  })
})

describe('import progress: bytes and rows with rows/s and ETA', () => {
  it('computes rows/s over the same span as the byte rate', () => {
    const pr = computeProgress(
      50 * 2 ** 20,
      100 * 2 ** 20,
      'bytes',
      10_000,
      'file_events ← x',
      200_000,
    )
    expect(pr).toMatchObject({ rows: 200_000, rowsRate: 20_000, etaSeconds: 10 })
    expect(pr.rate).toBeCloseTo(5 * 2 ** 20)
    expect(computeProgress(5, 10, 'files', 2000).rows).toBeUndefined()
  })

  it('shows sizes, rows and both rates', () => {
    const v = progressView(
      computeProgress(50 * 2 ** 20, 100 * 2 ** 20, 'bytes', 10_000, undefined, 200_000),
    )
    expect(v.countText).toBe('50 MB / 100 MB · 200,000 rows')
    expect(v.rateText).toBe('5 MB/s · 20k rows/s')
    expect(v.etaText).toBe('ETA 10 s')
  })
})
