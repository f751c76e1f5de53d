// The same migrations on PostgreSQL (Phase 3): the planner is shared, only execution differs.
// DDL is transactional there, so a migration and its ledger row commit together; a script marked
// `-- ferry:no-transaction` (CREATE INDEX CONCURRENTLY cannot run in a transaction) runs statement
// by statement and its outcome, success or failure, is recorded. A session-scoped advisory lock
// keeps a second Ferry out (RELIABILITY.md rule 4); search_path is set explicitly (rule 7).
import pg, { type ClientBase } from 'pg'
import { FerryError } from '../../../shared/contract/envelope'
import { faultPoint } from '../jobs/faults'
import type { MigrationFolder, MigrationFile } from './files'
import { planMigrations, versionLabel, type MigrationPlan } from './plan'
import type { LedgerSetup } from './sqlite-ledger'
import { pgEnsureLedger, pgLedger, pgReadLedger, withPgMigrationLock } from './postgres-ledger'
import type { AppliedResult, RevertedResult } from './sqlite-executor'
import { splitStatements, transactionControl, wantsNoTransaction } from './sql-scan'

const { escapeIdentifier } = pg

async function insertRow(
  c: ClientBase,
  schema: string,
  m: MigrationFile,
  appliedAt: Date,
  durationMs: number,
  success: boolean,
  appliedBy: string,
): Promise<void> {
  await c.query(
    `INSERT INTO ${pgLedger(schema)} (version, name, checksum, applied_at, duration_ms, success, applied_by) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [m.version, m.name, m.checksum, appliedAt, Math.round(durationMs), success, appliedBy],
  )
}

function refuseControl(m: MigrationFile, sql: string, file: string): void {
  if (transactionControl(sql).length) {
    throw new FerryError(
      'MIGRATION_HAS_TRANSACTION',
      `${file} contains transaction control; migration ${versionLabel(m.version)} was not applied`,
      'Remove BEGIN/COMMIT: Ferry runs each migration in its own transaction, or statement by statement with -- ferry:no-transaction.',
    )
  }
}

/** Runs a script: in one transaction with `inTx` (the ledger change), or statement by statement. */
async function runScript(
  c: ClientBase,
  schema: string,
  sql: string,
  inTx: (() => Promise<void>) | null,
  after: () => Promise<void>,
): Promise<void> {
  await c.query(`SET search_path TO ${escapeIdentifier(schema)}`)
  if (wantsNoTransaction(sql)) {
    for (const s of splitStatements(sql)) await c.query(s)
    await after()
    return
  }
  await c.query('BEGIN')
  try {
    await c.query("SET LOCAL lock_timeout = '10s'")
    await c.query(sql)
    await faultPoint('migrations:after-ddl')
    await inTx?.()
    await c.query('COMMIT')
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined)
    throw err
  }
}

export async function pgApplyMigration(
  c: ClientBase,
  schema: string,
  m: MigrationFile,
  o: { appliedBy: string; now?: () => Date },
): Promise<AppliedResult> {
  refuseControl(m, m.sql, m.file)
  const appliedAt = (o.now ?? (() => new Date()))()
  const started = performance.now()
  const record = (success: boolean) =>
    insertRow(c, schema, m, appliedAt, performance.now() - started, success, o.appliedBy)
  const noTx = wantsNoTransaction(m.sql)
  try {
    await runScript(
      c,
      schema,
      m.sql,
      noTx ? null : () => record(true),
      noTx ? () => record(true) : async () => undefined,
    )
  } catch (err) {
    // Outside a transaction, what ran stays: say so in the ledger, so the planner stops the next run.
    if (noTx) await record(false).catch(() => undefined)
    throw new FerryError(
      'MIGRATION_FAILED',
      `Migration ${versionLabel(m.version)} (${m.file}) failed${noTx ? ' part-way (it runs outside a transaction)' : ' and was rolled back'}: ${(err as Error).message}`,
      noTx
        ? 'Check what it left (an INVALID index after CREATE INDEX CONCURRENTLY), drop that, delete its schema_migrations row, then apply again.'
        : 'Fix the cause, then apply again.',
    )
  }
  return {
    version: m.version,
    name: m.name,
    file: m.file,
    checksum: m.checksum,
    appliedAt: appliedAt.toISOString(),
    durationMs: Math.round((performance.now() - started) * 1000) / 1000,
    status: 'applied',
  }
}

export async function pgRevertMigration(
  c: ClientBase,
  schema: string,
  m: MigrationFile,
): Promise<RevertedResult> {
  if (m.downSql === null) {
    throw new FerryError(
      'MIGRATION_NOT_REVERSIBLE',
      `Migration ${versionLabel(m.version)} (${m.file}) has no down script`,
      `Write ${versionLabel(m.version)}_${m.name}.down.sql to make it undoable.`,
    )
  }
  refuseControl(m, m.downSql, m.downFile ?? m.file)
  const started = performance.now()
  const del = async (): Promise<void> =>
    void (await c.query(`DELETE FROM ${pgLedger(schema)} WHERE version = $1`, [m.version]))
  const noTx = wantsNoTransaction(m.downSql)
  await runScript(c, schema, m.downSql, noTx ? null : del, noTx ? del : async () => undefined)
  return {
    version: m.version,
    name: m.name,
    file: m.file,
    durationMs: Math.round((performance.now() - started) * 1000) / 1000,
    ledgerDropped: false,
  }
}

/** Plans against the ledger and applies what is pending, under the lock. */
export async function applyPgMigrations(
  c: ClientBase,
  schema: string,
  folder: MigrationFolder,
  o: { appliedBy: string },
): Promise<{ setup: LedgerSetup; applied: AppliedResult[]; plan: MigrationPlan }> {
  return withPgMigrationLock(c, schema, async () => {
    const plan = planMigrations(await pgReadLedger(c, schema), folder.migrations, folder.strays)
    if (plan.problems.length) {
      const first = plan.problems.find((p) => p.kind === 'checksum-mismatch') ?? plan.problems[0]!
      throw new FerryError(
        first.kind === 'checksum-mismatch' ? 'MIGRATION_CHECKSUM_MISMATCH' : 'MIGRATION_PROBLEMS',
        `Refusing to apply migrations to ${schema}: ${plan.problems.map((p) => p.message).join('; ')}`,
        first.hint,
      )
    }
    const setup = await pgEnsureLedger(c, schema)
    const applied: AppliedResult[] = []
    for (const p of plan.pending)
      applied.push(
        await pgApplyMigration(
          c,
          schema,
          folder.migrations.find((f) => f.version === p.version)!,
          o,
        ),
      )
    return { setup, applied, plan }
  })
}

/** Reverts the newest applied migration (or all above `to`), newest first, under the lock. */
export async function undoPgMigrations(
  c: ClientBase,
  schema: string,
  folder: MigrationFolder,
  o: { to?: number } = {},
): Promise<RevertedResult[]> {
  return withPgMigrationLock(c, schema, async () => {
    const applied = (await pgReadLedger(c, schema))
      .filter((a) => a.checksum !== null)
      .sort((a, b) => b.version - a.version)
    const targets =
      o.to === undefined ? applied.slice(0, 1) : applied.filter((a) => a.version > o.to!)
    const out: RevertedResult[] = []
    for (const a of targets) {
      const f = folder.migrations.find((m) => m.version === a.version)
      if (!f)
        throw new FerryError(
          'MIGRATION_FILE_MISSING',
          `Migration ${versionLabel(a.version)} has no file, so its down script is unknown`,
          'Put the file back.',
        )
      if (f.checksum !== a.checksum) {
        throw new FerryError(
          'MIGRATION_CHECKSUM_MISMATCH',
          `Checksum mismatch for migration ${versionLabel(a.version)} (${a.name}): ${f.file} was changed after it was applied (expected SHA-256 ${a.checksum}, the file now has ${f.checksum})`,
          'Restore the file as it was before undoing it.',
        )
      }
      out.push(await pgRevertMigration(c, schema, f))
    }
    return out
  })
}
