import { toErrorInfo } from '../../../../shared/contract/envelope'
import type { InventorySlice, SliceCreator } from '../types'

/** The Inventory screen's data: read when the screen opens, and again when the step that takes it ends. */
export const createInventorySlice: SliceCreator<InventorySlice> = (set, get, client) => {
  let seq = 0
  return {
    inventoryDoc: null,
    inventoryRoot: null,
    inventoryLoading: false,
    inventoryError: null,

    async loadInventory() {
      const n = ++seq
      const root = get().workspace?.root ?? null
      if (!root) {
        set({
          inventoryDoc: null,
          inventoryRoot: null,
          inventoryLoading: false,
          inventoryError: null,
        })
        return
      }
      // Another workspace's files must not linger while this one's inventory is read.
      const switched = get().inventoryRoot !== root
      set({
        inventoryLoading: true,
        inventoryError: null,
        ...(switched ? { inventoryDoc: null, inventoryRoot: null } : {}),
      })
      try {
        const doc = await client.invoke('inventory.get', {})
        if (n !== seq) return
        set({ inventoryDoc: doc, inventoryRoot: root, inventoryLoading: false })
      } catch (err) {
        if (n !== seq) return
        set({ inventoryLoading: false, inventoryError: toErrorInfo(err) })
      }
    },
  }
}
