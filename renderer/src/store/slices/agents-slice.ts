import type { AgentBackend, AgentsView, SwitchResult } from '../../../../shared/contract/agents'
import { toErrorInfo } from '../../../../shared/contract/envelope'
import type { ErrorInfo } from '../../../../shared/contract/types'
import type { SliceCreator } from '../types'

/** The Agents screen (agents.list / agents.setBackend): flags, last activity, the last switch. */
export interface AgentsSlice {
  agentsView: AgentsView | null
  agentsLoading: boolean
  agentsError: ErrorInfo | null
  /** The agent whose switch is in flight (one at a time). */
  agentSwitching: string | null
  lastSwitch: SwitchResult | null
  loadAgents(): Promise<void>
  switchAgent(agentId: string, backend: AgentBackend): Promise<void>
  dismissSwitch(): void
}

export const createAgentsSlice: SliceCreator<AgentsSlice> = (set, get, client) => {
  let seq = 0
  return {
    agentsView: null,
    agentsLoading: false,
    agentsError: null,
    agentSwitching: null,
    lastSwitch: null,

    async loadAgents() {
      const n = ++seq
      if (!get().workspace) {
        set({ agentsView: null, agentsLoading: false, agentsError: null })
        return
      }
      set({ agentsLoading: true, agentsError: null })
      try {
        const view = await client.invoke('agents.list', {})
        if (n === seq) set({ agentsView: view, agentsLoading: false })
      } catch (err) {
        if (n === seq) set({ agentsLoading: false, agentsError: toErrorInfo(err) })
      }
    },

    async switchAgent(agentId, backend) {
      if (get().agentSwitching) return
      set({ agentSwitching: agentId, agentsError: null })
      try {
        const result = await client.invoke('agents.setBackend', { agentId, backend })
        set({ lastSwitch: result, agentSwitching: null })
      } catch (err) {
        set({ agentSwitching: null, agentsError: toErrorInfo(err) })
      }
      await get().loadAgents()
    },

    dismissSwitch() {
      set({ lastSwitch: null })
    },
  }
}
