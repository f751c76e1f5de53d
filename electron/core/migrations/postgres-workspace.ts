// `ferry migrations … --target <url>`: a workspace's PostgreSQL migrations live in
// <ws>/.ferry/migrations/postgres/ and are recorded in <schema>.schema_migrations on the target.
import { join, relative } from 'node:path'
import pg from 'pg'
import { FerryError } from '../../../shared/contract/envelope'
import { redactUrl } from '../postgres/redact'
import type { WorkspacePaths } from '../workspace/resolve'
import { loadMigrationFolder } from './files'
import { planMigrations } from './plan'
import { applyPgMigrations, undoPgMigrations } from './postgres-executor'
import { pgReadLedger } from './postgres-ledger'
import type { AppliedResult, RevertedResult } from './sqlite-executor'
import type { LedgerSetup } from './sqlite-ledger'
import type { StateMigrations } from './state-db'

export function pgMigrationsDir(paths: WorkspacePaths): string {
  return join(paths.ferryDir, 'migrations', 'postgres')
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 })
  // A connection killed while idle emits 'error'; without a handler it would crash the process.
  c.on('error', () => undefined)
  try {
    await c.connect()
  } catch (err) {
    throw new FerryError(
      'TARGET_UNREACHABLE',
      `Cannot connect to ${redactUrl(url)}: ${(err as Error).message}`,
      'Check the URL, that the server runs, and the credentials.',
    )
  }
  try {
    return await fn(c)
  } finally {
    await c.end().catch(() => undefined)
  }
}

function folderOf(paths: WorkspacePaths) {
  const dir = pgMigrationsDir(paths)
  return { dir, folder: loadMigrationFolder(dir, paths.root) }
}

export async function pgMigrationStatus(
  paths: WorkspacePaths,
  url: string,
  schema: string,
): Promise<StateMigrations> {
  const { dir, folder } = folderOf(paths)
  return withClient(url, async (c) => {
    const applied = await pgReadLedger(c, schema)
    const present = (
      await c.query('SELECT to_regclass($1) IS NOT NULL AS e', [
        `${pg.escapeIdentifier(schema)}.schema_migrations`,
      ])
    ).rows[0].e as boolean
    return {
      database: `${redactUrl(url)} (schema ${schema})`,
      directory: relative(paths.root, dir),
      ledger: present ? 'other' : 'absent',
      plan: planMigrations(applied, folder.migrations, folder.strays),
      files: folder.migrations,
    }
  })
}

export async function pgMigrationApply(
  paths: WorkspacePaths,
  url: string,
  schema: string,
  appliedBy: string,
): Promise<{ setup: LedgerSetup; applied: AppliedResult[] }> {
  const { folder } = folderOf(paths)
  return withClient(url, (c) => applyPgMigrations(c, schema, folder, { appliedBy }))
}

export async function pgMigrationUndo(
  paths: WorkspacePaths,
  url: string,
  schema: string,
  to?: number,
): Promise<RevertedResult[]> {
  const { folder } = folderOf(paths)
  return withClient(url, (c) => undoPgMigrations(c, schema, folder, { to }))
}
