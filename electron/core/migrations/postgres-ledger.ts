// The ledger on PostgreSQL: <schema>.schema_migrations, created or (when the plan's
// version-only table exists) extended with nullable columns, and the session-scoped advisory lock
// that keeps a second Ferry out (RELIABILITY.md rule 4: it dies with the session, never sticks).
import pg, { type ClientBase } from 'pg'
import { FerryError } from '../../../shared/contract/envelope'
import type { AppliedMigration } from './plan'
import type { LedgerSetup } from './sqlite-ledger'

const { escapeIdentifier } = pg

const COLUMNS: readonly (readonly [string, string])[] = [
  ['name', 'text'],
  ['checksum', 'text'],
  ['applied_at', 'timestamptz'],
  ['duration_ms', 'integer'],
  ['success', 'boolean'],
  ['applied_by', 'text'],
]

export const pgLedger = (schema: string): string => `${escapeIdentifier(schema)}.schema_migrations`

export async function pgEnsureLedger(c: ClientBase, schema: string): Promise<LedgerSetup> {
  const exists = (
    await c.query('SELECT to_regclass($1) IS NOT NULL AS e', [
      `${escapeIdentifier(schema)}.schema_migrations`,
    ])
  ).rows[0].e as boolean
  if (!exists) {
    await c.query(
      `CREATE TABLE ${pgLedger(schema)} (version bigint PRIMARY KEY, ${COLUMNS.map(([n, t]) => `${n} ${t}`).join(', ')})`,
    )
    return { action: 'created', columnsAdded: [] }
  }
  const have = new Set(
    (
      await c.query(
        'SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2',
        [schema, 'schema_migrations'],
      )
    ).rows.map((r: { column_name: string }) => r.column_name),
  )
  if (!have.has('version')) {
    throw new FerryError(
      'LEDGER_INCOMPATIBLE',
      `${schema}.schema_migrations exists but has no "version" column`,
      'Rename that table if it belongs to another tool.',
    )
  }
  const added: string[] = []
  for (const [n, t] of COLUMNS) {
    if (have.has(n)) continue
    await c.query(`ALTER TABLE ${pgLedger(schema)} ADD COLUMN ${n} ${t}`)
    added.push(n)
  }
  return { action: added.length ? 'extended' : 'present', columnsAdded: added }
}

export async function pgReadLedger(c: ClientBase, schema: string): Promise<AppliedMigration[]> {
  const exists = (
    await c.query('SELECT to_regclass($1) IS NOT NULL AS e', [
      `${escapeIdentifier(schema)}.schema_migrations`,
    ])
  ).rows[0].e as boolean
  if (!exists) return []
  const have = new Set(
    (
      await c.query(
        'SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2',
        [schema, 'schema_migrations'],
      )
    ).rows.map((r: { column_name: string }) => r.column_name),
  )
  const col = (n: string): string => (have.has(n) ? n : `NULL AS ${n}`)
  const rows = (
    await c.query(
      `SELECT version::text AS version, ${COLUMNS.map(([n]) => col(n)).join(', ')} FROM ${pgLedger(schema)} ORDER BY version`,
    )
  ).rows as {
    version: string
    name: string | null
    checksum: string | null
    applied_at: Date | null
    duration_ms: number | null
    success: boolean | null
    applied_by: string | null
  }[]
  return rows.map((r) => ({
    version: Number(r.version),
    name: r.name,
    checksum: r.checksum,
    appliedAt: r.applied_at ? new Date(r.applied_at).toISOString() : null,
    durationMs: r.duration_ms,
    success: r.success,
    appliedBy: r.applied_by,
  }))
}

/** Runs `fn` holding the session-scoped migration lock of this schema; a second holder is refused. */
export async function withPgMigrationLock<T>(
  c: ClientBase,
  schema: string,
  fn: () => Promise<T>,
): Promise<T> {
  const key = `ferry.migrations:${schema}`
  const got = (await c.query('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [key])).rows[0]
    .ok as boolean
  if (!got) {
    throw new FerryError(
      'MIGRATION_LOCKED',
      `Another session is applying migrations to schema ${schema} (advisory lock "${key}" is held)`,
      'Wait for the other Ferry to finish; the lock goes away with its session.',
    )
  }
  try {
    return await fn()
  } finally {
    await c.query('SELECT pg_advisory_unlock(hashtext($1))', [key])
  }
}
