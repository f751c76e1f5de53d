import type { MonitorView } from '../../../../shared/contract/monitor'
import { toErrorInfo } from '../../../../shared/contract/envelope'
import type { ErrorInfo } from '../../../../shared/contract/types'
import type { SliceCreator } from '../types'

/** The Monitoring screen's data (monitor.get), polled while the screen is open. */
export interface MonitorSlice {
  monitorView: MonitorView | null
  monitorWindowSec: number
  monitorError: ErrorInfo | null
  loadMonitor(): Promise<void>
  setMonitorWindow(sec: number): void
}

export const MONITOR_WINDOWS: readonly { sec: number; label: string }[] = [
  { sec: 300, label: '5 min' },
  { sec: 900, label: '15 min' },
  { sec: 3600, label: '1 h' },
]

export const createMonitorSlice: SliceCreator<MonitorSlice> = (set, get, client) => {
  let seq = 0
  return {
    monitorView: null,
    monitorWindowSec: 900,
    monitorError: null,

    async loadMonitor() {
      const n = ++seq
      try {
        const view = await client.invoke('monitor.get', { windowSec: get().monitorWindowSec })
        if (n === seq) set({ monitorView: view, monitorError: null })
      } catch (err) {
        if (n === seq) set({ monitorError: toErrorInfo(err) })
      }
    },

    setMonitorWindow(sec) {
      set({ monitorWindowSec: sec })
      void get().loadMonitor()
    },
  }
}
