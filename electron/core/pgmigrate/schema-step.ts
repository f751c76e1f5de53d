// p3.schema — "Create enhanced schema with JSONB": translate memory.db (types from the values,
// the plan's CHECK lists / GIN / (status, last_activity) index on an agent store), run the
// pre-flight (every violating row counted before any data moves; a 'stop' choice ends here), and
// apply the tables as versioned migration 0001 of the target schema through the migrations
// framework (<ws>/.ferry/migrations/<schema>/, ledger <schema>.schema_migrations). The plan is
// stored in ferry_run, so p3.migrate loads into exactly these tables. Before any row is loaded
// the step can be re-run with other options: the old migration is undone and replaced.
import { existsSync, rmSync } from 'node:fs'
import path from 'node:path'
import { availableParallelism } from 'node:os'
import type pg from 'pg'
import { FerryError } from '../../../shared/contract/envelope'
import { memoryDbPath } from '../import/memory-db'
import type { JobContext } from '../jobs/job'
import { loadMigrationFolder, retireMigration, writeMigration } from '../migrations/files'
import { migrationChecksum } from '../migrations/checksum'
import { applyPgMigrations, undoPgMigrations } from '../migrations/postgres-executor'
import { pgReadLedger } from '../migrations/postgres-ledger'
import { redactUrl } from '../postgres/redact'
import { openSqliteReadOnly, type SqliteDb } from '../sqlite/open'
import type { WorkspacePaths } from '../workspace/resolve'
import { casePreview } from './case-preview'
import { checkServer, connect, createPool, lockSchema, unlockSchema } from './connect'
import { serverHasIcu } from './ddl'
import { migrationDownSql, migrationUpSql, postLoadSql, tableDiffs } from './ddl-text'
import { q, qq } from './names'
import { applyPreflight, runPreflight } from './preflight'
import { columnReport } from './report'
import { differentSource, insertRun, notOurs, readRun, relationsIn } from './run-state'
import type { SchemaOptions } from './schema-options'
import { OPTIONS_FILE } from './schema-options'
import { sameSource, translateSchema } from './translate'
import { splitLargeTables } from './parts'
import { profileLargeTables } from './profile-threads'
import type { MigrationPlan } from './types'

export const SCHEMA_MIGRATION = { version: 1, slug: 'enhanced_schema' } as const

export function schemaMigrationsDir(paths: WorkspacePaths, schema: string): string {
  return path.join(paths.ferryDir, 'migrations', schema)
}

export interface PrepareOptions {
  file: string
  url: string
  schema: string
  /** Where the migration files are written (one folder per target schema). */
  migrationsDir: string
  /** Paths in the evidence are shown relative to this. */
  root: string
  options: SchemaOptions
  log?: (level: 'info' | 'warn', message: string) => void
}

export async function prepareSchema(o: PrepareOptions): Promise<Record<string, unknown>> {
  const db = openSqliteReadOnly(o.file)
  const pool = createPool(o.url, { max: 1 })
  try {
    const c = await connect(pool, o.url)
    try {
      const server = await checkServer(c, o.url)
      await lockSchema(c, o.schema, o.url, 'schema creation')
      try {
        return { server: server.version, ...(await prepareLocked(db, c, o)) }
      } finally {
        await unlockSchema(c, o.schema)
      }
    } finally {
      c.release()
    }
  } finally {
    await pool.end().catch(() => undefined)
    db.close()
  }
}

async function loadedRows(c: pg.ClientBase, schema: string): Promise<boolean> {
  const r = await c.query(`SELECT 1 FROM ${qq(schema, 'ferry_ledger')} LIMIT 1`)
  return (r.rowCount ?? 0) > 0
}

