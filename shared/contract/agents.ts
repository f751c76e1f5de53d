// The Agents screen (issue 6, p4.agent-code): each agent's backend flag and last activity, and
// switching one agent with the rollback report of what stays on the side it leaves.
import { z } from 'zod'

export const AgentBackend = z.enum(['files', 'sqlite', 'postgres', 'dual-write'])
export type AgentBackend = z.infer<typeof AgentBackend>

export const AgentRow = z.object({
  agentId: z.string(),
  agentType: z.string().nullable(),
  status: z.string().nullable(),
  backend: AgentBackend,
  /** Where the flag was read: the target's configurations, memory.db's mirror, or none set. */
  flagSource: z.enum(['postgres', 'memory.db', 'default']),
  flagSince: z.string().nullable(),
  lastActivity: z.string().nullable(),
})
export type AgentRow = z.infer<typeof AgentRow>

export const AgentsView = z.object({
  agents: z.array(AgentRow),
  /** Flags live in the target when one is connected, else in memory.db. */
  flagStore: z.enum(['postgres', 'memory.db', 'none']),
  targetConnected: z.boolean(),
  note: z.string().nullable(),
})
export type AgentsView = z.infer<typeof AgentsView>

export const LeftBehind = z.object({
  side: z.enum(['sqlite', 'postgres']),
  since: z.string().nullable(),
  writes: z.number().int().nonnegative(),
  byTable: z.record(z.string(), z.number().int().nonnegative()),
})

export const SwitchResult = z.object({
  agentId: z.string(),
  previous: AgentBackend,
  backend: AgentBackend,
  at: z.string(),
  leftBehind: z.array(LeftBehind),
  note: z.string(),
})
export type SwitchResult = z.infer<typeof SwitchResult>

export const SetBackendInput = z.object({ agentId: z.string().min(1).max(200), backend: AgentBackend }).strict()
