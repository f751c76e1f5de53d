import type { RetentionApplyResult, RetentionPreviewView } from '../../../../shared/contract/retention'
import { toErrorInfo } from '../../../../shared/contract/envelope'
import type { ErrorInfo } from '../../../../shared/contract/types'
import type { SliceCreator } from '../types'

export interface RetentionPolicyInput {
  backend: 'sqlite' | 'postgres'
  keep: number
  perDay: boolean
}

/** The snapshot-retention panel (retention.preview / retention.apply): preview first, then apply it. */
export interface RetentionSlice {
  retentionPreview: RetentionPreviewView | null
  retentionBusy: boolean
  retentionError: ErrorInfo | null
  retentionApplied: RetentionApplyResult | null
  previewRetention(p: RetentionPolicyInput): Promise<void>
  /** Applies exactly the shown preview: the backend refuses if the policy now removes another number. */
  applyRetention(): Promise<void>
}

export const createRetentionSlice: SliceCreator<RetentionSlice> = (set, get, client) => ({
  retentionPreview: null,
  retentionBusy: false,
  retentionError: null,
  retentionApplied: null,

  async previewRetention(p) {
    set({ retentionBusy: true, retentionError: null })
    try {
      const view = await client.invoke('retention.preview', p)
      set({ retentionPreview: view, retentionBusy: false })
    } catch (err) {
      set({ retentionBusy: false, retentionError: toErrorInfo(err), retentionPreview: null })
    }
  },

  async applyRetention() {
    const shown = get().retentionPreview
    if (!shown || get().retentionBusy) return
    set({ retentionBusy: true, retentionError: null })
    const policy = { backend: shown.backend, keep: shown.policy.keep, perDay: shown.policy.perDay }
    let failure: ErrorInfo | null = null
    try {
      const result = await client.invoke('retention.apply', { ...policy, expectRows: shown.totals.removeRows })
      set({ retentionApplied: result })
    } catch (err) {
      failure = toErrorInfo(err)
    }
    // The fresh preview shows what is left (or, after a refusal, what the policy removes now);
    // a refusal stays on screen above it.
    await get().previewRetention(policy)
    if (failure) set({ retentionError: failure })
  },
})
