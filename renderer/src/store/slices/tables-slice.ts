// The Tables screen's shared state: which source and table are open, the sources and tables
// lists. Rows themselves are windows cached by the grid (they are too many for the store); the
// grid reaches the backend through the plain request functions at the end of this slice.
import { toErrorInfo } from '../../../../shared/contract/envelope'
import type { MethodInput, MethodName, MethodOutput } from '../../../../shared/contract/methods'
import type { SourceInfo, TableInfo } from '../../../../shared/contract/inspect'
import type { ErrorInfo } from '../../../../shared/contract/types'
import type { SliceCreator } from '../types'

type Call<M extends MethodName> = (input: MethodInput<M>) => Promise<MethodOutput<M>>

export interface TablesSlice {
  /** null until inspect.sources answered. */
  tablesSources: SourceInfo[] | null
  tablesSource: string | null
  tablesList: TableInfo[] | null
  tablesSelected: string | null
  tablesLoading: boolean
  tablesError: ErrorInfo | null
  loadTablesSources(): Promise<void>
  selectTablesSource(id: string): Promise<void>
  loadTablesList(): Promise<void>
  selectTablesTable(name: string | null): void
  inspectPage: Call<'inspect.page'>
  inspectCount: Call<'inspect.count'>
  inspectCell: Call<'inspect.cell'>
  sqlRun: Call<'sql.run'>
  sqlExplain: Call<'sql.explain'>
  sqlHistory(): Promise<MethodOutput<'sql.history'>>
}

export const createTablesSlice: SliceCreator<TablesSlice> = (set, get, client) => {
  let seq = 0
  return {
    tablesSources: null,
    tablesSource: null,
    tablesList: null,
    tablesSelected: null,
    tablesLoading: false,
    tablesError: null,

    async loadTablesSources() {
      const n = ++seq
      set({ tablesLoading: true, tablesError: null })
      try {
        const sources = await client.invoke('inspect.sources', {})
        if (n !== seq) return
        const current = get().tablesSource
        const keep = sources.find((s) => s.id === current && s.available)
        const pick = keep ?? sources.find((s) => s.available) ?? null
        set({ tablesSources: sources, tablesLoading: false })
        if (pick && pick.id !== current) await get().selectTablesSource(pick.id)
        else if (pick) await get().loadTablesList()
      } catch (err) {
        if (n === seq) set({ tablesLoading: false, tablesError: toErrorInfo(err) })
      }
    },

    async selectTablesSource(id) {
      set({ tablesSource: id, tablesList: null, tablesSelected: null })
      await get().loadTablesList()
    },

    async loadTablesList() {
      const source = get().tablesSource
      if (!source) return
      const n = ++seq
      set({ tablesLoading: true, tablesError: null })
      try {
        const list = await client.invoke('inspect.tables', { source })
        if (n !== seq) return
        const selected = get().tablesSelected
        set({
          tablesList: list,
          tablesLoading: false,
          tablesSelected: selected && list.some((t) => t.name === selected) ? selected : null,
        })
      } catch (err) {
        if (n === seq) set({ tablesLoading: false, tablesError: toErrorInfo(err) })
      }
    },

    selectTablesTable(name) {
      set({ tablesSelected: name })
    },

    inspectPage: (req) => client.invoke('inspect.page', req),
    inspectCount: (ref) => client.invoke('inspect.count', ref),
    inspectCell: (req) => client.invoke('inspect.cell', req),
    sqlRun: (req) => client.invoke('sql.run', req),
    sqlExplain: (req) => client.invoke('sql.explain', req),
    sqlHistory: () => client.invoke('sql.history', {}),
  }
}
