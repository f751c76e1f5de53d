// The pre-flight: before any row moves, every row that would violate a constraint of the plan —
// a CHECK (the plan's lists on agents, or one translated from the source) or a foreign key
// (orphans) — is counted in SQLite and sampled by key. Each violated constraint then gets the
// user's choice: stop (nothing is written), skip-constraint (loaded without it) or not-valid (the
// default: every row loaded, the constraint added NOT VALID so new rows are checked, violators
// listed). Constraints nobody violates are created as usual.
import { isMissingCollation } from '../sqlite/integrity'
import { FerryError } from '../../../shared/contract/envelope'
import { quoteIdent, type SqliteDb } from '../sqlite/open'
import { keyText, keyWidth } from './keys'
import type { MigrationPlan, TablePlan, ViolationChoice } from './types'
import { keyDisplay } from '../../../shared/contract/row-key'

export interface ConstraintForecast {
  table: string
  kind: 'check' | 'foreign-key'
  name: string
  /** The constraint as PostgreSQL will get it. */
  definition: string
  violations: number
  sampleKeys: string[]
  sampleRows: string[]
  /** The distinct offending values with their counts (CHECK lists and foreign keys), up to 10. */
  values: { value: string | null; count: number }[]
  choice: ViolationChoice | 'map'
  /** A CHECK list of one column: the values it allows, so violators can be mapped to one of them. */
  allowed?: string[]
  /** What will happen: created (no violators, or all mapped), not-valid, skip (not created). */
  action: 'create' | 'not-valid' | 'skip'
  /** With the map choice: each violating value, the allowed value it becomes, and its rows. */
  mapped?: { column: string; from: string; to: string; rows: number }[]
  /**
   * Why SQLite could not evaluate it (a collation only the source's application defines): it is
   * then created NOT VALID and validated by PostgreSQL after the load, which lists any violators.
   */
  unchecked?: string
}

export interface PreflightResult {
  onViolation: ViolationChoice
  checked: number
  violated: number
  constraints: ConstraintForecast[]
}

export interface PreflightOptions {
  onViolation: ViolationChoice
  /** Per-constraint choices by constraint name (PostgreSQL name or the SQLite one). */
  choices?: Record<string, ViolationChoice>
  /** The map choice: constraint name → { violating value → allowed value } (CHECK lists only). */
  maps?: Record<string, Record<string, string>>
}

const sourceOf = (t: TablePlan, target: string): string =>
  t.columns.find((c) => c.target === target)?.source ?? target

function sample(
  db: SqliteDb,
  t: TablePlan,
  from: string,
  where: string,
  limit = 5,
): { keys: string[]; labels: string[] } {
  const key = t.key
  const pk =
    key.kind === 'rowid'
      ? (t.primaryKey?.columns ?? [])
          .filter((c) => !t.columns.find((x) => x.target === c)?.identity)
          .map((c) => sourceOf(t, c))
      : []
  const kcols =
    key.kind === 'rowid'
      ? `ch.${key.expr}`
      : key.columns.map((c) => `ch.${quoteIdent(c)}`).join(', ')
  const select = [kcols, ...pk.map((c) => `ch.${quoteIdent(c)}`)].join(', ')
  const rows = db
    .prepare(`SELECT ${select} FROM ${from} WHERE ${where} ORDER BY ${kcols} LIMIT ?`)
    .raw(true)
    .safeIntegers(true)
    .all(limit) as unknown[][]
  const w = keyWidth(key)
  const keys = rows.map((r) => keyText(key, r.slice(0, w)))
  const labels = rows.map((r, i) => {
    if (key.kind !== 'rowid') return `key ${keyDisplay(keys[i]!)}`
    const named = pk.map((c, j) => `${c} '${String(r[w + j])}'`).join(', ')
    return `rowid ${keys[i]}${named ? ` (${named})` : ''}`
  })
  return { keys, labels }
}

function count(db: SqliteDb, from: string, where: string): number {
  return Number(
    db
      .prepare(`SELECT count(*) FROM ${from} WHERE ${where}`)
      .pluck()
      .safeIntegers(true)
      .get() as bigint,
  )
}

/** The count, or null when SQLite cannot evaluate the condition for want of a collation. */
function countOrNull(db: SqliteDb, from: string, where: string): number | null {
  try {
    return count(db, from, where)
  } catch (err) {
    if (isMissingCollation(err)) return null
    throw err
  }
}

