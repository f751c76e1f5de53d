// The store's shape: one state object made of slices (zustand's slices pattern). Each slice
// gets the same set/get and the contract client; none imports another slice.
import type { StoreApi } from 'zustand/vanilla'
import type { FerryClient } from '../../../shared/contract/client'
import type {
  BackupInfo,
  ErrorInfo,
  Evidence,
  PlanView,
  Progress,
  StepState,
  TargetConfig,
  TargetStatus,
  WorkspaceSummary,
} from '../../../shared/contract/types'
import type { EventPayload } from '../../../shared/contract/events'
import type { TargetCheckResult } from '../../../shared/contract/connection'
import type { ConnectionState } from '../transport/connection-state'
import type { BenchSlice } from './slices/bench-slice'
import type { AgentsSlice } from './slices/agents-slice'
import type { RetentionSlice } from './slices/retention-slice'
import type { MonitorSlice } from './slices/monitor-slice'
import type { MetricsSlice } from './slices/metrics-slice'
import type { MigrationSlice } from './slices/migration-slice'
import type { DeltaSlice } from './slices/delta-slice'
import type { TablesSlice } from './slices/tables-slice'
import type { ThroughputSeries } from './throughput'
import type { SchemaOptionsInput, SchemaOptionsView } from '../../../shared/contract/schema-options'

export interface AppInfo {
  version: string
  demoDefaultPath: string
}

export type WorkspaceAction = 'open' | 'createDemo' | 'refresh'

export interface WorkspaceSlice {
  appInfo: AppInfo | null
  workspace: WorkspaceSummary | null
  workspaceBusy: WorkspaceAction | null
  workspaceError: ErrorInfo | null
  openWorkspace(path: string): Promise<boolean>
  createDemo(path: string, events?: number): Promise<boolean>
  refreshWorkspace(): Promise<void>
  /** A workspace.changed event or a successful open: take it and re-read plan and target. */
  applyWorkspace(summary: WorkspaceSummary): void
}

export type StepAction = 'run' | 'confirm' | 'cancel' | 'undo'

export interface StepProgress {
  runId: string
  progress: Progress
}

export interface PlanSlice {
  plan: PlanView
  /** 'static' until the backend has answered plan.get for an open workspace. */
  planSource: 'static' | 'backend'
  planLoading: boolean
  planError: ErrorInfo | null
  progress: Record<string, StepProgress>
  /** Live throughput samples of running steps, from step.progress events (StepThroughputChart). */
  throughput: Record<string, ThroughputSeries>
  stepBusy: Record<string, StepAction>
  stepErrors: Record<string, ErrorInfo>
  loadPlan(): Promise<void>
  /**
   * Re-reads only the steps' warnings (a done step whose evidence no longer holds) from the
   * backend; their states stay as the events left them.
   */
  loadWarnings(): Promise<void>
  runStep(stepId: string): Promise<void>
  confirmStep(stepId: string): Promise<void>
  cancelStep(stepId: string): Promise<void>
  undoStep(stepId: string): Promise<void>
  /** Events always replace; replies are ignored when they are older than what we hold. */
  applyStepState(state: StepState, origin: 'event' | 'reply'): void
  applyProgress(event: EventPayload<'step.progress'>): void
}

export type TargetAction = 'configure' | 'connect' | 'status' | 'check'

export interface TargetSlice {
  target: TargetStatus | null
  targetBusy: TargetAction | null
  targetError: ErrorInfo | null
  loadTarget(): Promise<void>
  /** Configures (when given a config) and then connects; true when connected without an error. */
  connectTarget(config?: TargetConfig): Promise<boolean>
  applyTargetState(status: TargetStatus): void
  /** The last Settings → Check: p3.postgres-prod's checks, each with its result. */
  targetChecks: TargetCheckResult | null
  checkTarget(): Promise<void>
}

export type LogLine = EventPayload<'log'> & { seq: number }

export interface LogSlice {
  log: LogLine[]
  appendLog(line: EventPayload<'log'>): void
  clearLog(): void
}

/** The last schema.get answer, and the workspace it belongs to (null: never read). */
export interface SchemaSlice {
  schemaDoc: Record<string, unknown> | null
  schemaRoot: string | null
  schemaLoading: boolean
  schemaError: ErrorInfo | null
  selectedTable: string | null
  tableFilter: string
  loadSchema(): Promise<void>
  selectTable(name: string | null): void
  setTableFilter(text: string): void
}

export interface RestoreOutcome {
  id: string
  at: string
  evidence: Evidence | null
  error: ErrorInfo | null
}

export interface BackupSlice {
  /** null until backup.list has answered for backupsRoot. */
  backups: BackupInfo[] | null
  backupsRoot: string | null
  backupsBusy: 'list' | 'verify' | null
  backupsError: ErrorInfo | null
  /** The backup being restored, while backup.restore runs. */
  restoring: string | null
  restoreOutcome: RestoreOutcome | null
  /** The row to point at when the Backups screen opens from a step's evidence. */
  highlightedBackup: string | null
  loadBackups(opts?: { verify?: boolean }): Promise<void>
  restoreBackup(id: string): Promise<boolean>
  openBackups(id?: string | null): void
  dismissRestoreOutcome(): void
}

/** The last inventory.get answer (.ferry/inventory.json), and the workspace it belongs to. */
export interface InventorySlice {
  inventoryDoc: Record<string, unknown> | null
  /** null: never read (or read for no workspace). */
  inventoryRoot: string | null
  inventoryLoading: boolean
  inventoryError: ErrorInfo | null
  loadInventory(): Promise<void>
}

export type Screen = 'checklist' | 'inventory' | 'schema' | 'backups' | 'settings' | 'benchmarks' | 'monitoring' | 'metrics' | 'migration' | 'tables' | 'agents'

export interface UiSlice {
  screen: Screen
  selectedStepId: string | null
  connection: ConnectionState
  initError: ErrorInfo | null
  initializing: boolean
  everOpened: boolean
  /** The evidence panel spans the checklist screen (for wide tables). */
  evidenceWide: boolean
  setEvidenceWide(wide: boolean): void
  setScreen(screen: Screen): void
  selectStep(stepId: string | null): void
  setConnection(state: ConnectionState): void
}

export interface LifecycleSlice {
  /** app.info, then plan.get and target.status when a workspace is open. */
  init(): Promise<void>
  /** Subscribes to the backend's events and runs init; returns the unsubscribe. */
  start(): () => void
  /** Applies chosen composite-index proposals as a migration (after a backup). */
  acceptIndexes(indexes: string[]): Promise<Evidence>
  /** p3.schema's saved choices (or the defaults). */
  schemaOptions(): Promise<SchemaOptionsView>
  /** Saves p3.schema's choices; they apply when the step runs again. */
  saveSchemaOptions(options: SchemaOptionsInput): Promise<SchemaOptionsView>
}

export type FerryState = WorkspaceSlice &
  PlanSlice &
  SchemaSlice &
  InventorySlice &
  BackupSlice &
  BenchSlice &
  AgentsSlice &
  RetentionSlice &
  MonitorSlice &
  MetricsSlice &
  MigrationSlice &
  DeltaSlice &
  TablesSlice &
  TargetSlice &
  LogSlice &
  UiSlice &
  LifecycleSlice

export type SetState = StoreApi<FerryState>['setState']
export type GetState = StoreApi<FerryState>['getState']
export type SliceCreator<T> = (set: SetState, get: GetState, client: FerryClient) => T
export type FerryStore = StoreApi<FerryState>
