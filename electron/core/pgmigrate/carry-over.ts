// The rest of the source schema, beyond columns and keys: CHECK constraints (translated when they
// are plain comparisons, else reported with their SQL), the plan's CHECK lists on an agent store,
// COLLATE NOCASE, partial/expression indexes, views, and SQLite's internal tables. Each item ends
// up either in the plan or in notCarried with its reason — never dropped silently.
import pg from 'pg'
import { quoteIdent, type SqliteDb } from '../sqlite/open'
import type { TableInfo } from '../sqlite/introspect'
import { NOCASE_COLLATION } from './ddl'
import { NameAllocator } from './names'
import {
  parseCreateIndex,
  parseCreateTable,
  tokenize,
  translateExpr,
  translateView,
  withSingleQuotedStrings,
  type ColumnRef,
  type Translated,
} from './sql-expr'
import type { CheckPlan, Finding, MigrationPlan, TablePlan } from './types'

const q = (s: string): string => pg.escapeIdentifier(s)

/** MIGRATION-PLAN.md §3.1: the enhanced schema's CHECK lists on agents. */
export const PLAN_CHECKS = [
  {
    column: 'status',
    name: 'valid_agent_status',
    values: ['active', 'idle', 'crashed', 'sleeping'],
  },
  {
    column: 'agent_type',
    name: 'valid_agent_type',
    values: ['service-mesh', 'integration', 'pm', 'frontend'],
  },
] as const

function columnRefs(plan: TablePlan): Map<string, ColumnRef> {
  return new Map(
    plan.columns.map((c) => [
      c.source.toLowerCase(),
      { target: c.target, type: c.type, ...(c.collation ? { collation: c.collation } : {}) },
    ]),
  )
}

type IndexTranslation =
  | { ok: true; exprs: string[]; desc: boolean[]; where: string | null }
  | { ok: false; reason: string }

/** A partial or expression index of SQLite in PostgreSQL terms, when its expressions translate. */
export function translateIndex(sql: string, plan: TablePlan): IndexTranslation {
  let parsed
  try {
    parsed = parseCreateIndex(sql)
  } catch (err) {
    return { ok: false, reason: (err as Error).message }
  }
  if (!parsed) return { ok: false, reason: 'its SQL could not be read' }
  const cols = columnRefs(plan)
  const exprs: string[] = []
  for (const item of parsed.items) {
    const only = item.toks.length === 1 ? cols.get(item.toks[0]!.v.toLowerCase()) : undefined
    if (only && (item.toks[0]!.k === 'id' || item.toks[0]!.k === 'qid')) {
      exprs.push(q(only.target))
      continue
    }
    const t = translateExpr(item.toks, cols)
    if (!t.ok) return t
    exprs.push(`(${t.sql})`)
  }
  let where: string | null = null
  if (parsed.where) {
    const t = translateExpr(parsed.where, cols, { condition: true })
    if (!t.ok) return { ok: false, reason: `its WHERE clause uses ${t.reason}` }
    where = t.sql
  }
  return { ok: true, exprs, desc: parsed.items.map((i) => i.desc), where }
}

export interface CarryCtx {
  agentStore: boolean
  notCarried: Finding[]
}

/**
 * COLLATE NOCASE text columns get the schema's ferry_nocase collation when the server has ICU:
 * =, ORDER BY, GROUP BY, DISTINCT and UNIQUE then ignore case as SQLite's did (keys and CHECKs
 * included). Run before keys, indexes and CHECKs are translated, which must know it. Returns
 * the collations the plan needs.
 */
export function planNocaseColumns(infos: TableInfo[], tables: TablePlan[], icu: boolean): string[] {
  if (!icu) return []
  let used = false
  infos.forEach((info, i) => {
    if (!info.sql) return
    let columns
    try {
      columns = parseCreateTable(info.sql).columns
    } catch {
      return // planChecksAndCollations reports the unreadable definition
    }
    for (const c of columns) {
      if (c.collation?.toUpperCase() !== 'NOCASE') continue
      const col = tables[i]!.columns.find((x) => x.source.toLowerCase() === c.name.toLowerCase())
      if (!col || col.type !== 'text') continue
      col.collation = NOCASE_COLLATION
      col.notes.push(
        `COLLATE NOCASE → COLLATE ${NOCASE_COLLATION} (ICU, case-insensitive): =, ORDER BY, GROUP BY and UNIQUE ignore case as in SQLite — for every letter, not only A–Z; the values are kept exactly. LIKE/ILIKE on it need PostgreSQL 18, or "${col.target}" COLLATE "default" ILIKE …`,
      )
      used = true
    }
  })
  return used ? [NOCASE_COLLATION] : []
}

