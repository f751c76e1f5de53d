// Rows per second over a sliding window of recent samples (a whole-run average hides stalls).

const WINDOW_MS = 5000

export function rateTracker(now: () => number = Date.now): (done: number) => number | null {
  const samples: { t: number; done: number }[] = []
  return (done) => {
    const t = now()
    samples.push({ t, done })
    while (samples.length > 2 && t - samples[0]!.t > WINDOW_MS) samples.shift()
    const first = samples[0]!
    const dt = t - first.t
    return dt > 0 ? Math.round(((done - first.done) / dt) * 1000) : null
  }
}
