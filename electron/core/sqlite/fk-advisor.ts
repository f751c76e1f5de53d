// Finds the foreign-key columns of a SQLite database that no index can search: columns declared
// with REFERENCES, and the plan's naming conventions (`*_id`, from_agent, to_agent, author_agent,
// parent_task_id) for databases that never declared their keys. A column is covered when it (or,
// for a composite key, its set of columns) leads the primary key or a non-partial index.
import { parseCreateTable } from '../pgmigrate/sql-expr'
import { appCollations } from './integrity'
import type { SqliteDb } from './open'
import { quoteIdent } from './open'
import { describeTable, listTables, type TableInfo } from './introspect'

export type FkReason = 'declared REFERENCES' | 'naming convention'

export interface FkIndexProposal {
  table: string
  columns: string[]
  /** The columns as one string ("agent_id", or "a, b" for a composite key). */
  column: string
  index: string
  sql: string
  downSql: string
  reason: FkReason
  /** `agents(agent_id)` for a declared key; null for a naming-convention match. */
  references: string | null
  notes: string[]
}

export interface FkCovered {
  table: string
  column: string
  reason: FkReason
  coveredBy: string
}

export interface FkAdvice {
  proposals: FkIndexProposal[]
  covered: FkCovered[]
  /** Keys that need an index SQLite cannot build here (a collation only the app defines). */
  unbuildable?: { table: string; column: string; reason: string }[]
}

/** The columns the plan's index list names that do not end in `_id`. */
export const CONVENTION_NAMES: readonly string[] = [
  'from_agent',
  'to_agent',
  'author_agent',
  'parent_task_id',
]

/** PostgreSQL truncates longer identifiers (RELIABILITY.md rule 5). */
export const PG_NAME_LIMIT = 63

export function isConventionColumn(name: string): boolean {
  const n = name.toLowerCase()
  return n.endsWith('_id') || CONVENTION_NAMES.includes(n)
}

/** What the advisor needs of a table (TableInfo carries more). */
export type TableShape = Pick<
  TableInfo,
  'name' | 'columns' | 'primaryKey' | 'foreignKeys' | 'indexes' | 'virtual'
>

const lower = (s: string): string => s.toLowerCase()

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false
  const s = new Set(a.map(lower))
  return b.every((x) => s.has(lower(x)))
}

/** The primary key or index whose leading columns are exactly `cols` (in any order), or null. */
export function coveredBy(t: TableShape, cols: readonly string[]): string | null {
  const k = cols.length
  if (t.primaryKey.length >= k && sameSet(t.primaryKey.slice(0, k), cols)) return 'the primary key'
  for (const ix of t.indexes) {
    if (ix.partial || ix.columns.length < k) continue
    if (sameSet(ix.columns.slice(0, k), cols)) return `index "${ix.name}"`
  }
  return null
}

export function indexSql(index: string, table: string, columns: readonly string[]): string {
  return `CREATE INDEX ${quoteIdent(index)} ON ${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')})`
}

export function dropIndexSql(index: string): string {
  return `DROP INDEX IF EXISTS ${quoteIdent(index)}`
}

/** Shadow tables of FTS/R-tree virtual tables are the module's business, not the user's. */
const SHADOW = [
  '_data',
  '_idx',
  '_content',
  '_docsize',
  '_config',
  '_segments',
  '_segdir',
  '_stat',
  '_node',
  '_parent',
  '_rowid',
]

/**
 * The pure core: proposals for the given tables. `takenNames` are the names already used in the
 * database (tables, indexes, views, triggers share one namespace in SQLite).
 */
