// Runs migrations against a SQLite database. Each one is a single BEGIN IMMEDIATE … COMMIT that
// holds its DDL and its ledger row together (RELIABILITY.md rule 2), so a kill at any moment leaves
// the migration wholly applied and recorded, or not at all. busy_timeout lets a running agent
// finish its write first instead of failing either side.
import Database from 'better-sqlite3'
import { FerryError } from '../../../shared/contract/envelope'
import { refuseLinkOut } from '../fs/link-out'
import { faultPoint } from '../jobs/faults'
import { throwIfCancelled } from '../jobs/job'
import type { SqliteDb } from '../sqlite/open'
import type { MigrationFile } from './files'
import { versionLabel } from './plan'
import {
  LEDGER,
  ensureLedger,
  insertLedgerRow,
  isFerryCreatedLedger,
  ledgerRow,
  type LedgerSetup,
} from './sqlite-ledger'
import { transactionControl } from './sql-scan'

export const BUSY_TIMEOUT_MS = 10_000

/** Opens a user's database for Ferry's additive writes. */
export function openSqliteForWrite(path: string): SqliteDb {
  refuseLinkOut(path)
  let db: SqliteDb
  try {
    db = new Database(path, { fileMustExist: true })
  } catch (err) {
    throw new FerryError(
      'SQLITE_OPEN_FAILED',
      `Cannot open ${path} for writing: ${(err as Error).message}`,
      'Check that the file exists and is writable by this user.',
    )
  }
  // Real agent databases do not enforce foreign keys; with them on, orphans would fail our writes.
  db.pragma('foreign_keys = OFF')
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`)
  db.pragma('synchronous = FULL')
  return db
}

function isBusy(err: unknown): boolean {
  const code = (err as { code?: string }).code ?? ''
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')
}

/** BEGIN IMMEDIATE, retried with backoff and jitter when another writer holds the lock past busy_timeout. */
export async function beginImmediate(db: SqliteDb, what: string, attempts = 3): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      db.exec('BEGIN IMMEDIATE')
      return
    } catch (err) {
      if (!isBusy(err) || i >= attempts) {
        if (isBusy(err)) {
          throw new FerryError(
            'DATABASE_BUSY',
            `${what}: the database stayed locked by another writer for ${(attempts * BUSY_TIMEOUT_MS) / 1000} s`,
            'An agent is holding a long write transaction; run the step again when it is idle.',
          )
        }
        throw err
      }
      await new Promise((r) => setTimeout(r, 200 * i + Math.floor(Math.random() * 200)))
    }
  }
}

function rollback(db: SqliteDb): void {
  if (db.inTransaction) db.exec('ROLLBACK')
}

function refuseTransactionControl(m: MigrationFile, sql: string, file: string): void {
  const control = transactionControl(sql)
  if (control.length) {
    throw new FerryError(
      'MIGRATION_HAS_TRANSACTION',
      `${file} contains transaction control (${control[0]!.split(/\s+/).slice(0, 2).join(' ')}); migration ${versionLabel(m.version)} was not applied`,
      'Remove BEGIN/COMMIT from the script: Ferry runs each migration in its own transaction together with its ledger row.',
    )
  }
}

/** Ensures the ledger exists in its own short transaction; returns what it did. */
export async function setUpLedger(db: SqliteDb): Promise<LedgerSetup> {
  await beginImmediate(db, 'Setting up schema_migrations')
  try {
    const setup = ensureLedger(db)
    db.exec('COMMIT')
    return setup
  } catch (err) {
    rollback(db)
    throw err
  }
}

export interface AppliedResult {
  version: number
  name: string
  file: string
  checksum: string
  appliedAt: string
  durationMs: number
  status: 'applied' | 'already-applied'
}

export interface ExecOptions {
  appliedBy: string
  now?: () => Date
  signal?: AbortSignal
}

export async function applySqliteMigration(
  db: SqliteDb,
  m: MigrationFile,
  o: ExecOptions,
): Promise<AppliedResult> {
  const now = o.now ?? (() => new Date())
  refuseTransactionControl(m, m.sql, m.file)
  if (o.signal) throwIfCancelled(o.signal)
  await beginImmediate(db, `Applying migration ${versionLabel(m.version)} (${m.name})`)
  try {
    ensureLedger(db)
    // Another Ferry (or a second run) may have applied it while we waited for the lock.
    const existing = ledgerRow(db, m.version)
    if (existing) {
      rollback(db)
      if (existing.checksum !== m.checksum) {
        throw new FerryError(
          'MIGRATION_CHECKSUM_MISMATCH',
          `Migration ${versionLabel(m.version)} was applied meanwhile with a different checksum (${existing.checksum})`,
          'Run "ferry migrations status" to see the ledger.',
        )
      }
      return {
        version: m.version,
        name: m.name,
        file: m.file,
        checksum: m.checksum,
        appliedAt: existing.appliedAt ?? '',
        durationMs: existing.durationMs ?? 0,
        status: 'already-applied',
      }
    }
    const appliedAt = now().toISOString()
    const started = process.hrtime.bigint()
    try {
      db.exec(m.sql)
    } catch (err) {
      throw new FerryError(
        'MIGRATION_FAILED',
        `Migration ${versionLabel(m.version)} (${m.file}) failed and was rolled back, nothing of it was applied: ${(err as Error).message}`,
        'Fix the cause (the message names the statement\u2019s object), then apply again.',
      )
    }
    if (!db.inTransaction) {
      throw new FerryError(
        'MIGRATION_HAS_TRANSACTION',
        `${m.file} ended Ferry's transaction itself`,
        'Remove transaction control from the script.',
      )
    }
    const durationMs = Number(process.hrtime.bigint() - started) / 1e6
    await faultPoint('migrations:after-ddl', o.signal)
    insertLedgerRow(db, {
      version: m.version,
      name: m.name,
      checksum: m.checksum,
      appliedAt,
      durationMs: Math.round(durationMs),
      success: true,
      appliedBy: o.appliedBy,
    })
    db.exec('COMMIT')
    return {
      version: m.version,
      name: m.name,
      file: m.file,
      checksum: m.checksum,
      appliedAt,
      durationMs: round3(durationMs),
      status: 'applied',
    }
  } catch (err) {
    rollback(db)
    throw err
  }
}

