// The post-load reconciliation panel (issue 5): from the last p3.migrate report (what setval did,
// how each foreign key ended) and from the target as it is now — each sequence's current value,
// the orphan rows of a foreign key left NOT VALID, and every CHECK constraint dry-validated
// (its violating rows counted and sampled, whether or not it was added NOT VALID).
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type pg from 'pg'
import type { Reconciliation } from '../../../shared/contract/migration'
import type { ConstraintResult, SequenceResult } from './ddl'
import { q, qq } from './names'
import { readRun } from './run-state'
import type { ForeignKeyPlan, TablePlan } from './types'

const SAMPLE = 10

interface ReportPart {
  sequences?: SequenceResult[]
  constraints?: ConstraintResult[]
}

export function readMigrateReport(root: string, file: string): ReportPart | null {
  const p = path.join(root, file)
  if (!existsSync(p)) return null
  try {
    return JSON.parse(readFileSync(p, 'utf8')) as ReportPart
  } catch {
    return null
  }
}

export async function reconcile(
  client: pg.ClientBase,
  schema: string,
  report: ReportPart | null,
): Promise<Reconciliation> {
  const run = await readRun(client, schema)
  const empty = { schema, sequences: [], foreignKeys: [], checks: [] }
  if (!run) return { ...empty, available: false, note: `Schema "${schema}" holds no migration yet` }
  const byName = new Map(run.plan.tables.map((t) => [t.source, t]))

  const sequences: Reconciliation['sequences'] = []
  for (const s of report?.sequences ?? []) {
    const t = byName.get(s.table)
    const col = t?.columns.find((c) => c.source === s.column)
    let now: string | null = null
    if (t && col) {
      const r = await client.query<{ v: string | null }>(
        'SELECT pg_sequence_last_value(pg_get_serial_sequence($1, $2)::regclass)::text AS v',
        [qq(schema, t.target), col.target],
      )
      now = r.rows[0]?.v ?? null
    }
    const needed = [s.maxId, s.sqliteSequence]
      .filter((x): x is string => x !== null)
      .map(BigInt)
      .reduce((a, b) => (a > b ? a : b), 0n)
    sequences.push({
      table: s.table,
      column: s.column,
      maxId: s.maxId,
      sqliteSequence: s.sqliteSequence,
      before: s.before ?? null,
      setTo: s.setTo,
      now,
      ok: needed === 0n || (now !== null && BigInt(now) >= needed),
    })
  }

  const fkResults = new Map(
    (report?.constraints ?? [])
      .filter((c) => c.kind === 'foreign-key')
      .map((c) => [`${c.table}\u0000${c.name}`, c]),
  )
  const foreignKeys: Reconciliation['foreignKeys'] = []
  for (const t of run.plan.tables) {
    for (const fk of t.foreignKeys) {
      const con = await client.query<{ v: boolean }>(
        'SELECT convalidated AS v FROM pg_constraint WHERE conrelid = to_regclass($1) AND conname = $2',
        [qq(schema, t.target), fk.name],
      )
      const validated = con.rows[0]?.v ?? false
      const orphans = validated ? { n: 0, sample: [] } : await orphanRows(client, schema, t, fk)
      const res = fkResults.get(`${t.source}\u0000${fk.name}`)
      foreignKeys.push({
        table: t.source,
        name: fk.name,
        references: `${fk.refTable} (${fk.refColumns.join(', ')})`,
        status: con.rows[0] ? (validated ? 'validated' : 'not-valid') : 'missing',
        validated,
        orphanRows: orphans.n,
        orphanSample: orphans.sample,
        detail: res?.detail ?? null,
      })
    }
  }
  return {
    ...empty,
    available: true,
    note: report ? null : 'The last run left no report; sequences are not listed',
    sequences,
    foreignKeys,
    checks: await dryValidateChecks(client, schema, run.plan.tables),
  }
}

