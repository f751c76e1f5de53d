import type { DemoTable } from './schema'
import type { AgentType } from './vocabulary'

export type Value = string | number | null
export type Row = Record<string, Value>
export type CoreTable = Exclude<DemoTable, 'events'>
export type CoreRows = Record<CoreTable, Row[]>

export interface AgentInfo {
  id: string
  type: AgentType
  status: string
  model: string
  worktree: string | null
  branch: string | null
  tools: string[]
  createdMs: number
}

export interface Roster {
  agents: AgentInfo[]
  /** An agent that was removed from `agents` but still appears in old rows and files. */
  deletedAgent: { id: string; type: AgentType }
}

export interface Secrets {
  anthropicApiKey: string
  databasePassword: string
  githubToken: string
  webhookSecret: string
}

export interface TaskInfo {
  id: number
  title: string
  agentId: string | null
  status: string
  createdMs: number
}

export interface SessionInfo {
  id: string
  agentId: string
  title: string
  startedMs: number
  endedMs: number | null
  model: string
  summary: string | null
  files: string[]
}

export interface CoreData {
  rows: CoreRows
  roster: Roster
  secrets: Secrets
  tasks: TaskInfo[]
  sessions: SessionInfo[]
  projects: { id: string; name: string; description: string }[]
}
