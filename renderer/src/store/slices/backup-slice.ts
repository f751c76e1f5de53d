import { toErrorInfo } from '../../../../shared/contract/envelope'
import type { BackupSlice, SliceCreator } from '../types'

/** The Backups screen's data: the list (optionally verified) and the outcome of a restore. */
export const createBackupSlice: SliceCreator<BackupSlice> = (set, get, client) => {
  let seq = 0
  return {
    backups: null,
    backupsRoot: null,
    backupsBusy: null,
    backupsError: null,
    restoring: null,
    restoreOutcome: null,
    highlightedBackup: null,

    async loadBackups(opts) {
      const verify = opts?.verify ?? false
      const root = get().workspace?.root ?? null
      if (!root) {
        set({ backups: null, backupsRoot: null, backupsBusy: null, backupsError: null })
        return
      }
      // A verification under way answers with a fresher list than a plain re-read would.
      if (!verify && get().backupsBusy === 'verify') return
      const n = ++seq
      const previous = get().backupsRoot
      const switched = previous !== null && previous !== root
      set({
        backupsBusy: verify ? 'verify' : 'list',
        backupsError: null,
        ...(switched ? { backups: null, backupsRoot: null, restoreOutcome: null } : {}),
      })
      try {
        const list = await client.invoke('backup.list', { verify })
        if (n !== seq) return
        set({ backups: list, backupsRoot: root, backupsBusy: null })
      } catch (err) {
        if (n !== seq) return
        set({ backupsBusy: null, backupsError: toErrorInfo(err) })
      }
    },

    async restoreBackup(id) {
      if (get().restoring) return false
      set({ restoring: id, restoreOutcome: null })
      let ok = false
      try {
        const evidence = await client.invoke('backup.restore', { id })
        set({ restoreOutcome: { id, at: new Date().toISOString(), evidence, error: null } })
        ok = true
      } catch (err) {
        set({
          restoreOutcome: {
            id,
            at: new Date().toISOString(),
            evidence: null,
            error: toErrorInfo(err),
          },
        })
      } finally {
        set({ restoring: null })
      }
      // The restore took a backup of the state it replaced: list it (and the checklist's
      // warnings about missing backups may change).
      void get().loadBackups()
      void get().loadWarnings()
      return ok
    },

    openBackups(id) {
      set({ screen: 'backups', highlightedBackup: id ?? null })
    },

    dismissRestoreOutcome() {
      set({ restoreOutcome: null })
    },
  }
}
