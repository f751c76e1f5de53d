// retention.preview / retention.apply for the backend's handler map. SQLite means the workspace's
// memory.db; PostgreSQL means the connected target's agent_memory (never started from here).
import type { Handlers } from '../../../shared/contract/dispatcher'
import { FerryError } from '../../../shared/contract/envelope'
import type { TargetStatus } from '../../../shared/contract/types'
import type { WorkspacePaths } from '../workspace/resolve'
import { applyRetentionGuarded, withSummaryDb, type StoreTarget } from './open'
import { largestSessions, listArchive, previewRetention } from './retention'

export interface RetentionApiDeps {
  paths(): WorkspacePaths
  targetStatus(): TargetStatus
  targetUrl(): Promise<string>
  log(level: 'info' | 'warn', message: string): void
}

const SHOWN = 200

async function storeTarget(deps: RetentionApiDeps, backend: 'sqlite' | 'postgres'): Promise<StoreTarget> {
  if (backend === 'sqlite') return { backend, workspace: deps.paths().root }
  if (deps.targetStatus().state !== 'connected') {
    throw new FerryError('NO_TARGET', 'Retention on PostgreSQL needs the connected target', 'Connect the target (Settings → Connections) first.')
  }
  return { backend, url: await deps.targetUrl() }
}

export function retentionHandlers(deps: RetentionApiDeps): Pick<Handlers, 'retention.preview' | 'retention.apply'> {
  return {
    'retention.preview': async ({ backend, keep, perDay }) =>
      withSummaryDb(await storeTarget(deps, backend), async (db) => {
        const p = await previewRetention(db, { keep, perDay })
        const big = await largestSessions(db)
        return {
          ...p,
          sessions: p.sessions.slice(0, SHOWN),
          largest: big.sessions,
          summarySource: big.source,
          archivedBatches: await listArchive(db),
        }
      }),
    'retention.apply': async ({ backend, keep, perDay, expectRows }) => {
      const r = await applyRetentionGuarded(await storeTarget(deps, backend), { keep, perDay }, { expectRows, log: (m) => deps.log('info', m) })
      deps.log(
        'info',
        `Retention (${backend}, keep ${keep}${perDay ? ' + one per day' : ''}): archived ${r.totals.removeRows} snapshot(s), ${r.totals.removeBytes} bytes, as batch ${r.batch}` +
          (r.backupId ? ` after backup ${r.backupId}` : '') +
          `. Undo: ferry retention restore --batch ${r.batch}`,
      )
      return { backend: r.backend, policy: r.policy, sessions: r.sessions.slice(0, SHOWN), totals: r.totals, batch: r.batch, archivedAt: r.archivedAt, backupId: r.backupId }
    },
  }
}
