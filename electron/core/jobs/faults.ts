// Named fault points (RELIABILITY.md, "SQLite's own method"): a test arms one through the
// environment so the worker dies, or stalls, at an exact point of its work.
//   FERRY_FAULT_POINT=<name>[#<k>]  the k-th time (default 1st) the point is reached …
//   FERRY_FAULT_ACTION=kill|hang|pause:<ms>  … kill -9 the worker, wait there until cancelled,
//                                   or stall <ms> and carry on.
//   FERRY_FAULT_MARK=<file>  written with the point's name when it fires, so a test knows the
//                            exact moment (e.g. to restart a server while the work stalls there).
import { writeFileSync } from 'node:fs'

const hits = new Map<string, number>()

export async function faultPoint(name: string, signal?: AbortSignal): Promise<void> {
  const armed = process.env.FERRY_FAULT_POINT
  if (!armed) return
  const [point, kText] = armed.split('#')
  if (point !== name) return
  const n = (hits.get(name) ?? 0) + 1
  hits.set(name, n)
  if (n !== Number(kText ?? '1')) return
  if (process.env.FERRY_FAULT_MARK) writeFileSync(process.env.FERRY_FAULT_MARK, `${name}#${n}\n`)
  const pause = /^pause:(\d+)$/.exec(process.env.FERRY_FAULT_ACTION ?? '')
  if (pause) {
    // Stall for a while, then go on: time for a test to break something underneath (a server
    // connection, a file) at an exact point, and see the work recover.
    await new Promise((r) => setTimeout(r, Number(pause[1])))
    return
  }
  if (process.env.FERRY_FAULT_ACTION === 'hang') {
    while (!signal?.aborted) await new Promise((r) => setTimeout(r, 20))
    return
  }
  process.kill(process.pid, 'SIGKILL')
  await new Promise(() => undefined)
}
