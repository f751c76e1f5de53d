import type { MetricsView } from '../../../../shared/contract/metrics'
import { toErrorInfo } from '../../../../shared/contract/envelope'
import type { ErrorInfo } from '../../../../shared/contract/types'
import type { SliceCreator } from '../types'

/** The success metrics panel (metrics.get), read when the screen opens. */
export interface MetricsSlice {
  metricsView: MetricsView | null
  metricsLoading: boolean
  metricsError: ErrorInfo | null
  loadMetrics(): Promise<void>
}

export const createMetricsSlice: SliceCreator<MetricsSlice> = (set, _get, client) => {
  let seq = 0
  return {
    metricsView: null,
    metricsLoading: false,
    metricsError: null,

    async loadMetrics() {
      const n = ++seq
      set({ metricsLoading: true, metricsError: null })
      try {
        const view = await client.invoke('metrics.get', {})
        if (n === seq) set({ metricsView: view, metricsLoading: false })
      } catch (err) {
        if (n === seq) set({ metricsLoading: false, metricsError: toErrorInfo(err) })
      }
    },
  }
}
