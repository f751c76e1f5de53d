// The samples behind a running step's live throughput chart, kept from step.progress events:
// per event, the units (bytes for the import) and rows per second since the previous event, so
// the chart shows the speed of the moment rather than the run's average. Bounded: the oldest
// samples go first.
import type { Progress } from '../../../shared/contract/types'

export interface ThroughputSample {
  /** Seconds since the series began. */
  t: number
  /** Units per second since the previous sample (bytes/s while importing). */
  rate: number
  /** Rows per second since the previous sample, when the work reports rows. */
  rowsRate: number | null
}

export interface ThroughputSeries {
  runId: string
  unit: string
  startedAt: number
  last: { at: number; done: number; rows: number | null }
  samples: ThroughputSample[]
}

export const MAX_SAMPLES = 120
/** Closer events than this are merged into the next sample (a rate over 50 ms is noise). */
const MIN_GAP_MS = 250

export function addSample(
  prev: ThroughputSeries | undefined,
  runId: string,
  p: Progress,
  at: number,
): ThroughputSeries {
  const rows = p.rows ?? null
  // A new run, or another unit of work (the import's bytes, then the check's files): start over.
  if (!prev || prev.runId !== runId || prev.unit !== p.unit)
    return { runId, unit: p.unit, startedAt: at, last: { at, done: p.done, rows }, samples: [] }
  const dt = (at - prev.last.at) / 1000
  if (dt * 1000 < MIN_GAP_MS || p.done < prev.last.done) return prev
  const sample: ThroughputSample = {
    t: Math.round((at - prev.startedAt) / 100) / 10,
    rate: (p.done - prev.last.done) / dt,
    rowsRate:
      rows !== null && prev.last.rows !== null ? Math.max(0, rows - prev.last.rows) / dt : null,
  }
  const samples = [...prev.samples, sample]
  if (samples.length > MAX_SAMPLES) samples.splice(0, samples.length - MAX_SAMPLES)
  return { ...prev, last: { at, done: p.done, rows }, samples }
}
