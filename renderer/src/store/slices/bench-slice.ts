import type { BenchView } from '../../../../shared/contract/bench'
import { toErrorInfo } from '../../../../shared/contract/envelope'
import type { ErrorInfo } from '../../../../shared/contract/types'
import type { SliceCreator } from '../types'

/** The Benchmarks screen's data (bench.get), and the workspace it belongs to. */
export interface BenchSlice {
  benchView: BenchView | null
  /** null: never read (or read for no workspace). */
  benchRoot: string | null
  benchLoading: boolean
  benchError: ErrorInfo | null
  loadBench(): Promise<void>
}

/** Steps whose end changes what the Benchmarks screen shows. */
export const BENCH_STEPS: ReadonlySet<string> = new Set(['p4.benchmark', 'p4.concurrency', 'p3.migrate'])

/** Read when the screen opens, and again when a step it charts ends. */
export const createBenchSlice: SliceCreator<BenchSlice> = (set, get, client) => {
  let seq = 0
  return {
    benchView: null,
    benchRoot: null,
    benchLoading: false,
    benchError: null,

    async loadBench() {
      const n = ++seq
      const root = get().workspace?.root ?? null
      if (!root) {
        set({ benchView: null, benchRoot: null, benchLoading: false, benchError: null })
        return
      }
      // Another workspace's numbers must not linger while this one's are read.
      const switched = get().benchRoot !== root
      set({
        benchLoading: true,
        benchError: null,
        ...(switched ? { benchView: null, benchRoot: null } : {}),
      })
      try {
        const view = await client.invoke('bench.get', {})
        if (n !== seq) return
        set({ benchView: view, benchRoot: root, benchLoading: false })
      } catch (err) {
        if (n !== seq) return
        set({ benchLoading: false, benchError: toErrorInfo(err) })
      }
    },
  }
}
