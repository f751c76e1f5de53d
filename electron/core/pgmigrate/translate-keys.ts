// Keys, indexes and foreign keys of the plan (created after the load), the plan's agent-store
// enhancements, and the schema objects that are reported rather than translated.
import { quoteIdent, type SqliteDb } from '../sqlite/open'
import type { TableInfo } from '../sqlite/introspect'
import { nameReason, type IdentifierPolicy, type NameAllocator } from './names'
import { translateIndex } from './carry-over'
import { NOCASE_COLLATION } from './ddl'
import { parseForeignKeyTiming, type FkTiming } from './sql-expr'
import type { Finding, NameChange, TablePlan } from './types'

interface Ctx {
  agentStore: boolean
  /** The identifier policy applied to a source name (before shortening). */
  rename: (name: string) => string
  policy: IdentifierPolicy
  names: NameChange[]
  notCarried: Finding[]
  /** The server has ICU collations (ferry_nocase can be created). */
  icu: boolean
}

type XInfo = { desc: number; coll: string | null }

const lower = (s: string): string => s.toLowerCase()
const sameSet = (a: string[], b: string[]): boolean =>
  a.length === b.length && a.every((x) => b.includes(x))

/** A source index's name in the target, the change (if any) reported. */
function indexName(alloc: NameAllocator, ctx: Ctx, table: string, source: string): string {
  const name = alloc.allocate(ctx.rename(source))
  if (name !== source)
    ctx.names.push({
      kind: 'index',
      table,
      source,
      target: name,
      reason: nameReason(source, name, ctx.policy),
    })
  return name
}

export function planKeysAndIndexes(
  db: SqliteDb,
  infos: TableInfo[],
  tables: TablePlan[],
  alloc: NameAllocator,
  ctx: Ctx,
): void {
  const indexSql = new Map(
    (
      db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'index'").all() as {
        name: string
        sql: string | null
      }[]
    ).map((r) => [r.name, r.sql]),
  )
  // The source's own index names first, so they are kept whenever possible.
  const userIndexes = infos.flatMap((info, t) =>
    info.indexes
      .filter((ix) => ix.origin === 'c' && !ix.partial && !ix.columns.includes('<expr>'))
      .map((ix) => ({ t, ix })),
  )
  for (const { t, ix } of userIndexes) {
    const plan = tables[t]!
    const name = indexName(alloc, ctx, plan.source, ix.name)
    const xinfo = db
      .prepare('SELECT "desc", coll FROM pragma_index_xinfo(?) WHERE "key" = 1 ORDER BY seqno')
      .all(ix.name) as XInfo[]
    const columns = ix.columns.map((c) => col(plan, c))
    const collations = indexCollations(plan, columns, xinfo, ctx.icu)
    reportCollations(
      plan.source,
      ix.name,
      xinfo.filter((x, i) => !collations[i] && !carried(plan, columns[i]!, x)),
      ctx,
    )
    plan.indexes.push({
      name,
      columns,
      desc: xinfo.map((x) => x.desc === 1),
      unique: ix.unique,
      method: 'btree',
      ...(collations.some((c) => c) ? { collations } : {}),
    })
  }
  infos.forEach((info, t) => {
    const plan = tables[t]!
    // The identity sequence is named here, after the source's own indexes: a source index called
    // "t_id_seq" keeps its name and the sequence becomes t_id_seq_2 (PostgreSQL's default name
    // would have taken it first, and the index would have been missing).
    for (const c of plan.columns)
      if (c.identity) c.identitySequence = alloc.allocate(`${plan.target}_${c.target}_seq`)
    if (info.primaryKey.length) {
      const cols = info.primaryKey.map((c) => col(plan, c))
      const nulls =
        info.withoutRowid || plan.columns.some((c) => c.identity)
          ? 0
          : countNullKeys(db, info.name, info.primaryKey)
      if (nulls > 0) {
        const name = alloc.allocate(`${plan.target}_${cols.join('_')}_key`)
        plan.uniques.push({ name, columns: cols })
        ctx.notCarried.push({
          kind: 'primary-key',
          table: plan.source,
          name: info.primaryKey.join(', '),
          detail: `the primary key holds NULL in ${nulls} row(s) (SQLite allows it outside INTEGER PRIMARY KEY); PostgreSQL's cannot, so it is created as UNIQUE ${name}`,
          sql: null,
        })
      } else plan.primaryKey = { name: alloc.allocate(`${plan.target}_pkey`), columns: cols }
    }
    for (const ix of info.indexes) {
      if (ix.origin === 'pk') continue
      if (ix.partial || ix.columns.includes('<expr>')) {
        const sql = indexSql.get(ix.name) ?? null
        const t = sql ? translateIndex(sql, plan) : { ok: false as const, reason: 'no SQL' }
        if (t.ok) {
          const name = indexName(alloc, ctx, plan.source, ix.name)
          plan.indexes.push({
            name,
            columns: [],
            desc: t.desc,
            unique: ix.unique,
            method: 'btree',
            exprs: t.exprs,
            ...(t.where ? { where: t.where } : {}),
          })
          continue
        }
        ctx.notCarried.push({
          kind: 'index',
          table: plan.source,
          name: ix.name,
          detail: `${ix.partial ? 'partial' : 'expression'} index not translated: ${t.reason}; create it by hand if queries need it`,
          sql,
        })
        continue
      }
      if (ix.origin === 'u') {
        const cols = ix.columns.map((c) => col(plan, c))
        if (plan.uniques.some((u) => sameSet(u.columns, cols))) continue
        const xinfo = db
          .prepare('SELECT "desc", coll FROM pragma_index_xinfo(?) WHERE "key" = 1 ORDER BY seqno')
          .all(ix.name) as XInfo[]
        reportCollations(
          plan.source,
          ix.name,
          xinfo.filter((x, i) => !carried(plan, cols[i]!, x)),
          ctx,
        )
        plan.uniques.push({
          name: alloc.allocate(`${plan.target}_${cols.join('_')}_key`),
          columns: cols,
        })
      }
    }
  })
  infos.forEach((info, t) => planForeignKeys(info, tables[t]!, tables, alloc, ctx))
  if (ctx.agentStore) planAgentIndexes(tables, alloc, ctx)
}

