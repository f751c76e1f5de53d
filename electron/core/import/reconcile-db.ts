// The database-level half of the reconciliation: every state.db table against its copy (count and
// a digest of every cell with its storage class, secrets scrubbed the same way), PRAGMA
// integrity_check, foreign_key_check split into violations state.db already had ("inherited") and
// new ones, and files imported earlier that are gone from the workspace (their rows are kept).
import { isMissingCollation } from '../sqlite/integrity'
import type Database from 'better-sqlite3'
import { quoteIdent } from '../sqlite/open'
import type { MemoryDb } from './memory-db'
import type { Difference, ForeignKeyViolation, ReconcileInput, TableCheck } from './reconcile'
import { scrubbedDigest } from './state-copy'
import { digestTable, tableShape } from './state-rows'

export function checkStateTables(i: ReconcileInput, differences: Difference[]): TableCheck[] {
  const stateTables: TableCheck[] = []
  if (i.src && i.srcSecond && i.schema) {
    for (const t of i.schema.tables) {
      const want = scrubbedDigest({ db: i.src, second: i.srcSecond }, t, i.scrub)
      const exists =
        (i.mem
          .prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?")
          .pluck()
          .get(t.name) as number) > 0
      const got = exists
        ? digestTable(i.mem, tableShape(i.mem, t.name, t.shape.rowid === null), i.memSecond)
        : { rows: 0, digest: Buffer.alloc(0) }
      const c = {
        table: t.name,
        expectedRows: want.rows,
        writtenRows: got.rows,
        digestMatch: want.digest.equals(got.digest),
        ok: false,
      }
      c.ok = c.digestMatch && c.expectedRows === c.writtenRows
      stateTables.push(c)
      if (!exists)
        differences.push({ table: t.name, what: 'state.db table missing from memory.db' })
      else if (!c.ok)
        differences.push({
          table: t.name,
          what: c.expectedRows !== c.writtenRows ? 'row count' : 'cell values differ (digest)',
          expected: c.expectedRows,
          actual: c.writtenRows,
        })
    }
  }
  return stateTables
}

/**
 * integrity_check of memory.db. "CHECK constraint failed in T" for a state.db table copied byte for
 * byte (digest equal) is state.db's own: SQLite keeps rows that break a CHECK (rows older than it,
 * or written with ignore_check_constraints) and the copy keeps them too; such lines are returned as
 * inherited, like foreign-key orphans, not counted as import differences.
 */
export function checkIntegrity(
  mem: MemoryDb,
  differences: Difference[],
  exactTables: ReadonlySet<string> = new Set(),
): string[] {
  const integrityCheck = (mem.pragma('integrity_check') as { integrity_check: string }[]).map(
    (r) => r.integrity_check,
  )
  const introduced = integrityCheck.filter((line) => {
    const m = /^CHECK constraint failed in (.+)$/.exec(line)
    return line !== 'ok' && !(m && exactTables.has(m[1]!))
  })
  if (introduced.length)
    differences.push({
      what: 'PRAGMA integrity_check of memory.db',
      expected: 'ok',
      actual: introduced.slice(0, 5).join('; '),
    })
  return integrityCheck.map((line) =>
    /^CHECK constraint failed in (.+)$/.test(line) && !introduced.includes(line)
      ? `${line} (inherited: state.db holds the same rows)`
      : line,
  )
}

function foreignKeyKeys(db: Database.Database): Map<string, ForeignKeyViolation> {
  const out = new Map<string, ForeignKeyViolation>()
  for (const r of db.prepare('PRAGMA foreign_key_check').safeIntegers(true).iterate() as Iterable<{
    table: string
    rowid: bigint | null
    parent: string
    fkid: bigint
  }>) {
    const v = {
      table: r.table,
      rowid: r.rowid === null ? null : r.rowid.toString(),
      parent: r.parent,
    }
    out.set(`${r.table}|${v.rowid}|${r.parent}|${r.fkid}`, v)
  }
  return out
}

export interface ForeignKeyReport {
  inherited: number
  introduced: ForeignKeyViolation[]
  inheritedByTable: { table: string; parent: string; rows: number }[]
  /** Why state.db's own foreign_key_check could not run (then memory.db's are all counted inherited). */
  sourceUnchecked?: string
}

export function checkForeignKeys(
  mem: MemoryDb,
  src: Database.Database | null,
  differences: Difference[],
): ForeignKeyReport {
  let inheritedKeys = new Map<string, ForeignKeyViolation>()
  let sourceUnchecked: string | undefined
  try {
    if (src) inheritedKeys = foreignKeyKeys(src)
  } catch (err) {
    if (!isMissingCollation(err)) throw err
    // The rows were copied byte for byte (digests compared above); what differs is only that
    // memory.db compares the collated keys by bytes, so none of its orphans is the import's doing.
    sourceUnchecked = `state.db's foreign_key_check needs a collation only its application defines (${(err as Error).message}); memory.db compares those keys by bytes, so its orphans are counted as inherited`
  }
  const inherited: ForeignKeyViolation[] = []
  const introduced: ForeignKeyViolation[] = []
  for (const [k, v] of foreignKeyKeys(mem))
    (sourceUnchecked || inheritedKeys.has(k) ? inherited : introduced).push(v)
  for (const v of introduced.slice(0, 20))
    differences.push({
      table: v.table,
      what: `foreign key violation not present in state.db (row ${v.rowid} → ${v.parent})`,
    })
  const byTable = new Map<string, { table: string; parent: string; rows: number }>()
  for (const v of inherited) {
    const k = `${v.table}→${v.parent}`
    const x = byTable.get(k) ?? { table: v.table, parent: v.parent, rows: 0 }
    x.rows++
    byTable.set(k, x)
  }
  return {
    inherited: inherited.length,
    introduced,
    inheritedByTable: [...byTable.values()],
    ...(sourceUnchecked ? { sourceUnchecked } : {}),
  }
}

const TABLE_OF_IMPORTER: Record<string, string> = {
  log: 'file_events',
  config: 'file_configurations',
  context: 'file_context_sessions',
}

/** Ledger rows whose file is no longer in the workspace, with the rows kept from them. */
export function goneSources(mem: MemoryDb, present: Set<string>): { path: string; rows: number }[] {
  const all = mem
    .prepare('SELECT path, path_hex AS hex, importer, file_id AS id FROM import_files')
    .all() as { path: string; hex: string; importer: string; id: number }[]
  return all
    .filter((r) => !present.has(r.hex))
    .map((r) => ({
      path: r.path,
      rows: mem
        .prepare(
          `SELECT count(*) FROM ${quoteIdent(TABLE_OF_IMPORTER[r.importer] ?? 'file_events')} WHERE file_id = ?`,
        )
        .pluck()
        .get(r.id) as number,
    }))
}