/** Rows naming a missing parent: a sample of the child's key (identity column, or the FK columns). */
async function orphanRows(
  c: pg.ClientBase,
  schema: string,
  t: TablePlan,
  fk: ForeignKeyPlan,
): Promise<{ n: number; sample: string[] }> {
  const notNull = fk.columns.map((col) => `ch.${q(col)} IS NOT NULL`).join(' AND ')
  const match = fk.columns
    .map((col, i) => `pa.${q(fk.refColumns[i]!)} = ch.${q(col)}`)
    .join(' AND ')
  const where = `${notNull} AND NOT EXISTS (SELECT 1 FROM ${qq(schema, fk.refTable)} pa WHERE ${match})`
  const from = `${qq(schema, t.target)} ch`
  const n = await c.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${from} WHERE ${where}`)
  const shown = describeCols(t, fk.columns)
  const r = await c.query<Record<string, string | null>>(
    `SELECT ${shown.map((s, i) => `ch.${q(s.target)}::text AS c${i}`).join(', ')} FROM ${from} WHERE ${where} LIMIT ${SAMPLE}`,
  )
  return { n: Number(n.rows[0]?.n ?? 0), sample: r.rows.map((row) => describeRow(shown, row)) }
}

/** The columns that name a row: the identity key first, then `extra` (target names). */
function describeCols(t: TablePlan, extra: string[]): { label: string; target: string }[] {
  const id = t.columns.find((c) => c.identity)
  const cols = id ? [{ label: id.source, target: id.target }] : []
  for (const e of extra) {
    const c = t.columns.find((x) => x.target === e)
    if (c && c !== id) cols.push({ label: c.source, target: c.target })
  }
  return cols.length
    ? cols
    : t.columns.slice(0, 2).map((c) => ({ label: c.source, target: c.target }))
}

function describeRow(cols: { label: string }[], row: Record<string, string | null>): string {
  return cols.map((c, i) => `${c.label}=${row[`c${i}`] ?? 'NULL'}`).join(', ')
}

/**
 * Every CHECK constraint of the migrated tables, evaluated against the rows (a NOT VALID one is
 * not enforced on old rows, so this is the only place its violations show).
 */
async function dryValidateChecks(
  c: pg.ClientBase,
  schema: string,
  tables: TablePlan[],
): Promise<Reconciliation['checks']> {
  const byTarget = new Map(tables.map((t) => [t.target, t]))
  const r = await c.query<{
    name: string
    rel: string
    def: string
    expr: string
    validated: boolean
    cols: string[]
  }>(
    `SELECT con.conname AS name, cl.relname AS rel, pg_get_constraintdef(con.oid) AS def,
            pg_get_expr(con.conbin, con.conrelid) AS expr, con.convalidated AS validated,
            array(SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = con.conrelid AND a.attnum = ANY(con.conkey)) AS cols
       FROM pg_constraint con JOIN pg_class cl ON cl.oid = con.conrelid JOIN pg_namespace n ON n.oid = cl.relnamespace
      WHERE n.nspname = $1 AND con.contype = 'c' ORDER BY cl.relname, con.conname`,
    [schema],
  )
  const out: Reconciliation['checks'] = []
  for (const k of r.rows) {
    const t = byTarget.get(k.rel)
    if (!t) continue
    // The expression is PostgreSQL's own deparsed text of the constraint, not user input.
    const where = `NOT (${k.expr})`
    const n = await c.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM ${qq(schema, k.rel)} ch WHERE ${where}`,
    )
    const violating = Number(n.rows[0]?.n ?? 0)
    let sample: string[] = []
    if (violating > 0) {
      const shown = describeCols(t, k.cols)
      const rows = await c.query<Record<string, string | null>>(
        `SELECT ${shown.map((s, i) => `ch.${q(s.target)}::text AS c${i}`).join(', ')} FROM ${qq(schema, k.rel)} ch WHERE ${where} LIMIT ${SAMPLE}`,
      )
      sample = rows.rows.map((row) => describeRow(shown, row))
    }
    out.push({
      table: t.source,
      name: k.name,
      definition: k.def,
      validated: k.validated,
      violatingRows: violating,
      sample,
    })
  }
  return out
}
