import { toErrorInfo } from '../../../../shared/contract/envelope'
import type {
  CompareResult,
  MigrationStatus,
  Reconciliation,
  RejectList,
  RejectRule,
  RetryResult,
} from '../../../../shared/contract/migration'
import type { ErrorInfo } from '../../../../shared/contract/types'
import type { SliceCreator } from '../types'

/**
 * The Migration screen's data. The per-table state lives in the backend: migration.status answers
 * a reload with the whole state (the chart included); migration.progress events then carry the
 * new state with only the chart points added since the previous event.
 */
export interface MigrationSlice {
  migration: MigrationStatus | null
  migrationError: ErrorInfo | null
  reconciliation: Reconciliation | null
  reconciliationBusy: boolean
  reconciliationError: ErrorInfo | null
  rejects: RejectList | null
  rejectsBusy: 'list' | 'retry' | null
  rejectsError: ErrorInfo | null
  lastRetry: RetryResult | null
  compare: CompareResult | null
  compareBusy: boolean
  compareError: ErrorInfo | null
  loadMigration(): Promise<void>
  applyMigrationProgress(status: MigrationStatus): void
  loadReconciliation(): Promise<void>
  loadRejects(): Promise<void>
  retryRejects(table: string, keys: string[], rules: RejectRule[]): Promise<void>
  loadCompare(input: { table: string; after?: string | null; keys?: string[] }): Promise<void>
}

export const MIGRATE_STEP = 'p3.migrate'

export const createMigrationSlice: SliceCreator<MigrationSlice> = (set, get, client) => {
  let seq = 0
  let compareSeq = 0
  return {
    migration: null,
    migrationError: null,
    reconciliation: null,
    reconciliationBusy: false,
    reconciliationError: null,
    rejects: null,
    rejectsBusy: null,
    rejectsError: null,
    lastRetry: null,
    compare: null,
    compareBusy: false,
    compareError: null,

    async loadMigration() {
      const n = ++seq
      try {
        const status = await client.invoke('migration.status', {})
        if (n !== seq) return
        set({ migration: status, migrationError: null })
        // The reconciliation and the reject log exist once a run has loaded something.
        if (status.state === 'done' || status.state === 'failed' || status.origin === 'report') {
          void get().loadReconciliation()
          void get().loadRejects()
        }
      } catch (err) {
        if (n === seq) set({ migrationError: toErrorInfo(err) })
      }
    },

    applyMigrationProgress(status) {
      const prev = get().migration
      const sameRun = prev !== null && prev.runId === status.runId && prev.runId !== null
      const last = sameRun ? (prev.samples[prev.samples.length - 1]?.t ?? -Infinity) : -Infinity
      const samples = sameRun
        ? [...prev.samples, ...status.samples.filter((s) => s.t > last)]
        : status.samples
      set({ migration: { ...status, samples } })
      if (prev?.state === 'running' && status.state !== 'running') {
        void get().loadReconciliation()
        void get().loadRejects()
      }
    },

    async loadReconciliation() {
      set({ reconciliationBusy: true, reconciliationError: null })
      try {
        const r = await client.invoke('migration.reconciliation', {})
        set({ reconciliation: r, reconciliationBusy: false })
      } catch (err) {
        set({ reconciliationBusy: false, reconciliationError: toErrorInfo(err) })
      }
    },

    async loadRejects() {
      set({ rejectsBusy: 'list', rejectsError: null })
      try {
        const r = await client.invoke('migration.rejects', { limit: 500 })
        set({ rejects: r, rejectsBusy: null })
      } catch (err) {
        set({ rejectsBusy: null, rejectsError: toErrorInfo(err) })
      }
    },

    async retryRejects(table, keys, rules) {
      set({ rejectsBusy: 'retry', rejectsError: null })
      try {
        const r = await client.invoke('migration.retryRejects', { table, keys, rules })
        set({ lastRetry: r, rejectsBusy: null })
        await get().loadRejects()
      } catch (err) {
        set({ rejectsBusy: null, rejectsError: toErrorInfo(err) })
      }
    },

    async loadCompare(input) {
      const n = ++compareSeq
      set({ compareBusy: true, compareError: null })
      try {
        const r = await client.invoke('migration.compare', { ...input, limit: 50 })
        if (n !== compareSeq) return
        set({ compare: r, compareBusy: false })
      } catch (err) {
        if (n === compareSeq) set({ compareBusy: false, compareError: toErrorInfo(err) })
      }
    },
  }
}
