// Post-load DDL beyond keys and indexes: CHECK constraints as the pre-flight decided (created,
// NOT VALID with their violators counted, or skipped) and translated views (PostgreSQL has the
// last word: a view it refuses is reported with its error and SQL). Idempotent like ddl.ts.
import type pg from 'pg'
import { q, qq } from './names'
import type { ConstraintResult } from './ddl'
import type { CheckPlan, MigrationPlan, TablePlan } from './types'

const errText = (err: unknown): string => {
  const e = err as { message?: string; code?: string }
  return `${e.message ?? String(err)}${e.code ? ` (${e.code})` : ''}`
}

export async function checkConstraint(
  c: pg.ClientBase,
  schema: string,
  t: TablePlan,
  ck: CheckPlan,
): Promise<ConstraintResult> {
  const base = { table: t.source, kind: 'check' as const, name: ck.name }
  const origin =
    ck.origin === 'plan' ? "the migration plan's CHECK list" : 'translated from the SQLite schema'
  if (ck.action === 'skip')
    return {
      ...base,
      status: 'skipped',
      detail: `not created (--on-violation skip-constraint): ${origin}; violating rows are in the pre-flight report`,
    }
  const T = qq(schema, t.target)
  const found = await c.query<{ v: boolean }>(
    'SELECT convalidated AS v FROM pg_constraint WHERE conrelid = to_regclass($1) AND conname = $2',
    [T, ck.name],
  )
  if (found.rows[0]?.v) return { ...base, status: 'existed', detail: null }
  if (!found.rows[0]) {
    try {
      await c.query(`ALTER TABLE ${T} ADD CONSTRAINT ${q(ck.name)} CHECK (${ck.sql}) NOT VALID`)
    } catch (err) {
      return { ...base, status: 'failed', detail: `not created (${origin}): ${errText(err)}` }
    }
  }
  try {
    await c.query(`ALTER TABLE ${T} VALIDATE CONSTRAINT ${q(ck.name)}`)
    return { ...base, status: 'created', detail: origin }
  } catch (err) {
    const n = await c.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM ${T} WHERE NOT (${ck.sql})`,
    )
    return {
      ...base,
      status: 'not-valid',
      detail: `${n.rows[0]?.n ?? '?'} row(s) violate it: kept NOT VALID (enforced for new rows; the rows are loaded as they were) — ${origin}${(err as { code?: string }).code === '23514' ? '' : `: ${errText(err)}`}`,
    }
  }
}

/** Creates the plan's views (in dependency order: a view on a view waits for it). */
export async function createViews(
  c: pg.ClientBase,
  plan: MigrationPlan,
): Promise<ConstraintResult[]> {
  const pending = [...(plan.views ?? [])]
  const results = new Map<string, ConstraintResult>()
  let lastError = new Map<string, string>()
  for (let round = 0; pending.length && round <= (plan.views?.length ?? 0); round++) {
    const errors = new Map<string, string>()
    for (const v of [...pending]) {
      const base = { table: v.name, kind: 'view' as const, name: v.name }
      // Only a view counts as already made (a resumed run); any other relation of the name is a clash.
      const exists = await c.query(
        "SELECT 1 FROM pg_class WHERE oid = to_regclass($1) AND relkind = 'v'",
        [qq(plan.schema, v.target)],
      )
      if (exists.rowCount) {
        results.set(v.name, { ...base, status: 'existed', detail: null })
        pending.splice(pending.indexOf(v), 1)
        continue
      }
      await c.query('BEGIN')
      try {
        await c.query(`SET LOCAL search_path TO ${q(plan.schema)}`)
        await c.query(`CREATE VIEW ${qq(plan.schema, v.target)}${viewColumnList(v)} AS ${v.sql}`)
        await c.query('COMMIT')
        results.set(v.name, {
          ...base,
          status: 'created',
          detail: `translated from SQLite: ${v.sql}`,
        })
        pending.splice(pending.indexOf(v), 1)
      } catch (err) {
        await c.query('ROLLBACK').catch(() => undefined)
        errors.set(v.name, errText(err))
      }
    }
    if (errors.size === lastError.size && [...errors.keys()].every((k) => lastError.has(k))) {
      lastError = errors
      break
    }
    lastError = errors
  }
  for (const v of pending)
    results.set(v.name, {
      table: v.name,
      kind: 'view',
      name: v.name,
      status: 'failed',
      detail: `PostgreSQL refused the translated view (${lastError.get(v.name) ?? 'unknown error'}); recreate it by hand from its SQLite SQL: ${v.sourceSql}`,
    })
  return (plan.views ?? []).map((v) => results.get(v.name)!)
}

/** CREATE VIEW's column list: the view's columns named as in SQLite (types.ts views.columns). */
export const viewColumnList = (v: { columns?: string[] }): string =>
  v.columns?.length ? ` (${v.columns.map(q).join(', ')})` : ''
