// A bounded number of asynchronous calls at once, for work that mostly waits on the disk (a
// backup's copies and their fsyncs, its re-reading): results in the items' order.
import { throwIfCancelled } from '../jobs/job'

export interface ConcurrentOptions<T> {
  /** At most this many calls under way. */
  limit: number
  /** Items waited for before the next item starts (a folder before its files); the calls
   * already under way keep running meanwhile. */
  inOrder?: (item: T) => boolean
  signal?: AbortSignal
}

/**
 * `fn` over every item, at most `limit` at once. The first failure is thrown once every call
 * already started has finished, so nothing still writes when the caller cleans up.
 */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  fn: (item: T, index: number) => Promise<R>,
  o: ConcurrentOptions<T>,
): Promise<R[]> {
  const out: R[] = new Array(items.length)
  const pending = new Set<Promise<void>>()
  let failure: { err: unknown } | null = null
  const run = (i: number): Promise<void> =>
    fn(items[i]!, i).then((r) => {
      out[i] = r
    })
  try {
    for (let i = 0; i < items.length && !failure; i++) {
      if (o.signal) throwIfCancelled(o.signal)
      if (o.inOrder?.(items[i]!)) {
        await run(i)
        continue
      }
      const p: Promise<void> = run(i)
        .catch((err: unknown) => {
          failure ??= { err }
        })
        .finally(() => pending.delete(p))
      pending.add(p)
      if (pending.size >= o.limit) await Promise.race(pending)
    }
  } finally {
    await Promise.all(pending)
  }
  if (failure) throw (failure as { err: unknown }).err
  return out
}