function col(plan: TablePlan, source: string): string {
  return (
    (
      plan.columns.find((c) => c.source === source) ??
      plan.columns.find((c) => lower(c.source) === lower(source))
    )?.target ?? source
  )
}

/** The index item compares as the target column does: BINARY on a plain column, NOCASE on one
 * carried as ferry_nocase. */
function carried(plan: TablePlan, column: string, x: XInfo): boolean {
  const coll = (x.coll ?? 'BINARY').toUpperCase()
  const target = plan.columns.find((c) => c.target === column)?.collation
  return target === NOCASE_COLLATION ? coll === 'NOCASE' : coll === 'BINARY'
}

/**
 * Per index item, a collation other than its column's: COLLATE BINARY on a column carried as
 * ferry_nocase keeps SQLite's byte comparison ("C"; a UNIQUE one would refuse 'a' beside 'A'),
 * and COLLATE NOCASE on a plain text column becomes ferry_nocase where the server has ICU.
 */
function indexCollations(
  plan: TablePlan,
  columns: string[],
  xinfo: XInfo[],
  icu: boolean,
): (string | null)[] {
  return xinfo.map((x, i) => {
    const col = plan.columns.find((c) => c.target === columns[i])
    const coll = (x.coll ?? 'BINARY').toUpperCase()
    if (coll === 'BINARY' && col?.collation) return 'C'
    if (coll === 'NOCASE' && !col?.collation && col?.type === 'text' && icu) return NOCASE_COLLATION
    return null
  })
}

function reportCollations(table: string, index: string, xinfo: XInfo[], ctx: Ctx): void {
  const colls = [
    ...new Set(
      xinfo.map((x) => x.coll).filter((c): c is string => !!c && c.toUpperCase() !== 'BINARY'),
    ),
  ]
  if (colls.length)
    ctx.notCarried.push({
      kind: 'collation',
      table,
      name: index,
      detail: `index uses COLLATE ${colls.join(', ')}: created with PostgreSQL's default comparison instead`,
      sql: null,
    })
}

function countNullKeys(db: SqliteDb, table: string, cols: string[]): number {
  const where = cols.map((c) => `${quoteIdent(c)} IS NULL`).join(' OR ')
  return Number(
    db
      .prepare(`SELECT count(*) FROM ${quoteIdent(table)} WHERE ${where}`)
      .pluck()
      .safeIntegers(true)
      .get() as bigint,
  )
}

