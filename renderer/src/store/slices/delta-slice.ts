import { toErrorInfo } from '../../../../shared/contract/envelope'
import type { MigrationLag } from '../../../../shared/contract/migration'
import type { ErrorInfo } from '../../../../shared/contract/types'
import type { SliceCreator } from '../types'

/**
 * Delta sync's lag per table (migration.lag): computed by the backend only when asked — it counts
 * rows in memory.db and on the target, which is cheap but not free, so it is never polled.
 */
export interface DeltaSlice {
  lag: MigrationLag | null
  lagBusy: boolean
  lagError: ErrorInfo | null
  loadLag(): Promise<void>
}

export const createDeltaSlice: SliceCreator<DeltaSlice> = (set, _get, client) => {
  let seq = 0
  return {
    lag: null,
    lagBusy: false,
    lagError: null,
    async loadLag() {
      const n = ++seq
      set({ lagBusy: true })
      try {
        const lag = await client.invoke('migration.lag', {})
        if (n === seq) set({ lag, lagError: null })
      } catch (err) {
        if (n === seq) set({ lagError: toErrorInfo(err) })
      } finally {
        if (n === seq) set({ lagBusy: false })
      }
    },
  }
}