/** CHECK constraints and collations of every table, and the plan's CHECK lists. */
export function planChecksAndCollations(
  infos: TableInfo[],
  tables: TablePlan[],
  alloc: NameAllocator,
  ctx: CarryCtx,
): void {
  infos.forEach((info, i) => {
    const plan = tables[i]!
    plan.checks ??= []
    if (!info.sql) return
    let parsed
    try {
      parsed = parseCreateTable(info.sql)
    } catch (err) {
      ctx.notCarried.push({
        kind: 'check',
        table: plan.source,
        name: plan.source,
        detail: `the table definition could not be read for CHECK constraints and collations (${(err as Error).message}); see its SQL`,
        sql: info.sql,
      })
      return
    }
    const cols = columnRefs(plan)
    for (const ck of parsed.checks) {
      const label = ck.name ?? `CHECK (${ck.sql})`
      const implied = impliedByType(ck.toks, cols)
      if (implied) {
        ctx.notCarried.push({
          kind: 'check',
          table: plan.source,
          name: label,
          detail: `carried by the column type: ${implied}`,
          sql: ck.sql,
        })
        continue
      }
      const t: Translated = translateExpr(ck.toks, cols, { condition: true })
      if (!t.ok) {
        ctx.notCarried.push({
          kind: 'check',
          table: plan.source,
          name: label,
          detail: `CHECK not translated (it uses ${t.reason}): recreate it by hand if needed`,
          sql: ck.sql,
        })
        continue
      }
      const base = `${plan.target}_${ck.column ? (cols.get(ck.column.toLowerCase())?.target ?? ck.column) : 'row'}_check`
      plan.checks.push({
        name: alloc.allocate(ck.name ?? base),
        sql: t.sql,
        sqliteSql: withSingleQuotedStrings(ck.sql, (n) => cols.has(n.toLowerCase())),
        origin: 'source',
      })
    }
    for (const c of parsed.columns) {
      const coll = c.collation?.toUpperCase()
      if (!coll || coll === 'BINARY') continue
      const col = plan.columns.find((x) => x.source.toLowerCase() === c.name.toLowerCase())
      // Carried by the column's collation (planNocaseColumns): nothing to report or add.
      if (!col || col.collation) continue
      const unique =
        (plan.primaryKey?.columns.length === 1 && plan.primaryKey.columns[0] === col.target) ||
        plan.uniques.some((u) => u.columns.length === 1 && u.columns[0] === col.target) ||
        plan.indexes.some((x) => x.unique && x.columns.length === 1 && x.columns[0] === col.target)
      let done = ''
      if (coll === 'NOCASE' && unique && col.type === 'text') {
        const name = alloc.allocate(`${plan.target}_${col.target}_lower_key`)
        plan.indexes.push({
          name,
          columns: [],
          exprs: [`lower(${q(col.target)})`],
          desc: [false],
          unique: true,
          method: 'btree',
        })
        done = `; its case-insensitive uniqueness is kept by the unique index ${name} on lower(${col.target})`
      }
      ctx.notCarried.push({
        kind: 'collation',
        table: plan.source,
        name: c.name,
        detail: `COLLATE ${coll}: PostgreSQL compares this column case- and space-sensitively (the values are kept exactly)${done}; queries that relied on it should compare lower(${col.target}), or use citext / a nondeterministic ICU collation where the server has them`,
        sql: null,
      })
    }
    for (const c of parsed.columns) {
      if (!c.generated) continue
      const f = ctx.notCarried.find(
        (x) => x.kind === 'generated' && x.table === plan.source && x.name === c.name,
      )
      if (f) f.sql = c.generated
      const col = plan.columns.find((x) => x.source.toLowerCase() === c.name.toLowerCase())
      if (!col || !f) continue
      // Translated: tried as a real generated column after the load (its outcome is reported
      // with the keys and indexes); otherwise the finding says why it stays a plain column.
      let t: Translated
      try {
        t = translateExpr(tokenize(c.generated), cols)
      } catch (err) {
        t = { ok: false, reason: (err as Error).message }
      }
      if (t.ok) {
        col.generatedSql = t.sql
        ctx.notCarried.splice(ctx.notCarried.indexOf(f), 1)
      } else f.detail += ` (not translated: it uses ${t.reason})`
    }
  })
  if (ctx.agentStore) planAgentChecks(tables, alloc, ctx)
}

/**
 * A CHECK the column's new type already enforces: `x IN (0, 1)` on a column that became boolean,
 * `json_valid(x)` (alone, `= 1`, or with `x IS NULL OR`) on one that became jsonb. What it says
 * instead, or null.
 */
