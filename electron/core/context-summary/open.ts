// Opens memory.db or the target's agent_memory for the summary/retention operations, and the
// guarded apply: on SQLite, Ferry's verified automatic backup of .claude/ comes first (the
// archive table is the second copy); on PostgreSQL the archive table, written in the same
// transaction as the delete, is the copy.
import { existsSync } from 'node:fs'
import Database from 'better-sqlite3'
import pg from 'pg'
import { FerryError } from '../../../shared/contract/envelope'
import { DEFAULT_SCHEMA } from '../agent-store/postgres'
import { createBackup } from '../backup/create'
import type { JobContext } from '../jobs/job'
import { workspacePaths } from '../workspace/resolve'
import { pgDb, sqliteDb, type SummaryDb } from './db'
import { applyRetention, type RetentionApplied, type RetentionPolicy } from './retention'

export type StoreTarget =
  | { backend: 'sqlite'; workspace: string }
  | { backend: 'postgres'; url: string; schema?: string }

export async function withSummaryDb<T>(target: StoreTarget, fn: (db: SummaryDb) => Promise<T>): Promise<T> {
  if (target.backend === 'sqlite') {
    const file = workspacePaths(target.workspace).claudeDir + '/memory.db'
    if (!existsSync(file)) {
      throw new FerryError('NO_MEMORY_DB', `There is no ${file}`, 'Run p2.import (Phase 2) first: retention works on memory.db or the PostgreSQL target.')
    }
    const db = new Database(file, { fileMustExist: true })
    db.pragma('busy_timeout = 5000')
    try {
      return await fn(sqliteDb(db))
    } finally {
      db.close()
    }
  }
  const client = new pg.Client({ connectionString: target.url, application_name: 'ferry-retention' })
  client.on('error', () => undefined)
  await client.connect()
  try {
    return await fn(pgDb(client, target.schema ?? DEFAULT_SCHEMA))
  } finally {
    await client.end().catch(() => undefined)
  }
}

function quietCtx(log: (m: string) => void): JobContext {
  return { progress: () => undefined, log: (_l, m) => log(m), signal: new AbortController().signal }
}

export interface GuardedApply extends RetentionApplied {
  backupId: string | null
}

/** Applies the policy; on SQLite only after a verified backup of the workspace succeeded. */
export async function applyRetentionGuarded(
  target: StoreTarget,
  policy: Partial<RetentionPolicy>,
  opts: { expectRows?: number; log?: (m: string) => void } = {},
): Promise<GuardedApply> {
  const log = opts.log ?? (() => undefined)
  let backupId: string | null = null
  if (target.backend === 'sqlite') {
    const b = await createBackup(workspacePaths(target.workspace), { reason: 'auto:retention.apply', ctx: quietCtx(log) }).catch((err: unknown) => {
      const e = err instanceof FerryError ? err : new FerryError('BACKUP_FAILED', String(err), '')
      throw new FerryError('BACKUP_FAILED', `The automatic backup before retention.apply failed, so nothing was removed: ${e.message}`, e.hint ?? 'Fix the backup problem, then apply again.')
    })
    backupId = b.id
  }
  const applied = await withSummaryDb(target, (db) => applyRetention(db, policy, { expectRows: opts.expectRows }))
  return { ...applied, backupId }
}