async function prepareLocked(
  db: SqliteDb,
  c: pg.PoolClient,
  o: PrepareOptions,
): Promise<Record<string, unknown>> {
  const source = path.relative(o.root, o.file) || o.file
  const run = await readRun(c, o.schema)
  if (run && !sameSource(db, run.fingerprint))
    throw differentSource(o.schema, o.url, path.basename(run.sourcePath), db, run.plan)
  if (run && (run.loadedAt !== null || (await loadedRows(c, o.schema)))) {
    // Data is in: the schema is what it is; changing it now would mean dropping loaded rows.
    o.log?.(
      'info',
      `Schema "${o.schema}" already holds loaded data; reporting its schema as applied`,
    )
    return evidence(db, run.plan, o, source, {
      action: 'present (data already loaded)',
      checksum: null,
    })
  }
  const applied = (await pgReadLedger(c, o.schema)).find(
    (m) => m.version === SCHEMA_MIGRATION.version,
  )
  if (!run && !applied) {
    const n = await relationsIn(c, o.schema)
    if (n > 0) throw notOurs(o.schema, o.url, n)
  }

  // Large tables are profiled on threads (profile-threads.ts); on failure translateSchema does it.
  const threads = Math.max(1, Math.min(4, availableParallelism()))
  const profiles =
    threads > 1
      ? await profileLargeTables(o.file, db, { threads }).catch(() => undefined)
      : undefined
  const plan = translateSchema(db, {
    schema: o.schema,
    identifiers: o.options.identifiers,
    types: o.options.types,
    profiles,
    icu: await serverHasIcu(c),
    // Phase 1 keeps its SQLite migrations ledger in state.db, so memory.db has a schema_migrations
    // table too; the target schema's own ledger has that name.
    reserved: [
      {
        name: 'schema_migrations',
        why: "the name of this schema's migrations ledger (PostgreSQL migrations of the target), so the SQLite ledger copied from state.db is loaded under another name",
      },
    ],
  })
  // The split of large tables is part of the stored plan (parts.ts), as p3.migrate's workers will use it.
  splitLargeTables(db, plan, { workers: threads })
  // The pre-flight runs before anything is written: a 'stop' choice with violations throws here.
  applyPreflight(
    plan,
    runPreflight(db, plan, {
      onViolation: o.options.onViolation,
      choices: o.options.choices,
      maps: o.options.maps,
    }),
  )
  const up = migrationUpSql(plan, source)
  const down = migrationDownSql(plan)
  const checksum = migrationChecksum(up)

  let action = 'applied'
  const folder = (): ReturnType<typeof loadMigrationFolder> =>
    loadMigrationFolder(o.migrationsDir, o.root)
  if (applied && applied.checksum === checksum && run) {
    // Same tables; the post-load choices (pre-flight decisions) may differ: nothing is loaded, so
    // the stored plan is simply replaced.
    const changed = JSON.stringify(run.plan) !== JSON.stringify(plan)
    if (changed)
      await c.query(`UPDATE ${qq(o.schema, 'ferry_run')} SET plan = $1 WHERE id = 1`, [
        JSON.stringify(plan),
      ])
    action = changed
      ? 'present (tables unchanged; post-load choices updated)'
      : 'present (unchanged)'
  } else {
    if (applied) {
      // Nothing loaded yet: undo the earlier translation (its down script drops its tables) and replace it.
      const existing = folder().migrations.find((m) => m.version === SCHEMA_MIGRATION.version)
      if (!existing)
        throw new FerryError(
          'MIGRATION_FILE_MISSING',
          `Schema "${o.schema}" has migration 0001 applied but its file is not in ${path.relative(o.root, o.migrationsDir)}`,
          `Drop schema "${o.schema}" (nothing is loaded into it yet) and run the step again.`,
        )
      await undoPgMigrations(c, o.schema, folder())
      retireMigration(o.migrationsDir, existing, new Date().toISOString().replace(/[:.]/g, '-'))
      action = 'replaced (options changed before any data was loaded)'
    } else {
      // A file left by an attempt that never reached the ledger is a draft: replace it.
      for (const m of folder().migrations.filter((x) => x.version === SCHEMA_MIGRATION.version)) {
        rmSync(m.path, { force: true })
        if (m.downPath) rmSync(m.downPath, { force: true })
      }
    }
    writeMigration(o.migrationsDir, SCHEMA_MIGRATION.version, SCHEMA_MIGRATION.slug, up, down)
    await c.query(`CREATE SCHEMA IF NOT EXISTS ${q(o.schema)}`)
    await applyPgMigrations(c, o.schema, folder(), { appliedBy: 'ferry p3.schema' })
    await insertRun(c, o.schema, path.resolve(o.file), plan)
  }
  return evidence(db, plan, o, source, { action, checksum })
}

