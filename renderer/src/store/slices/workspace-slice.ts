import { toErrorInfo } from '../../../../shared/contract/envelope'
import type { WorkspaceSummary } from '../../../../shared/contract/types'
import type { SliceCreator, WorkspaceAction, WorkspaceSlice } from '../types'

export const createWorkspaceSlice: SliceCreator<WorkspaceSlice> = (set, get, client) => {
  async function attempt(
    action: WorkspaceAction,
    call: () => Promise<WorkspaceSummary>,
  ): Promise<boolean> {
    set({ workspaceBusy: action, workspaceError: null })
    try {
      const summary = await call()
      set({ workspaceBusy: null })
      get().applyWorkspace(summary)
      return true
    } catch (err) {
      set({ workspaceBusy: null, workspaceError: toErrorInfo(err) })
      return false
    }
  }

  return {
    appInfo: null,
    workspace: null,
    workspaceBusy: null,
    workspaceError: null,

    openWorkspace: (path) =>
      attempt('open', () => client.invoke('workspace.open', { path: path.trim() })),

    createDemo: (path, events) =>
      attempt('createDemo', () =>
        client.invoke(
          'workspace.createDemo',
          events === undefined ? { path: path.trim() } : { path: path.trim(), events },
        ),
      ),

    async refreshWorkspace() {
      if (!get().workspace) return
      set({ workspaceBusy: 'refresh', workspaceError: null })
      try {
        const summary = await client.invoke('workspace.refresh', {})
        set({ workspace: summary, workspaceBusy: null })
      } catch (err) {
        set({ workspaceBusy: null, workspaceError: toErrorInfo(err) })
      }
    },

    applyWorkspace(summary) {
      const previous = get().workspace
      const switched = previous?.root !== summary.root
      set({
        workspace: summary,
        workspaceError: null,
        ...(switched ? { selectedStepId: null } : {}),
      })
      void get().loadPlan()
      void get().loadTarget()
    },
  }
}
