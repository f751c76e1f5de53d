// mapConcurrent: the backup's copies and re-reads, several at once, results in order; a failure
// is thrown only after every call under way has finished (the caller then removes their folder).
import { describe, expect, it } from 'vitest'
import { mapConcurrent } from '../../electron/core/fs/concurrent'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('mapConcurrent', () => {
  it('keeps at most `limit` calls under way, runs in-order items alone, returns results in order', async () => {
    let running = 0
    let peak = 0
    const log: string[] = []
    const items = ['a', 'b', 'c', 'DIR', 'd', 'e', 'f', 'g']
    const out = await mapConcurrent(
      items,
      async (x, i) => {
        running++
        peak = Math.max(peak, running)
        if (x === 'DIR') expect(running).toBeLessThanOrEqual(3) // the earlier ones may still run
        log.push(`start ${x}`)
        await sleep(x === 'a' ? 30 : 5)
        running--
        return `${x}${i}`
      },
      { limit: 3, inOrder: (x) => x === 'DIR' },
    )
    expect(out).toEqual(['a0', 'b1', 'c2', 'DIR3', 'd4', 'e5', 'f6', 'g7'])
    expect(peak).toBe(3)
    // Nothing after the in-order item starts before it has finished.
    expect(log.indexOf('start d')).toBeGreaterThan(log.indexOf('start DIR'))
  })

  it('throws the first failure once the calls already started have finished', async () => {
    const finished: number[] = []
    const started: number[] = []
    const err = await mapConcurrent(
      [0, 1, 2, 3, 4, 5, 6, 7],
      async (n) => {
        started.push(n)
        if (n === 1) {
          await sleep(1)
          throw new Error('disk full')
        }
        await sleep(20)
        finished.push(n)
        return n
      },
      { limit: 4 },
    ).catch((e: Error) => e)
    expect((err as Error).message).toBe('disk full')
    // Every call that started (other than the failed one) ran to its end; no new one began after.
    expect(finished.sort()).toEqual(started.filter((n) => n !== 1).sort())
    expect(started.length).toBeLessThan(8)
  })
})
