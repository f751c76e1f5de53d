// Beyond the plan: composite indexes the workload needs (its equality filters, then its sort, e.g.
// events(agent_id, created_at)), each measured on a scratch copy of state.db taken with the online
// backup API (RELIABILITY.md rule 1) — never on the user's file. Proposals only: applying one is a
// separate decision.
import { randomUUID } from 'node:crypto'
import { mkdirSync, rmSync } from 'node:fs'
import { join, relative } from 'node:path'
import Database from 'better-sqlite3'
import { throwIfCancelled } from '../jobs/job'
import type { WorkspacePaths } from '../workspace/resolve'
import type { WorkloadQuery } from '../workload/queries'
import { decodeParams, sampleTimes, summarise } from '../workload/run'
import { coveredBy, indexSql, type TableShape } from './fk-advisor'
import { describeTable, listTables } from './introspect'
import { openWorkspaceDbReadOnly, quoteIdent, type SqliteDb } from './open'

export interface CompositeCandidate {
  index: string
  table: string
  columns: string[]
  sql: string
  queries: string[]
}

export interface CompositeProposal {
  index: string
  table: string
  columns: string[]
  sql: string
  query: string
  p95Before: number
  p95After: number
  /** p95Before / p95After. */
  speedup: number | null
  /** At least twice as fast and at least 0.5 ms saved at p95: worth an index's write cost. */
  recommended: boolean
  planBefore: string
  planAfter: string
}

const lower = (s: string): string => s.toLowerCase()

/** Leading columns `cols` are served by an existing index: the filters as a set, then the sort in order. */
function served(t: TableShape, filter: readonly string[], sort: readonly string[]): boolean {
  if (!coveredBy(t, filter)) return false
  if (!sort.length) return true
  const want = [...sort].map(lower)
  return t.indexes.some((ix) => {
    if (ix.partial || ix.columns.length < filter.length + sort.length) return false
    const lead = ix.columns.slice(0, filter.length).map(lower)
    if (!filter.every((f) => lead.includes(lower(f)))) return false
    return (
      ix.columns
        .slice(filter.length, filter.length + sort.length)
        .map(lower)
        .join() === want.join()
    )
  })
}

/** Pure: the composite indexes the workload's access paths call for that the schema lacks. */
export function deriveCompositeIndexes(
  queries: readonly WorkloadQuery[],
  tables: readonly TableShape[],
  takenNames: readonly string[],
): CompositeCandidate[] {
  const taken = new Set(takenNames.map(lower))
  const byKey = new Map<string, CompositeCandidate>()
  for (const q of queries) {
    if (!q.access) continue
    const t = tables.find((x) => lower(x.name) === lower(q.access!.table))
    if (!t) continue
    const has = (c: string): boolean => t.columns.some((x) => lower(x.name) === lower(c))
    if (![...q.access.filter, ...q.access.sort].every(has)) continue
    // A rowid-alias key is the implicit last column of every index, so it adds nothing at the end.
    const rowidAlias =
      t.primaryKey.length === 1 &&
      t.columns.some(
        (c) => lower(c.name) === lower(t.primaryKey[0]!) && /^integer$/i.test(c.declaredType),
      )
    const sort = q.access.sort.filter((c) => !(rowidAlias && lower(c) === lower(t.primaryKey[0]!)))
    const columns = [...q.access.filter, ...sort]
    if (columns.length < 2 || served(t, q.access.filter, sort)) continue
    const key = `${lower(t.name)}(${columns.map(lower).join(',')})`
    const known = byKey.get(key)
    if (known) {
      known.queries.push(q.name)
      continue
    }
    let name = `idx_${t.name}_${columns.join('_')}`
    for (let n = 2; taken.has(lower(name)); n++) name = `idx_${t.name}_${columns.join('_')}_${n}`
    taken.add(lower(name))
    byKey.set(key, {
      index: name,
      table: t.name,
      columns,
      sql: indexSql(name, t.name, columns),
      queries: [q.name],
    })
  }
  return [...byKey.values()]
}

export function compositeCandidates(
  db: SqliteDb,
  queries: readonly WorkloadQuery[],
): CompositeCandidate[] {
  const tables = listTables(db).map((r) => describeTable(db, r))
  const names = db.prepare('SELECT name FROM sqlite_schema').pluck().all() as string[]
  return deriveCompositeIndexes(queries, tables, names)
}

function measure(
  db: SqliteDb,
  sql: string,
  params: unknown[][],
  iterations: number,
): { p95: number; plan: string } {
  const stmt = db.prepare(sql).raw().safeIntegers(true)
  const samples = sampleTimes((p) => void stmt.all(...p), params, {
    iterations,
    warmup: 3,
    budgetMs: 10_000,
  })
  const plan = (
    db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...(params[0] ?? [])) as { detail: string }[]
  )
    .map((r) => r.detail)
    .join('; ')
  return { p95: summarise(samples).p95, plan }
}

/**
 * Measures each candidate on a scratch copy in .ferry/scratch/ (deleted afterwards): the p95 of
 * each query that wants it, before and after creating it, one candidate at a time.
 */
export async function measureCompositeProposals(
  paths: WorkspacePaths,
  queries: readonly WorkloadQuery[],
  params: ReadonlyMap<string, unknown[][]>,
  o: {
    iterations?: number
    signal?: AbortSignal
    onProgress?: (done: number, total: number, message: string) => void
  } = {},
): Promise<{ proposals: CompositeProposal[]; scratch: string }> {
  const dir = join(paths.ferryDir, 'scratch')
  mkdirSync(dir, { recursive: true })
  const scratch = join(dir, `state-${randomUUID()}.db`)
  const src = openWorkspaceDbReadOnly(paths.stateDb)
  try {
    await src.backup(scratch)
  } finally {
    src.close()
  }
  const db = new Database(scratch)
  try {
    db.pragma('foreign_keys = OFF')
    const candidates = compositeCandidates(db, queries)
    const proposals: CompositeProposal[] = []
    for (const [i, c] of candidates.entries()) {
      if (o.signal) throwIfCancelled(o.signal)
      o.onProgress?.(i, candidates.length, `Trying ${c.index} on a scratch copy`)
      const wanted = c.queries
        .map((name) => queries.find((q) => q.name === name)!)
        .filter((q) => params.get(q.name)?.length)
      const before = wanted.map((q) =>
        measure(db, q.sql, decodeParams(params.get(q.name)!), o.iterations ?? 30),
      )
      db.exec(c.sql)
      const after = wanted.map((q) =>
        measure(db, q.sql, decodeParams(params.get(q.name)!), o.iterations ?? 30),
      )
      db.exec(`DROP INDEX ${quoteIdent(c.index)}`)
      wanted.forEach((q, k) => {
        const b = before[k]!
        const a = after[k]!
        proposals.push({
          index: c.index,
          table: c.table,
          columns: c.columns,
          sql: c.sql,
          query: q.name,
          p95Before: b.p95,
          p95After: a.p95,
          speedup: b.p95 > 0 && a.p95 > 0 ? Number((b.p95 / a.p95).toPrecision(3)) : null,
          recommended: b.p95 >= 2 * a.p95 && b.p95 - a.p95 >= 0.5,
          planBefore: b.plan,
          planAfter: a.plan,
        })
      })
      await new Promise((r) => setImmediate(r))
    }
    return { proposals, scratch: relative(paths.root, scratch) }
  } finally {
    db.close()
    for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(scratch + suffix, { force: true })
  }
}