function impliedByType(
  toks: ReturnType<typeof parseCreateTable>['checks'][number]['toks'],
  cols: Map<string, ColumnRef>,
): string | null {
  const names = [
    ...new Set(toks.filter((t) => t.k === 'id' || t.k === 'qid').map((t) => t.v.toLowerCase())),
  ]
  let text = toks.map((t) => (t.k === 'id' || t.k === 'qid' ? t.v.toLowerCase() : t.v)).join(' ')
  // Enclosing parentheses mean nothing here: Django writes CHECK ((JSON_VALID("c") OR "c" IS NULL)).
  // Stripped only when the opening one closes at the very end ("(a) or (b)" keeps them).
  for (;;) {
    const inner = text.startsWith('( ') && text.endsWith(' )') ? text.slice(2, -2) : null
    if (inner === null || !balanced(inner)) break
    text = inner
  }
  for (const name of names) {
    const col = cols.get(name)
    if (!col) continue
    const c = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    if (col.type === 'boolean' && new RegExp(`^${c} in \\( (0 , 1|1 , 0) \\)$`).test(text))
      return `${col.target} is boolean, which holds only true/false`
    const valid = `json_valid \\( ${c} \\)(?: = 1)?`
    const orNull = `${c} is null`
    if (
      col.type === 'jsonb' &&
      new RegExp(`^(?:${valid}|${orNull} or ${valid}|${valid} or ${orNull})$`).test(text)
    )
      return `${col.target} is jsonb, which holds only valid JSON`
  }
  return null
}

/** Whether every parenthesis in the token text closes in order (none closes before it opens). */
function balanced(text: string): boolean {
  let depth = 0
  for (const t of text.split(' ')) {
    if (t === '(') depth++
    else if (t === ')' && --depth < 0) return false
  }
  return depth === 0
}

function planAgentChecks(tables: TablePlan[], alloc: NameAllocator, ctx: CarryCtx): void {
  const agents = tables.find((t) => t.source === 'agents')
  if (!agents) return
  for (const pc of PLAN_CHECKS) {
    const col = agents.columns.find((c) => c.source === pc.column)
    if (!col || col.type !== 'text') {
      ctx.notCarried.push({
        kind: 'check',
        table: 'agents',
        name: pc.name,
        detail: col
          ? `the plan's CHECK list is not created: agents.${pc.column} is ${col.type}, not text`
          : `the plan's CHECK list is not created: agents has no ${pc.column} column`,
        sql: null,
      })
      continue
    }
    const list = pc.values.map((v) => pg.escapeLiteral(v)).join(', ')
    const check: CheckPlan = {
      name: alloc.allocate(pc.name),
      sql: `${q(col.target)} IN (${list})`,
      sqliteSql: `"${pc.column}" IN (${list})`,
      origin: 'plan',
      allowed: [...pc.values],
    }
    agents.checks = [...(agents.checks ?? []), check]
  }
}

/** Views: translated for PostgreSQL (created after the load), or reported with their SQL. */
export function planViews(
  db: SqliteDb,
  tables: TablePlan[],
  alloc: NameAllocator,
  rename: (name: string) => string,
  ctx: CarryCtx,
): NonNullable<MigrationPlan['views']> {
  const names = new Map<string, string>()
  for (const t of tables) {
    names.set(t.source.toLowerCase(), t.target)
    for (const c of t.columns)
      if (!names.has(c.source.toLowerCase())) names.set(c.source.toLowerCase(), c.target)
  }
  const rows = db
    .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'view' ORDER BY name")
    .all() as { name: string; sql: string | null }[]
  for (const r of rows) names.set(r.name.toLowerCase(), rename(r.name))
  const views: NonNullable<MigrationPlan['views']> = []
  const nocase = tables.some((t) => t.columns.some((c) => c.collation !== undefined))
  for (const r of rows) {
    const t = r.sql ? translateView(r.sql, (n) => names.get(n.toLowerCase()) ?? null, nocase) : null
    if (!t || !t.ok) {
      ctx.notCarried.push({
        kind: 'view',
        table: null,
        name: r.name,
        detail: `view not translated: ${t ? t.reason : 'no SQL'}; recreate it in PostgreSQL from its SQL`,
        sql: r.sql,
      })
      continue
    }
    const columns = viewColumns(db, r.name)
    const colAlloc = new NameAllocator()
    views.push({
      name: r.name,
      target: alloc.allocate(rename(r.name)),
      sql: t.sql,
      sourceSql: r.sql ?? '',
      ...(columns ? { columns: columns.map((c) => colAlloc.allocate(rename(c))) } : {}),
    })
  }
  return views
}

/** A view's column names as SQLite reports them ("id:1" for a second "id"); null if it cannot say. */
function viewColumns(db: SqliteDb, view: string): string[] | null {
  try {
    const cols = db.prepare(`PRAGMA table_info(${quoteIdent(view)})`).all() as { name: string }[]
    return cols.length ? cols.map((c) => c.name) : null
  } catch {
    return null
  }
}

/** SQLite's own tables: never copied as data, but listed so nothing seems to vanish. */
export function internalFindings(db: SqliteDb): Finding[] {
  const rows = db
    .prepare(
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
    )
    .pluck()
    .all() as string[]
  return rows.map((name) => ({
    kind: 'internal' as const,
    table: name,
    name,
    detail:
      name === 'sqlite_sequence'
        ? "SQLite's AUTOINCREMENT counters: not copied as data; each counter makes its table's identity continue after it"
        : "SQLite's internal table (query planner statistics): not copied; run ANALYZE in PostgreSQL instead",
    sql: null,
  }))
}
