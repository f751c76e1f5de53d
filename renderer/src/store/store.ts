// The renderer's single store, built from slices and handed a contract client, so a test can
// build a fresh one around a fake client and drive it with events.
import { createStore } from 'zustand/vanilla'
import { toErrorInfo } from '../../../shared/contract/envelope'
import { toRequest } from '../../../shared/contract/schema-options'
import type { FerryClient } from '../../../shared/contract/client'
import type { ConnectionState } from '../transport/connection-state'
import type { StepState } from '../../../shared/contract/types'
import { createBackupSlice } from './slices/backup-slice'
import { createMigrationSlice } from './slices/migration-slice'
import { createDeltaSlice } from './slices/delta-slice'
import { createTablesSlice } from './slices/tables-slice'
import { BENCH_STEPS, createBenchSlice } from './slices/bench-slice'
import { createAgentsSlice } from './slices/agents-slice'
import { createRetentionSlice } from './slices/retention-slice'
import { createMonitorSlice } from './slices/monitor-slice'
import { createMetricsSlice } from './slices/metrics-slice'
import { INVENTORY_STEP } from './inventory-selectors'
import { createInventorySlice } from './slices/inventory-slice'
import { createLogSlice } from './slices/log-slice'
import { createPlanSlice } from './slices/plan-slice'
import { createSchemaSlice } from './slices/schema-slice'
import { createTargetSlice } from './slices/target-slice'
import { createUiSlice } from './slices/ui-slice'
import { createWorkspaceSlice } from './slices/workspace-slice'
import type { FerryState, FerryStore, GetState, LifecycleSlice, SliceCreator } from './types'

export interface StoreOptions {
  /** What the transport reports at start; Electron's preload is open from the first moment. */
  connection?: ConnectionState
}

const FINISHED = new Set(['done', 'failed', 'pending', 'skipped'])

/**
 * A step that ends may have changed what the Schema, Inventory and Backups screens show (a
 * new schema.json or inventory.json; the backup taken before a step): re-read what has been read before.
 */
function refreshScreenData(get: GetState, state: StepState): void {
  if (!FINISHED.has(state.status)) return
  const s = get()
  // The plan's warnings (a done step whose evidence no longer holds) are the backend's to check:
  // a step that ended may have made or mended one.
  void s.loadWarnings()
  if (state.stepId === 'pre.document-schema' && s.schemaRoot !== null) void s.loadSchema()
  if (state.stepId === INVENTORY_STEP && s.inventoryRoot !== null) void s.loadInventory()
  if (s.backupsRoot !== null) void s.loadBackups()
  if (BENCH_STEPS.has(state.stepId) && s.benchRoot !== null) void s.loadBench()
}

const createLifecycleSlice: SliceCreator<LifecycleSlice> = (set, get, client) => {
  let initSeq = 0
  return {
    async init() {
      const seq = ++initSeq
      set({ initializing: true, initError: null })
      try {
        const info = await client.invoke('app.info', {})
        if (seq !== initSeq) return
        set({
          appInfo: { version: info.version, demoDefaultPath: info.demoDefaultPath },
          workspace: info.workspace,
        })
        await Promise.all([get().loadPlan(), get().loadTarget()])
        // Back after a reconnect on a data screen: it may have missed a step's end.
        const { screen } = get()
        if (screen === 'schema') void get().loadSchema()
        if (screen === 'backups') void get().loadBackups()
        if (screen === 'inventory') void get().loadInventory()
        if (screen === 'benchmarks') void get().loadBench()
        // The migration view is redrawn from the backend's state (it survives a reload).
        if (screen === 'migration') void get().loadMigration()
      } catch (err) {
        if (seq === initSeq) set({ initError: toErrorInfo(err) })
      } finally {
        if (seq === initSeq) set({ initializing: false })
      }
    },

    acceptIndexes: (indexes) => client.invoke('indexes.accept', { indexes }),
    schemaOptions: () => client.invoke('schema.options', {}),
    saveSchemaOptions: (options) => client.invoke('schema.setOptions', toRequest(options)),

    start() {
      const offs = [
        client.on('step.state', (state) => {
          get().applyStepState(state, 'event')
          refreshScreenData(get, state)
        }),
        client.on('step.progress', (event) => get().applyProgress(event)),
        client.on('log', (line) => get().appendLog(line)),
        client.on('target.state', (status) => get().applyTargetState(status)),
        client.on('workspace.changed', (summary) => get().applyWorkspace(summary)),
        client.on('migration.progress', (status) => get().applyMigrationProgress(status)),
      ]
      void get().init()
      return () => {
        for (const off of offs) off()
      }
    },
  }
}

export function createFerryStore(client: FerryClient, options: StoreOptions = {}): FerryStore {
  const connection = options.connection ?? { kind: 'open' }
  return createStore<FerryState>()((set, get) => ({
    ...createWorkspaceSlice(set, get, client),
    ...createPlanSlice(set, get, client),
    ...createTargetSlice(set, get, client),
    ...createSchemaSlice(set, get, client),
    ...createInventorySlice(set, get, client),
    ...createBackupSlice(set, get, client),
    ...createBenchSlice(set, get, client),
    ...createAgentsSlice(set, get, client),
    ...createRetentionSlice(set, get, client),
    ...createMonitorSlice(set, get, client),
    ...createMetricsSlice(set, get, client),
    ...createMigrationSlice(set, get, client),
    ...createDeltaSlice(set, get, client),
    ...createLogSlice(set, get, client),
    ...createTablesSlice(set, get, client),
    ...createUiSlice(connection)(set, get, client),
    ...createLifecycleSlice(set, get, client),
  }))
}