function unchecked(
  table: string,
  kind: ConstraintForecast['kind'],
  name: string,
  definition: string,
  choice: ConstraintForecast['choice'],
): ConstraintForecast {
  return {
    table,
    kind,
    name,
    definition,
    violations: 0,
    sampleKeys: [],
    sampleRows: [],
    values: [],
    choice,
    action: 'create',
    unchecked:
      'SQLite cannot evaluate it here: it compares a column whose collation only the source’s application defines; PostgreSQL validates it after the load and lists any violating rows',
  }
}

function values(
  db: SqliteDb,
  from: string,
  where: string,
  expr: string,
): ConstraintForecast['values'] {
  const rows = db
    .prepare(
      `SELECT ${expr} AS v, count(*) AS n FROM ${from} WHERE ${where} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10`,
    )
    .raw(true)
    .safeIntegers(true)
    .all() as [unknown, bigint][]
  return rows.map(([v, n]) => ({ value: v === null ? null : String(v), count: Number(n) }))
}

export function runPreflight(
  db: SqliteDb,
  plan: MigrationPlan,
  opts: PreflightOptions,
): PreflightResult {
  const out: ConstraintForecast[] = []
  const choose = (name: string): ViolationChoice => opts.choices?.[name] ?? opts.onViolation
  for (const t of plan.tables) {
    const from = `${quoteIdent(t.source)} ch`
    for (const ck of t.checks ?? []) {
      const where = `NOT (${ck.sqliteSql})`
      const n = countOrNull(db, from, where)
      if (n === null) {
        out.push(
          unchecked(
            t.source,
            'check',
            ck.name,
            `CHECK (${ck.sql})`,
            opts.maps?.[ck.name] ? 'map' : choose(ck.name),
          ),
        )
        continue
      }
      const s = n ? sample(db, t, from, where) : { keys: [], labels: [] }
      const col = ck.origin === 'plan' ? /^"([^"]+)"/.exec(ck.sqliteSql)?.[1] : undefined
      const map = opts.maps?.[ck.name]
      const choice = map ? 'map' : choose(ck.name)
      out.push({
        table: t.source,
        kind: 'check',
        name: ck.name,
        definition: `CHECK (${ck.sql})`,
        violations: n,
        sampleKeys: s.keys,
        sampleRows: s.labels,
        values: n && col ? values(db, from, where, quoteIdent(col)) : [],
        choice,
        ...(col && ck.allowed ? { allowed: ck.allowed } : {}),
        // Mapped violators satisfy the CHECK once loaded: it is created valid.
        action: n === 0 || map ? 'create' : choice === 'skip-constraint' ? 'skip' : 'not-valid',
        ...(map ? { mapped: planMap(db, t, ck, col, map, from, where) } : {}),
      })
    }
    for (const fk of t.foreignKeys) {
      const parent = plan.tables.find((p) => p.target === fk.refTable)
      if (!parent) continue
      const cols = fk.columns.map((c) => sourceOf(t, c))
      const refs = fk.refColumns.map((c) => sourceOf(parent, c))
      const where = `${cols.map((c) => `ch.${quoteIdent(c)} IS NOT NULL`).join(' AND ')} AND NOT EXISTS (SELECT 1 FROM ${quoteIdent(parent.source)} pa WHERE ${cols.map((c, i) => `pa.${quoteIdent(refs[i]!)} = ch.${quoteIdent(c)}`).join(' AND ')})`
      const definition = `FOREIGN KEY (${fk.columns.join(', ')}) REFERENCES ${fk.refTable} (${fk.refColumns.join(', ')})`
      const n = countOrNull(db, from, where)
      if (n === null) {
        out.push(unchecked(t.source, 'foreign-key', fk.name, definition, choose(fk.name)))
        continue
      }
      const s = n ? sample(db, t, from, where) : { keys: [], labels: [] }
      const choice = choose(fk.name)
      out.push({
        table: t.source,
        kind: 'foreign-key',
        name: fk.name,
        definition,
        violations: n,
        sampleKeys: s.keys,
        sampleRows: s.labels,
        values: n
          ? values(db, from, where, cols.map((c) => `ch.${quoteIdent(c)}`).join(" || ', ' || "))
          : [],
        choice,
        action: n === 0 ? 'create' : choice === 'skip-constraint' ? 'skip' : 'not-valid',
      })
    }
  }
  const known = new Set(out.map((c) => c.name))
  // A choice for a constraint the plan does not have would silently do nothing: refused.
  const unknown = [...Object.keys(opts.maps ?? {}), ...Object.keys(opts.choices ?? {})].filter(
    (n) => !known.has(n),
  )
  if (unknown.length)
    throw new FerryError(
      'UNKNOWN_CONSTRAINT',
      `The choices name ${[...new Set(unknown)].map((n) => `"${n}"`).join(', ')}, which the plan does not have`,
      `Constraints of this plan: ${[...known].join(', ') || 'none'}.`,
    )
  const stops = out.filter((c) => c.violations > 0 && c.choice === 'stop')
  if (stops.length) {
    const list = stops
      .map(
        (c) =>
          `${c.table}: ${c.name} (${c.violations} row(s), e.g. ${c.sampleRows.slice(0, 3).join('; ')}${c.values.length ? `; values ${c.values.map((v) => `${v.value ?? 'NULL'}×${v.count}`).join(', ')}` : ''})`,
      )
      .join(' | ')
    throw new FerryError(
      'PREFLIGHT_VIOLATIONS',
      `Pre-flight: ${stops.length} constraint(s) chosen to stop have violating rows, so nothing was written: ${list}`,
      'Fix or map those values in a copy of the SQLite file, or choose --on-violation not-valid (load every row, constraint NOT VALID) or skip-constraint (load without it).',
    )
  }
  return {
    onViolation: opts.onViolation,
    checked: out.length,
    violated: out.filter((c) => c.violations > 0).length,
    constraints: out,
  }
}

