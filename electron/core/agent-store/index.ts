// `ferry/agent-store`: what an agent imports to keep its memory in Ferry's databases.
//
//   import { forAgent } from 'ferry/agent-store'
//   const { backend, store } = await forAgent('agent-7', { workspace: '/path/to/ws', postgresUrl })
//   if (store) await store.recordEvent({ type: 'task.started', payload: { taskId: 12 } })
//
// forAgent reads the agent's flag (flags.ts) and opens the matching backend; `files` returns no
// store (the agent keeps its legacy file code). Everything runs under Node ≥ 20 with tsx.
import { join } from 'node:path'
import { FerryError } from '../../../shared/contract/envelope'
import { DualWriteStore, type Divergence } from './dual'
import { readBackendFlag, type FlagLocation, type FlagValue } from './flags'
import { PgDialect, APP_NAME_PREFIX, type PgStoreOptions } from './postgres'
import { withRetry, type RetryOptions } from './retry'
import { SqlAgentStore } from './sql-store'
import { SqliteDialect, type SqliteStoreOptions } from './sqlite'
import { emptyStats, type AgentStore, type Backend } from './types'

export * from './types'
export { isTransient, withRetry, type RetryOptions } from './retry'
export { DualWriteStore, type Divergence } from './dual'
export { readBackendFlag, writeBackendFlag, type FlagLocation, type FlagValue } from './flags'
export { APP_NAME_PREFIX, DEFAULT_SCHEMA } from './postgres'
export { SqlAgentStore } from './sql-store'

/** Opens the SQLite backend on memory.db (or a copy) for one agent. */
export async function openSqliteStore(
  agentId: string,
  opts: SqliteStoreOptions & { retry?: RetryOptions },
): Promise<SqlAgentStore> {
  const d = new SqliteDialect(opts)
  const store = new SqlAgentStore(agentId, d, opts.retry)
  try {
    await retryOpen(() => d.ensureLedger(), opts.retry)
  } catch (err) {
    await d.close()
    throw err
  }
  return store
}

/** Opens the PostgreSQL backend (schema agent_memory unless told) for one agent. */
export async function openPgStore(
  agentId: string,
  opts: PgStoreOptions & { retry?: RetryOptions },
): Promise<SqlAgentStore> {
  const d = new PgDialect({ applicationName: `${APP_NAME_PREFIX}:${agentId}`, ...opts })
  const store = new SqlAgentStore(agentId, d, opts.retry)
  try {
    await retryOpen(() => d.ensureLedger(), opts.retry)
  } catch (err) {
    await d.close()
    throw err
  }
  return store
}

async function retryOpen(fn: () => Promise<void>, retry?: RetryOptions): Promise<void> {
  await withRetry(fn, emptyStats(), retry)
}

export interface ForAgentOptions extends FlagLocation {
  retry?: RetryOptions
  /** PostgreSQL pool size for this agent (default 4). */
  poolMax?: number
  onDivergence?: (d: Divergence) => void
}

export interface AgentHandle {
  backend: Backend
  flag: FlagValue
  /** null for `files`: the agent keeps using its own files. */
  store: AgentStore | null
}

/** Reads the agent's flag and opens the backend it names. */
export async function forAgent(agentId: string, opts: ForAgentOptions): Promise<AgentHandle> {
  const flag = await readBackendFlag(agentId, opts)
  const sqlite = { file: join(opts.workspace, '.claude', 'memory.db'), retry: opts.retry }
  const pgOpts = (): PgStoreOptions & { retry?: RetryOptions } => {
    if (!opts.postgresUrl) {
      throw new FerryError(
        'AGENT_STORE_NO_URL',
        `Agent ${agentId} is flagged "${flag.backend}" but forAgent was given no PostgreSQL URL`,
        'Pass postgresUrl (the target Ferry migrated agent_memory into).',
      )
    }
    return {
      url: opts.postgresUrl,
      schema: opts.schema,
      poolMax: opts.poolMax,
      claudeDir: join(opts.workspace, '.claude'),
      retry: opts.retry,
    }
  }
  switch (flag.backend) {
    case 'files':
      return { backend: 'files', flag, store: null }
    case 'sqlite':
      return { backend: 'sqlite', flag, store: await openSqliteStore(agentId, sqlite) }
    case 'postgres':
      return { backend: 'postgres', flag, store: await openPgStore(agentId, pgOpts()) }
    case 'dual-write': {
      const a = await openSqliteStore(agentId, sqlite)
      const b = await openPgStore(agentId, pgOpts()).catch(async (err: unknown) => {
        await a.close()
        throw err
      })
      return { backend: 'dual-write', flag, store: new DualWriteStore(a, b, opts.onDivergence) }
    }
  }
}