export interface RevertedResult {
  version: number
  name: string
  file: string
  durationMs: number
  ledgerDropped: boolean
}

/**
 * Runs a migration's down script and deletes its ledger row in one transaction. With
 * `dropEmptyLedger`, a ledger Ferry created is dropped too once it is empty, so the database's
 * schema is exactly what it was before Ferry touched it.
 */
export async function revertSqliteMigration(
  db: SqliteDb,
  m: MigrationFile,
  o: { dropEmptyLedger?: boolean; signal?: AbortSignal } = {},
): Promise<RevertedResult> {
  if (m.downSql === null) {
    throw new FerryError(
      'MIGRATION_NOT_REVERSIBLE',
      `Migration ${versionLabel(m.version)} (${m.file}) has no down script`,
      `Write ${versionLabel(m.version)}_${m.name}.down.sql to make it undoable, or restore a backup.`,
    )
  }
  refuseTransactionControl(m, m.downSql, m.downFile ?? m.file)
  await beginImmediate(db, `Reverting migration ${versionLabel(m.version)} (${m.name})`)
  try {
    const row = ledgerRow(db, m.version)
    if (!row)
      throw new FerryError(
        'MIGRATION_NOT_APPLIED',
        `Migration ${versionLabel(m.version)} (${m.name}) is not applied`,
        'There is nothing to undo.',
      )
    if (row.checksum !== m.checksum) {
      throw new FerryError(
        'MIGRATION_CHECKSUM_MISMATCH',
        `Checksum mismatch for migration ${versionLabel(m.version)} (${m.name}): ${m.file} was changed after it was applied (expected SHA-256 ${row.checksum}, the file now has ${m.checksum}); its down script may not match what was applied`,
        'Restore the file as it was before undoing it.',
      )
    }
    const started = process.hrtime.bigint()
    try {
      db.exec(m.downSql)
    } catch (err) {
      throw new FerryError(
        'MIGRATION_FAILED',
        `The down script of migration ${versionLabel(m.version)} (${m.downFile}) failed and was rolled back: ${(err as Error).message}`,
        'Fix the down script, then undo again.',
      )
    }
    await faultPoint('migrations:after-down', o.signal)
    db.prepare(`DELETE FROM ${LEDGER} WHERE version = ?`).run(m.version)
    let ledgerDropped = false
    if (
      o.dropEmptyLedger &&
      isFerryCreatedLedger(db) &&
      (db.prepare(`SELECT count(*) FROM ${LEDGER}`).pluck().get() as number) === 0
    ) {
      db.exec(`DROP TABLE ${LEDGER}`)
      ledgerDropped = true
    }
    db.exec('COMMIT')
    return {
      version: m.version,
      name: m.name,
      file: m.file,
      durationMs: round3(Number(process.hrtime.bigint() - started) / 1e6),
      ledgerDropped,
    }
  } catch (err) {
    rollback(db)
    throw err
  }
}

/** Drops the ledger when Ferry created it and nothing is recorded in it. */
export async function dropLedgerIfUnused(db: SqliteDb): Promise<boolean> {
  if (!isFerryCreatedLedger(db)) return false
  await beginImmediate(db, 'Removing the empty schema_migrations')
  try {
    const n = db.prepare(`SELECT count(*) FROM ${LEDGER}`).pluck().get() as number
    if (n === 0) db.exec(`DROP TABLE ${LEDGER}`)
    db.exec('COMMIT')
    return n === 0
  } catch (err) {
    rollback(db)
    throw err
  }
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000
}