function planForeignKeys(
  info: TableInfo,
  plan: TablePlan,
  tables: TablePlan[],
  alloc: NameAllocator,
  ctx: Ctx,
): void {
  const timing = info.sql ? parseForeignKeyTiming(info.sql) : []
  for (const fk of info.foreignKeys) {
    const label = `(${fk.columns.join(', ')}) → ${fk.refTable}`
    const parent =
      tables.find((t) => t.source === fk.refTable) ??
      tables.find((t) => lower(t.source) === lower(fk.refTable))
    const skip = (why: string): void => {
      ctx.notCarried.push({
        kind: 'foreign-key',
        table: plan.source,
        name: label,
        detail: `foreign key not created: ${why}`,
        sql: null,
      })
    }
    if (!parent) {
      skip(`table "${fk.refTable}" is not in the database`)
      continue
    }
    const implicit = fk.refColumns.every((c) => c === null)
    const parentKey = parent.primaryKey?.columns ?? []
    const refCols = implicit ? parentKey : fk.refColumns.map((c) => col(parent, c ?? ''))
    if (!refCols.length || refCols.length !== fk.columns.length) {
      skip(`"${fk.refTable}" has no primary key matching the reference`)
      continue
    }
    const keys = [
      parentKey,
      ...parent.uniques.map((u) => u.columns),
      ...parent.indexes.filter((i) => i.unique).map((i) => i.columns),
    ]
    if (!keys.some((k) => sameSet(k, refCols))) {
      skip(
        `"${fk.refTable}"(${refCols.join(', ')}) is not a primary key or unique, which PostgreSQL requires`,
      )
      continue
    }
    const cols = fk.columns.map((c) => col(plan, c))
    plan.foreignKeys.push({
      name: alloc.allocate(`${plan.target}_${cols.join('_')}_fkey`),
      columns: cols,
      refTable: parent.target,
      refColumns: refCols,
      onDelete: fk.onDelete,
      onUpdate: fk.onUpdate,
      ...(isDeferred(fk, info.foreignKeys, timing) ? { deferred: true } : {}),
    })
  }
}

/**
 * Whether SQLite defers this foreign key. PRAGMA foreign_key_list does not say, so the REFERENCES
 * clauses of the CREATE TABLE are matched to it by child columns and parent table; where several
 * keys share those, by position: SQLite lists a table's keys in the reverse of their declaration
 * order (each new key is put first), so the pragma's n-th such key is the n-th from the end.
 */
function isDeferred(
  fk: TableInfo['foreignKeys'][number],
  all: TableInfo['foreignKeys'],
  timing: FkTiming[],
): boolean {
  const sig = (columns: string[], refTable: string): string =>
    [lower(refTable), ...columns.map(lower)].join('\u0000')
  const mine = sig(fk.columns, fk.refTable)
  const declared = timing.filter((x) => sig(x.columns, x.refTable) === mine)
  const listed = all.filter((x) => sig(x.columns, x.refTable) === mine)
  if (declared.length === listed.length)
    return declared[declared.length - 1 - listed.indexOf(fk)]!.deferred
  // The SQL did not parse into the same keys: deferred only if every such clause is.
  return declared.length > 0 && declared.every((x) => x.deferred)
}

/** MIGRATION-PLAN.md's enhanced schema: GIN on agents.configuration, (status, last_activity). */
function planAgentIndexes(tables: TablePlan[], alloc: NameAllocator, ctx: Ctx): void {
  const agents = tables.find((t) => t.source === 'agents')
  if (!agents) return
  const conf = agents.columns.find((c) => c.source === 'configuration')
  if (conf?.type === 'jsonb')
    agents.indexes.push({
      name: alloc.allocate('idx_agents_configuration_gin'),
      columns: [conf.target],
      desc: [false],
      unique: false,
      method: 'gin',
    })
  else if (conf) {
    const why = conf.rejected.find((r) => r.type === 'jsonb')
    ctx.notCarried.push({
      kind: 'index',
      table: 'agents',
      name: 'idx_agents_configuration_gin',
      detail: `the plan's GIN index is not created: configuration stays ${conf.type}${why ? ` because ${why.reason} (${why.sampleRows.join('; ')})` : ''}`,
      sql: null,
    })
  }
  const cols = ['status', 'last_activity'].map(
    (n) => agents.columns.find((c) => c.source === n)?.target,
  )
  if (cols.every((c) => c !== undefined))
    agents.indexes.push({
      name: alloc.allocate('idx_agents_status_activity'),
      columns: cols as string[],
      desc: [false, false],
      unique: false,
      method: 'btree',
    })
}

/** Triggers: listed with their SQL, never run during the load (views: carry-over.ts). */
export function schemaFindings(db: SqliteDb): Finding[] {
  const rows = db
    .prepare(
      "SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE type = 'trigger' ORDER BY type, name",
    )
    .all() as { type: 'view' | 'trigger'; name: string; tbl_name: string; sql: string | null }[]
  return rows.map((r) => ({
    kind: r.type,
    table: r.type === 'trigger' ? r.tbl_name : null,
    name: r.name,
    detail:
      r.type === 'view'
        ? 'view not translated: recreate it in PostgreSQL from its SQL'
        : 'trigger not translated and not run during the load: recreate it in PostgreSQL if the application needs it',
    sql: r.sql,
  }))
}
