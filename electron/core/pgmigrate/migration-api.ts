// The Migration screen's requests (migration.*), for the backend's handler map. Each call opens
// its own small pool on the target and memory.db read-only, and closes both; a retry of rejects
// takes the schema's advisory lock, so it never runs beside a migration of the same schema.
import { existsSync } from 'node:fs'
import path from 'node:path'
import type pg from 'pg'
import { FerryError } from '../../../shared/contract/envelope'
import type { Handlers } from '../../../shared/contract/dispatcher'
import { memoryDbPath } from '../import/memory-db'
import { openSqliteReadOnly, type SqliteDb } from '../sqlite/open'
import type { WorkspacePaths } from '../workspace/resolve'
import { compareRows } from './compare'
import { connect, createPool, lockSchema, unlockSchema } from './connect'
import { rejectedKeys } from './ledger'
import type { MigrationMonitor } from './migration-monitor'
import { readMigrateReport, reconcile } from './reconcile'
import { listRejects, retryRejects } from './rejects'
import { differentSource, notMigrated, readRun, type RunRow } from './run-state'
import { AGENT_MEMORY_SCHEMA, MIGRATE_REPORT } from './steps'
import { sameSource } from './translate'

type MigrationHandlers = Pick<
  Handlers,
  | 'migration.status'
  | 'migration.reconciliation'
  | 'migration.rejects'
  | 'migration.retryRejects'
  | 'migration.compare'
>

export interface MigrationApiDeps {
  paths(): WorkspacePaths
  targetUrl(): Promise<string>
  monitor: MigrationMonitor
  log(level: 'info' | 'warn', message: string): void
}

const SCHEMA = AGENT_MEMORY_SCHEMA

async function withTarget<T>(
  deps: MigrationApiDeps,
  fn: (c: pg.PoolClient, url: string) => Promise<T>,
): Promise<T> {
  const url = await deps.targetUrl()
  const pool = createPool(url, { max: 1, statementTimeoutMs: 120_000 })
  try {
    const client = await connect(pool, url)
    try {
      return await fn(client, url)
    } finally {
      client.release()
    }
  } finally {
    await pool.end().catch(() => undefined)
  }
}

/** memory.db, checked to be the database the schema was migrated from. */
function openSource(paths: WorkspacePaths, run: RunRow, url: string): SqliteDb {
  const file = memoryDbPath(paths)
  if (!existsSync(file))
    throw new FerryError(
      'NO_MEMORY_DB',
      `There is no ${path.relative(paths.root, file)} to read the source rows from`,
      'Run "Validate data integrity" (p2.validate) first.',
    )
  const db = openSqliteReadOnly(file)
  if (!sameSource(db, run.fingerprint)) {
    const err = differentSource(SCHEMA, url, path.basename(run.sourcePath), db, run.plan)
    db.close()
    throw err
  }
  return db
}

async function requireRun(c: pg.ClientBase, url: string): Promise<RunRow> {
  const run = await readRun(c, SCHEMA)
  if (!run) throw notMigrated(SCHEMA, url)
  return run
}

function bisectKeysOf(root: string, table: string): string[] {
  const report = readMigrateReport(root, MIGRATE_REPORT) as {
    validation?: { tables?: { table: string; differences?: { key: string }[] | null }[] } | null
  } | null
  const t = report?.validation?.tables?.find((x) => x.table === table)
  return (t?.differences ?? []).map((d) => d.key)
}

export function migrationHandlers(deps: MigrationApiDeps): MigrationHandlers {
  return {
    'migration.status': () => deps.monitor.status(deps.paths().root),
    'migration.reconciliation': () =>
      withTarget(deps, (c) =>
        reconcile(c, SCHEMA, readMigrateReport(deps.paths().root, MIGRATE_REPORT)),
      ),
    'migration.rejects': ({ table, limit }) =>
      withTarget(deps, (c) => listRejects(c, SCHEMA, { table, limit })),
    'migration.retryRejects': ({ table, keys, rules }) =>
      withTarget(deps, async (c, url) => {
        await lockSchema(c, SCHEMA, url, 'retry of rejected rows')
        try {
          const run = await requireRun(c, url)
          const db = openSource(deps.paths(), run, url)
          try {
            const r = await retryRejects(db, c, SCHEMA, run.plan, table, keys, rules)
            const what = rules.map((x) => `${x.column}: ${x.transform}`).join(', ') || 'no rule'
            deps.log(
              'info',
              `Retried ${r.retried} rejected row(s) of "${table}" (${what}): ${r.loaded.length} loaded, ${r.stillRejected.length} still rejected${r.ruleIds.length ? `; rule(s) ${r.ruleIds.join(', ')} recorded in ${SCHEMA}.ferry_rules` : ''}`,
            )
            return r
          } finally {
            db.close()
          }
        } finally {
          await unlockSchema(c, SCHEMA)
        }
      }),
    'migration.compare': (input) =>
      withTarget(deps, async (c, url) => {
        const run = await requireRun(c, url)
        const db = openSource(deps.paths(), run, url)
        try {
          const rejected = await rejectedKeys(c, SCHEMA, input.table)
          return await compareRows(
            db,
            c,
            SCHEMA,
            run.plan,
            input,
            bisectKeysOf(deps.paths().root, input.table),
            rejected,
          )
        } finally {
          db.close()
        }
      }),
  }
}
