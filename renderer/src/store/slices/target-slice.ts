import { toErrorInfo } from '../../../../shared/contract/envelope'
import type { SliceCreator, TargetSlice } from '../types'

export const createTargetSlice: SliceCreator<TargetSlice> = (set, get, client) => ({
  target: null,
  targetBusy: null,
  targetError: null,
  targetChecks: null,

  async loadTarget() {
    if (!get().workspace) {
      set({ target: null, targetError: null })
      return
    }
    set({ targetBusy: 'status', targetError: null })
    try {
      const target = await client.invoke('target.status', {})
      set({ target, targetBusy: null })
    } catch (err) {
      set({ targetBusy: null, targetError: toErrorInfo(err) })
    }
  },

  async connectTarget(config) {
    set({ targetError: null })
    try {
      if (config) {
        set({ targetBusy: 'configure', targetChecks: null })
        set({ target: await client.invoke('target.configure', config) })
      }
      set({ targetBusy: 'connect' })
      const target = await client.invoke('target.connect', {})
      set({ target, targetBusy: null })
      return target.error === null
    } catch (err) {
      set({ targetBusy: null, targetError: toErrorInfo(err) })
      return false
    }
  },

  applyTargetState(status) {
    set({ target: status })
  },

  async checkTarget() {
    set({ targetBusy: 'check', targetError: null, targetChecks: null })
    try {
      const targetChecks = await client.invoke('target.check', {})
      set({ targetChecks, targetBusy: null, target: await client.invoke('target.status', {}) })
    } catch (err) {
      set({ targetBusy: null, targetError: toErrorInfo(err) })
    }
  },
})