function evidence(
  db: SqliteDb,
  plan: MigrationPlan,
  o: PrepareOptions,
  source: string,
  m: { action: string; checksum: string | null },
): Record<string, unknown> {
  const sqliteSql = new Map(
    (
      db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'table'").all() as {
        name: string
        sql: string | null
      }[]
    ).map((r) => [r.name, r.sql]),
  )
  const columns = columnReport(plan)
  const agents = plan.tables.find((t) => t.source === 'agents')
  const pf = plan.preflight
  return {
    source,
    schema: o.schema,
    target: redactUrl(o.url),
    // The plan's CHECK lists, GIN index and (status, last_activity) index apply (its tables are present).
    planEnhancements: plan.agentStore,
    options: { ...o.options, file: OPTIONS_FILE },
    migration: {
      version: SCHEMA_MIGRATION.version,
      file: path.relative(o.root, path.join(o.migrationsDir, `0001_${SCHEMA_MIGRATION.slug}.sql`)),
      checksum: m.checksum,
      action: m.action,
    },
    ddl: { migration: migrationUpSql(plan, source), postLoad: postLoadSql(plan) },
    tables: tableDiffs(plan, sqliteSql),
    enhancements: plan.agentStore
      ? {
          checks: (agents?.checks ?? [])
            .filter((x) => x.origin === 'plan')
            .map((x) => ({ name: x.name, sql: x.sql, action: x.action ?? 'create' })),
          indexes: (agents?.indexes ?? [])
            .filter((x) => x.name.startsWith('idx_agents_'))
            .map((x) => ({ name: x.name, method: x.method, columns: x.columns })),
          configurationType:
            agents?.columns.find((x) => x.source === 'configuration')?.type ?? null,
        }
      : null,
    types: {
      typed: columns.filter((x) => x.type !== 'text').length,
      total: columns.length,
      overridden: columns.filter((x) =>
        x.notes.some((n) => n.startsWith('type chosen by the user')),
      ),
      blocked: columns.filter((x) => x.rejectedCandidates.length > 0),
      columns,
    },
    preflight: pf ?? null,
    violations: pf ? pf.constraints.filter((x) => x.violations > 0) : [],
    casePreview: casePreview(plan),
    notCarried: plan.notCarried,
    warnings: pf?.violated ?? 0,
  }
}

/** The plan step: memory.db into agent_memory, with the options from params or .ferry/p3-options.json. */
export async function schemaStep(
  paths: WorkspacePaths,
  url: string,
  schema: string,
  options: SchemaOptions,
  ctx: JobContext,
): Promise<Record<string, unknown>> {
  const file = memoryDbPath(paths)
  if (!existsSync(file))
    throw new FerryError(
      'NO_MEMORY_DB',
      `There is no ${path.relative(paths.root, file)} to translate yet`,
      'Run "Validate data integrity" (p2.validate) first',
    )
  ctx.progress(0, 1, 'steps', 'translating the schema and running the pre-flight')
  const e = await prepareSchema({
    file,
    url,
    schema,
    migrationsDir: schemaMigrationsDir(paths, schema),
    root: paths.root,
    options,
    log: (level, message) => ctx.log(level, message),
  })
  const violated = (e.violations as unknown[]).length
  if (violated)
    ctx.log(
      'warn',
      `Pre-flight: ${violated} constraint(s) have violating rows (see the evidence's violations); choice: ${options.onViolation}`,
    )
  ctx.progress(1, 1, 'steps', 'schema applied')
  return e
}