/**
 * The map choice for one CHECK list: every `to` must satisfy the CHECK, and every violating value
 * must be mapped (a partial map would load some violators unmapped: refused, naming them).
 */
function planMap(
  db: SqliteDb,
  t: TablePlan,
  ck: NonNullable<TablePlan['checks']>[number],
  col: string | undefined,
  map: Record<string, string>,
  from: string,
  where: string,
): NonNullable<ConstraintForecast['mapped']> {
  if (!col)
    throw new FerryError(
      'MAP_NOT_SUPPORTED',
      `"${ck.name}" on table "${t.source}" is not a list of allowed values of one column, so its violators cannot be mapped`,
      'Choose --constraint NAME=not-valid (load every row, constraint NOT VALID), skip-constraint or stop for it.',
    )
  const satisfies = db
    .prepare(`WITH ch(${quoteIdent(col)}) AS (SELECT ?) SELECT (${ck.sqliteSql}) FROM ch`)
    .pluck()
  for (const to of new Set(Object.values(map)))
    if (!satisfies.get(to))
      throw new FerryError(
        'MAP_TARGET_INVALID',
        `--map ${ck.name}: '${to}' is not allowed by ${ck.name} (CHECK (${ck.sql}))`,
        'Map each violating value to one of the values the CHECK allows.',
      )
  const froms = Object.keys(map)
  const placeholders = froms.map(() => '?').join(', ')
  const left = db
    .prepare(
      `SELECT DISTINCT ${quoteIdent(col)} FROM ${from} WHERE ${where}${froms.length ? ` AND (${quoteIdent(col)} IS NULL OR typeof(${quoteIdent(col)}) <> 'text' OR ${quoteIdent(col)} NOT IN (${placeholders}))` : ''} LIMIT 10`,
    )
    .pluck()
    .all(...froms) as unknown[]
  if (left.length)
    throw new FerryError(
      'MAP_INCOMPLETE',
      `--map ${ck.name} leaves violating values of "${t.source}"."${col}" unmapped: ${left.map((v) => (v === null ? 'NULL' : `'${String(v)}'`)).join(', ')}`,
      `Add a mapping for each (--map ${ck.name}:VALUE=ALLOWED), or choose not-valid / skip-constraint for it.`,
    )
  const rows = db
    .prepare(`SELECT count(*) FROM ${from} WHERE ${where} AND ${quoteIdent(col)} = ?`)
    .pluck()
  return Object.entries(map).map(([f, to]) => ({
    column: col,
    from: f,
    to,
    rows: Number(rows.get(f)),
  }))
}

/** Writes the pre-flight's decisions into the plan, so the post-load phase (and a resume) follows them. */
export function applyPreflight(plan: MigrationPlan, pf: PreflightResult): void {
  for (const c of pf.constraints) {
    const t = plan.tables.find((x) => x.source === c.table)
    if (!t) continue
    for (const m of c.mapped ?? []) {
      const col = t.columns.find((x) => x.source === m.column)
      if (col) col.valueMap = { ...col.valueMap, [m.from]: m.to }
    }
    const target =
      c.kind === 'check'
        ? t.checks?.find((x) => x.name === c.name)
        : t.foreignKeys.find((x) => x.name === c.name)
    if (target) target.action = c.action
  }
  plan.preflight = pf
  plan.options = {
    identifiers: plan.options?.identifiers ?? 'preserve',
    onViolation: pf.onViolation,
  }
}
