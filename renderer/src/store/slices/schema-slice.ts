import { toErrorInfo } from '../../../../shared/contract/envelope'
import type { SchemaSlice, SliceCreator } from '../types'

/** The Schema screen's data: read on demand (when the screen opens, or the step finishes). */
export const createSchemaSlice: SliceCreator<SchemaSlice> = (set, get, client) => {
  let seq = 0
  return {
    schemaDoc: null,
    schemaRoot: null,
    schemaLoading: false,
    schemaError: null,
    selectedTable: null,
    tableFilter: '',

    async loadSchema() {
      const n = ++seq
      const root = get().workspace?.root ?? null
      if (!root) {
        set({ schemaDoc: null, schemaRoot: null, schemaLoading: false, schemaError: null })
        return
      }
      // Another workspace's tables must not linger while this one's are read.
      const switched = get().schemaRoot !== root
      set({
        schemaLoading: true,
        schemaError: null,
        ...(switched
          ? { schemaDoc: null, schemaRoot: null, selectedTable: null, tableFilter: '' }
          : {}),
      })
      try {
        const doc = await client.invoke('schema.get', {})
        if (n !== seq) return
        set({ schemaDoc: doc, schemaRoot: root, schemaLoading: false })
      } catch (err) {
        if (n !== seq) return
        set({ schemaLoading: false, schemaError: toErrorInfo(err) })
      }
    },

    selectTable(name) {
      set({ selectedTable: name })
    },

    setTableFilter(text) {
      set({ tableFilter: text })
    },
  }
}
