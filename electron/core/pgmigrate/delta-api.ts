// `migration.lag` for the Migration screen: delta sync's lag per table of agent_memory against
// memory.db, computed on demand (counts only; nothing is written, no lock is taken, so it can be
// asked while agents write and while a load runs).
import { existsSync } from 'node:fs'
import type { Handlers } from '../../../shared/contract/dispatcher'
import type { MigrationLag } from '../../../shared/contract/migration'
import { memoryDbPath } from '../import/memory-db'
import type { WorkspacePaths } from '../workspace/resolve'
import { deltaSync } from './delta'
import { AGENT_MEMORY_SCHEMA } from './steps'

export interface DeltaApiDeps {
  paths(): WorkspacePaths
  targetUrl(): Promise<string>
}

export function deltaHandlers(deps: DeltaApiDeps): Pick<Handlers, 'migration.lag'> {
  return {
    'migration.lag': async (): Promise<MigrationLag> => {
      const computedAt = new Date().toISOString()
      const none = (note: string): MigrationLag => ({
        schema: AGENT_MEMORY_SCHEMA,
        available: false,
        note,
        tables: [],
        computedAt,
      })
      const file = memoryDbPath(deps.paths())
      if (!existsSync(file)) return none('There is no memory.db yet (run p2.validate first).')
      try {
        const r = await deltaSync({
          file,
          url: await deps.targetUrl(),
          schema: AGENT_MEMORY_SCHEMA,
          dryRun: true,
          applyDeletes: false,
          signal: new AbortController().signal,
        })
        return {
          schema: AGENT_MEMORY_SCHEMA,
          available: true,
          note: null,
          tables: r.lag,
          computedAt,
        }
      } catch (err) {
        const e = err as { code?: string; message?: string }
        // Before a completed load there is no lag to speak of; anything else is a real error.
        if (e.code === 'NOT_LOADED' || e.code === 'NOT_MIGRATED')
          return none(e.message ?? String(err))
        throw err
      }
    },
  }
}
