// Per-agent feature flags: which backend each agent uses, kept in `configurations` under
// (agent_id, 'ferry.agent_store.backend'). With a PostgreSQL target the target's row is the truth
// and memory.db carries a mirror (so an agent started without the URL still sees its flag); with
// no target memory.db holds it alone. An agent with no flag uses SQLite once memory.db exists.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { PgDialect } from './postgres'
import { upsertConfig } from './rows'
import { SqliteDialect } from './sqlite'
import type { Dialect } from './dialect'
import { BACKEND_FLAG_KEY, BackendSchema, type Backend } from './types'

export interface FlagLocation {
  /** The workspace folder (the one holding .claude/). */
  workspace: string
  postgresUrl?: string
  schema?: string
}

export interface FlagValue {
  backend: Backend
  source: 'postgres' | 'memory.db' | 'default'
  /** When the flag was last set (null for the default). */
  since: string | null
}

export const memoryDbOf = (workspace: string): string => join(workspace, '.claude', 'memory.db')

export async function withDialect<T>(
  where: 'sqlite' | 'postgres',
  loc: FlagLocation,
  fn: (d: Dialect) => Promise<T>,
): Promise<T> {
  const d: Dialect =
    where === 'postgres'
      ? new PgDialect({ url: loc.postgresUrl!, schema: loc.schema, poolMax: 1, applicationName: 'ferry-agent-flags' })
      : new SqliteDialect({ file: memoryDbOf(loc.workspace) })
  try {
    return await fn(d)
  } finally {
    await d.close()
  }
}

/** Every flag set in one database, by agent. */
export async function readFlags(d: Dialect): Promise<Map<string, { backend: Backend; since: string }>> {
  const rows = await d.read(
    `SELECT "agent_id", "config_value", "updated_at" FROM ${d.t('configurations')} WHERE "config_key" = ? ORDER BY "updated_at", "config_id"`,
    [BACKEND_FLAG_KEY],
  )
  const out = new Map<string, { backend: Backend; since: string }>()
  for (const r of rows) {
    const b = BackendSchema.safeParse(r.config_value)
    if (b.success && r.agent_id !== null) {
      const since = r.updated_at instanceof Date ? r.updated_at.toISOString() : String(r.updated_at)
      out.set(String(r.agent_id), { backend: b.data, since })
    }
  }
  return out
}

export function defaultBackend(workspace: string): Backend {
  return existsSync(memoryDbOf(workspace)) ? 'sqlite' : 'files'
}

export async function readBackendFlag(agentId: string, loc: FlagLocation): Promise<FlagValue> {
  if (loc.postgresUrl) {
    const f = await withDialect('postgres', loc, readFlags)
    const v = f.get(agentId)
    if (v) return { ...v, source: 'postgres' }
  }
  if (existsSync(memoryDbOf(loc.workspace))) {
    const v = (await withDialect('sqlite', loc, readFlags)).get(agentId)
    if (v) return { ...v, source: 'memory.db' }
  }
  return { backend: defaultBackend(loc.workspace), source: 'default', since: null }
}

/** Sets one agent's flag (the target's row, and memory.db's mirror); no other agent's row is touched. */
export async function writeBackendFlag(agentId: string, backend: Backend, loc: FlagLocation): Promise<string> {
  const value = BackendSchema.parse(backend)
  const at = new Date().toISOString()
  const write = (d: Dialect) => d.tx((x) => upsertConfig(d, x, agentId, BACKEND_FLAG_KEY, value, false))
  if (loc.postgresUrl) await withDialect('postgres', loc, write)
  if (existsSync(memoryDbOf(loc.workspace))) await withDialect('sqlite', loc, write)
  return at
}
