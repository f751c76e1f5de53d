// agents.list / agents.setBackend for the backend's handler map. The target is used only when it
// is connected (listing must not start the embedded server); agent_memory must exist there
// (p3.migrate), else flags live in memory.db alone.
import pg from 'pg'
import type { Handlers } from '../../../shared/contract/dispatcher'
import { FerryError } from '../../../shared/contract/envelope'
import type { TargetStatus } from '../../../shared/contract/types'
import type { WorkspacePaths } from '../workspace/resolve'
import { existsSync } from 'node:fs'
import { listAgents, setAgentBackend } from './agents'
import { memoryDbOf, type FlagLocation } from './flags'
import { DEFAULT_SCHEMA } from './postgres'

export interface AgentApiDeps {
  paths(): WorkspacePaths
  targetStatus(): TargetStatus
  targetUrl(): Promise<string>
  log(level: 'info' | 'warn', message: string): void
}

async function schemaExists(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, application_name: 'ferry-agents', connectionTimeoutMillis: 5000 })
  c.on('error', () => undefined)
  await c.connect()
  try {
    const r = await c.query(`SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'configurations'`, [DEFAULT_SCHEMA])
    return r.rowCount === 1
  } finally {
    await c.end().catch(() => undefined)
  }
}

async function location(deps: AgentApiDeps): Promise<{ loc: FlagLocation; note: string | null; connected: boolean }> {
  const workspace = deps.paths().root
  if (deps.targetStatus().state !== 'connected') {
    return { loc: { workspace }, connected: false, note: 'No PostgreSQL target is connected: flags are read from memory.db.' }
  }
  const url = await deps.targetUrl()
  if (!(await schemaExists(url))) {
    return { loc: { workspace }, connected: true, note: `The target has no ${DEFAULT_SCHEMA} schema yet (run p3.migrate): flags are read from memory.db.` }
  }
  return { loc: { workspace, postgresUrl: url }, connected: true, note: null }
}

export function agentHandlers(deps: AgentApiDeps): Pick<Handlers, 'agents.list' | 'agents.setBackend'> {
  return {
    'agents.list': async () => {
      const { loc, note, connected } = await location(deps)
      const hasMemoryDb = existsSync(memoryDbOf(loc.workspace))
      if (!loc.postgresUrl && !hasMemoryDb) {
        return { agents: [], flagStore: 'none' as const, targetConnected: connected, note: 'There is no memory.db yet (run p2.validate): agents keep their files.' }
      }
      return {
        agents: await listAgents(loc),
        flagStore: loc.postgresUrl ? ('postgres' as const) : ('memory.db' as const),
        targetConnected: connected,
        note,
      }
    },
    'agents.setBackend': async ({ agentId, backend }) => {
      const { loc } = await location(deps)
      if ((backend === 'postgres' || backend === 'dual-write') && !loc.postgresUrl) {
        throw new FerryError(
          'NO_TARGET',
          `Agent ${agentId} cannot be switched to ${backend}: no migrated PostgreSQL target is connected`,
          'Connect the target (Settings → Connections) and run p3.migrate first.',
        )
      }
      const known = (await listAgents(loc)).some((a) => a.agentId === agentId)
      if (!known) throw new FerryError('UNKNOWN_AGENT', `There is no agent "${agentId}" in memory.db or the target`, 'Pick an agent from the list.')
      const r = await setAgentBackend(agentId, backend, loc)
      deps.log('info', `Agent ${agentId}: ${r.previous} → ${r.backend}. ${r.note}`)
      return r
    },
  }
}