export function adviseFromSchema(
  tables: readonly TableShape[],
  takenNames: readonly string[],
  skipTables: readonly string[] = [],
): FkAdvice {
  const taken = new Set(takenNames.map(lower))
  const virtuals = tables.filter((t) => t.virtual).map((t) => lower(t.name))
  const skip = new Set(skipTables.map(lower))
  const proposals: FkIndexProposal[] = []
  const covered: FkCovered[] = []

  const uniqueName = (base: string): { name: string; renamed: boolean } => {
    let name = base
    for (let n = 2; taken.has(lower(name)); n++) name = `${base}_${n}`
    taken.add(lower(name))
    return { name, renamed: name !== base }
  }

  for (const t of tables) {
    const tl = lower(t.name)
    if (t.virtual || skip.has(tl) || virtuals.some((v) => SHADOW.some((s) => tl === v + s)))
      continue
    const seen = new Set<string>()
    const wanted: { columns: string[]; reason: FkReason; references: string | null }[] = []
    for (const fk of t.foreignKeys) {
      const key = fk.columns.map(lower).sort().join('\u0000')
      if (seen.has(key)) continue
      seen.add(key)
      const refCols = fk.refColumns.every((c) => c !== null)
        ? fk.refColumns.join(', ')
        : 'primary key'
      wanted.push({
        columns: fk.columns,
        reason: 'declared REFERENCES',
        references: `${fk.refTable}(${refCols})`,
      })
    }
    const inDeclared = new Set(t.foreignKeys.flatMap((fk) => fk.columns.map(lower)))
    for (const c of t.columns) {
      if (c.hidden === 1 || inDeclared.has(lower(c.name)) || !isConventionColumn(c.name)) continue
      wanted.push({ columns: [c.name], reason: 'naming convention', references: null })
    }
    const position = (col: string): number =>
      t.columns.findIndex((c) => lower(c.name) === lower(col))
    wanted.sort((a, b) => position(a.columns[0]!) - position(b.columns[0]!))

    for (const w of wanted) {
      const column = w.columns.join(', ')
      const by = coveredBy(t, w.columns)
      if (by) {
        covered.push({ table: t.name, column, reason: w.reason, coveredBy: by })
        continue
      }
      const base = `idx_${t.name}_${w.columns.join('_')}`
      const { name, renamed } = uniqueName(base)
      const notes: string[] = []
      if (renamed)
        notes.push(`"${base}" is already taken in this database, so the index is named "${name}"`)
      const bytes = Buffer.byteLength(name, 'utf8')
      if (bytes > PG_NAME_LIMIT) {
        notes.push(
          `The name is ${bytes} bytes; PostgreSQL truncates identifiers to ${PG_NAME_LIMIT} bytes, so Phase 3 gives it a shorter name (SQLite keeps this one)`,
        )
      }
      proposals.push({
        table: t.name,
        columns: [...w.columns],
        column,
        index: name,
        sql: indexSql(name, t.name, w.columns),
        downSql: dropIndexSql(name),
        reason: w.reason,
        references: w.references,
        notes,
      })
    }
  }
  return { proposals, covered }
}

/** Reads the schema and advises. Ferry's own ledger is never indexed. */
export function adviseFkIndexes(db: SqliteDb): FkAdvice {
  const rows = listTables(db)
  const tables = rows.map((row) => describeTable(db, row))
  const names = db.prepare('SELECT name FROM sqlite_schema').pluck().all() as string[]
  const advice = adviseFromSchema(tables, names, ['schema_migrations'])
  // An index on a column declared with a collation only the application registers cannot be
  // built (nor used) without it: such keys are listed, not proposed.
  const foreign = new Set(appCollations(db).map(lower))
  if (!foreign.size) return advice
  const collated = new Map<string, string>()
  for (const row of rows) {
    try {
      for (const c of parseCreateTable(row.sql ?? '').columns)
        if (c.collation && foreign.has(lower(c.collation)))
          collated.set(`${lower(row.name)}\u0000${lower(c.name)}`, c.collation)
    } catch {
      // unparsable: its proposals stay, and building them reports any problem
    }
  }
  const needs = (p: FkIndexProposal): string | undefined =>
    p.columns.map((c) => collated.get(`${lower(p.table)}\u0000${lower(c)}`)).find(Boolean)
  return {
    proposals: advice.proposals.filter((p) => !needs(p)),
    covered: advice.covered,
    unbuildable: advice.proposals
      .filter((p) => needs(p))
      .map((p) => ({
        table: p.table,
        column: p.column,
        reason: `declared with COLLATE ${needs(p)}, which only the application that made the database defines: SQLite cannot build an index on it without that collation; create it from the application`,
      })),
  }
}
