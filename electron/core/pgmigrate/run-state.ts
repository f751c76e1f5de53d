// What the target schema already holds: a run of ours (ferry_run with its plan), someone else's
// tables (refused: Ferry never writes into a schema it did not create), or nothing.
import type pg from 'pg'
import { FerryError } from '../../../shared/contract/envelope'
import { redactUrl } from '../postgres/redact'
import { listTables } from '../sqlite/introspect'
import type { SqliteDb } from '../sqlite/open'
import { q, qq } from './names'
import { FERRY_SOURCE_TABLES } from './translate'
import type { MigrationPlan } from './types'

export interface RunRow {
  plan: MigrationPlan
  sourcePath: string
  fingerprint: string
  loadedAt: string | null
  constraintsAt: string | null
}

export async function readRun(client: pg.ClientBase, schema: string): Promise<RunRow | null> {
  const exists = await client.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [
    qq(schema, 'ferry_run'),
  ])
  if (!exists.rows[0]?.t) return null
  const r = await client.query<{
    plan: string
    source_path: string
    source_fingerprint: string
    loaded_at: string | null
    constraints_at: string | null
  }>(
    `SELECT plan, source_path, source_fingerprint, loaded_at::text, constraints_at::text FROM ${qq(schema, 'ferry_run')} WHERE id = 1`,
  )
  const row = r.rows[0]
  if (!row) return null
  return {
    plan: JSON.parse(row.plan) as MigrationPlan,
    sourcePath: row.source_path,
    fingerprint: row.source_fingerprint,
    loadedAt: row.loaded_at,
    constraintsAt: row.constraints_at,
  }
}

/** Relations in the schema (tables, views, sequences …), to refuse writing into a foreign schema. */
export async function relationsIn(client: pg.ClientBase, schema: string): Promise<number> {
  const r = await client.query<{ n: string }>(
    "SELECT count(*)::text AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')",
    [schema],
  )
  return Number(r.rows[0]?.n ?? 0)
}

export async function insertRun(
  client: pg.ClientBase,
  schema: string,
  sourcePath: string,
  plan: MigrationPlan,
): Promise<void> {
  await client.query(
    `INSERT INTO ${qq(schema, 'ferry_run')} (id, source_path, source_fingerprint, plan) VALUES (1, $1, $2, $3)`,
    [sourcePath, plan.sourceFingerprint, JSON.stringify(plan)],
  )
}

export async function markRun(
  client: pg.ClientBase,
  schema: string,
  column: 'loaded_at' | 'constraints_at',
): Promise<void> {
  await client.query(
    `UPDATE ${qq(schema, 'ferry_run')} SET ${column} = clock_timestamp() WHERE id = 1 AND ${column} IS NULL`,
  )
}

/** The first `limit` relations of a schema as "name (kind)", for the refusal's schema diff. */
export async function relationList(
  client: pg.ClientBase,
  schema: string,
  limit = 10,
): Promise<string[]> {
  const r = await client.query<{ d: string }>(
    `SELECT format('%I (%s)', c.relname, CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'f' THEN 'foreign table' WHEN 'S' THEN 'sequence' ELSE 'table' END) AS d
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') ORDER BY c.relname LIMIT $2`,
    [schema, limit],
  )
  return r.rows.map((x) => x.d)
}

export function notOurs(schema: string, url: string, n: number, names: string[] = []): FerryError {
  // Named, so the user sees what would be at stake; Ferry never drops or truncates them.
  const list = names.length ? `: ${names.join(', ')}${n > names.length ? ', …' : ''}` : ''
  return new FerryError(
    'SCHEMA_NOT_EMPTY',
    `Schema "${schema}" on ${redactUrl(url)} already holds ${n} relation(s) that Ferry did not create${list}`,
    'Choose another --schema (Ferry creates it), or drop that schema if its contents are not needed.',
  )
}

export function differentSource(
  schema: string,
  url: string,
  was: string,
  db?: SqliteDb,
  plan?: MigrationPlan,
): FerryError {
  const what = db && plan ? schemaChanges(db, plan) : null
  return new FerryError(
    'DIFFERENT_SOURCE',
    `Schema "${schema}" on ${redactUrl(url)} was migrated from a database with a different schema (${was}), or the source's schema changed since${what ? `: ${what}` : ''}`,
    `A loaded schema does not follow such changes. Drop it to start over (DROP SCHEMA ${q(schema)} CASCADE on the target) and migrate again — in the plan, p3.schema then p3.migrate —, or migrate into a new --schema.`,
  )
}

/** What differs between the SQLite file now and the plan it was migrated with, in a few words. */
export function schemaChanges(db: SqliteDb, plan: MigrationPlan): string {
  const planned = new Map(plan.tables.map((t) => [t.source, t]))
  const reported = new Set(plan.notCarried.map((f) => f.table).filter((t): t is string => !!t))
  const now = listTables(db).map((r) => r.name)
  const added = now.filter(
    (n) => !planned.has(n) && !reported.has(n) && !FERRY_SOURCE_TABLES.includes(n),
  )
  const removed = [...planned.keys()].filter((n) => !now.includes(n))
  const changed: string[] = []
  for (const [name, t] of planned) {
    if (!now.includes(name)) continue
    const cols = (
      db.prepare(`SELECT name FROM pragma_table_xinfo(?)`).all(name) as { name: string }[]
    ).map((c) => c.name)
    const before = t.columns.map((c) => c.source)
    const plus = cols.filter((c) => !before.includes(c))
    const minus = before.filter((c) => !cols.includes(c))
    if (plus.length || minus.length)
      changed.push(
        `${name} (${[...plus.map((c) => `+${c}`), ...minus.map((c) => `-${c}`)].join(', ')})`,
      )
  }
  const parts = [
    added.length ? `new table(s) ${added.join(', ')}` : '',
    removed.length ? `table(s) gone: ${removed.join(', ')}` : '',
    changed.length ? `columns changed in ${changed.join('; ')}` : '',
  ].filter(Boolean)
  return parts.length ? parts.join('; ') : 'an index, view, trigger or table definition changed'
}

export function notMigrated(schema: string, url: string, what = 'validate'): FerryError {
  return new FerryError(
    'NOT_MIGRATED',
    `Schema "${schema}" on ${redactUrl(url)} holds no Ferry migration to ${what}`,
    'Run "ferry migrate-sqlite" into that schema first (or pass the --schema it used).',
  )
}
