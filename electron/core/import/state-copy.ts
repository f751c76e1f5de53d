// state.db → memory.db (the plan's migrate_existing_state_db): every table with its original
// CREATE statement and every row with its exact values and storage classes, then its indexes,
// triggers and views. A table whose content and schema did not change since the last run is left
// alone; one that changed is copied again whole. Known secret values are scrubbed from cells on the
// way (counted per table and recorded in import_redactions), so none reaches memory.db.
import { createHash } from 'node:crypto'
import type Database from 'better-sqlite3'
import { FerryError } from '../../../shared/contract/envelope'
import { quoteIdent } from '../sqlite/open'
import { ownRows } from '../sqlite/virtual-module'
import { appCollations } from '../sqlite/integrity'
import { tokenize } from '../pgmigrate/sql-expr'
import { FERRY_TABLES, type MemoryDb } from './memory-db'
import type { Scrubber } from './secrets'
import {
  digestRow,
  digestTable,
  type ExactRow,
  insertParams,
  insertSql,
  iterateTable,
  type TableShape,
  tableShape,
} from './state-rows'

export interface StateTable {
  name: string
  sql: string
  shape: TableShape
}

export interface StateSchema {
  encoding: string
  tables: StateTable[]
  /** Indexes, triggers and views, with their SQL. */
  others: { type: string; name: string; tblName: string; sql: string }[]
  skipped: { name: string; reason: string }[]
  /** What was adapted on the way, e.g. a collation only state.db's application defines. */
  notes: { name: string; note: string }[]
}

export function readStateSchema(src: Database.Database): StateSchema {
  const encoding = String(src.pragma('encoding', { simple: true }))
  const list = src
    .prepare("SELECT name, type, wr FROM pragma_table_list WHERE schema = 'main'")
    .all() as { name: string; type: string; wr: number }[]
  const sqlOf = new Map(
    (
      src.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'table'").all() as {
        name: string
        sql: string | null
      }[]
    ).map((r) => [r.name, r.sql]),
  )
  const tables: StateTable[] = []
  const skipped: StateSchema['skipped'] = []
  const notes: StateSchema['notes'] = []
  // A collation state.db's application registers at run time cannot be created in memory.db (nor
  // registered by Ferry): such columns and indexes compare by bytes (BINARY) there, values exact.
  const foreign = new Set(appCollations(src).map((c) => c.toLowerCase()))
  const adapt = (name: string, sql: string): string => {
    const r = replaceCollations(sql, foreign)
    if (r !== sql)
      notes.push({
        name,
        note: `COLLATE ${[...foreign].join(', ')} (defined only by state.db's application) became COLLATE BINARY in memory.db: the values are copied exactly; comparisons on them are by bytes`,
      })
    return r
  }
  for (const t of list) {
    if (t.name.startsWith('sqlite_')) continue
    if (t.type === 'virtual') {
      // An FTS table's text and an R*Tree's rows are data: the table is created again from its
      // SQL and its rows inserted (the module rebuilds its index); other kinds are listed.
      const sql = sqlOf.get(t.name) ?? null
      const kind = ownRows(sql)
      const readable = kind.own && sql !== null && canRead(src, t.name)
      if (readable)
        tables.push({
          name: t.name,
          sql: adapt(t.name, sql),
          shape: tableShape(src, t.name, false),
        })
      else
        skipped.push({
          name: t.name,
          reason: kind.own
            ? `a virtual table (${kind.module}) that cannot be read here: not copied`
            : `a virtual table (${kind.why}): not copied; it holds no rows of its own to copy`,
        })
    } else if (t.type === 'shadow')
      skipped.push({
        name: t.name,
        reason: 'a shadow table of a virtual table: not copied with it',
      })
    else if (t.type === 'table') {
      const sql = sqlOf.get(t.name)
      if (!sql) skipped.push({ name: t.name, reason: 'no CREATE statement in sqlite_schema' })
      else
        tables.push({
          name: t.name,
          sql: adapt(t.name, sql),
          shape: tableShape(src, t.name, t.wr === 1),
        })
    }
  }
  const names = new Set(tables.map((t) => t.name))
  const others = (
    src
      .prepare(
        "SELECT type, name, tbl_name AS tblName, sql FROM sqlite_schema WHERE type IN ('index', 'trigger', 'view') AND sql IS NOT NULL ORDER BY rowid",
      )
      .all() as StateSchema['others']
  )
    .filter((o) => o.type === 'view' || names.has(o.tblName))
    .map((o) => ({ ...o, sql: adapt(o.name, o.sql) }))
  return { encoding, tables, others, skipped, notes }
}

/** `sql` with `COLLATE name` → `COLLATE BINARY` for each name in `names` (lower-cased). */
export function replaceCollations(sql: string, names: ReadonlySet<string>): string {
  if (!names.size) return sql
  let toks: ReturnType<typeof tokenize>
  try {
    toks = tokenize(sql)
  } catch {
    return sql // not tokenizable: left as it is (creating it reports the problem)
  }
  let out = ''
  let at = 0
  toks.forEach((t, i) => {
    const prev = toks[i - 1]
    if (prev?.k === 'id' && prev.v.toUpperCase() === 'COLLATE' && names.has(t.v.toLowerCase())) {
      out += `${sql.slice(at, t.start)}BINARY`
      at = t.end
    }
  })
  return out + sql.slice(at)
}

function canRead(src: Database.Database, name: string): boolean {
  try {
    src
      .prepare(`SELECT count(*) FROM ${quoteIdent(name)}`)
      .pluck()
      .get()
    return true
  } catch {
    return false
  }
}

export interface StateTableResult {
  table: string
  rows: number
  action: 'copied' | 'unchanged'
  redactions: number
  digest: string
}

export interface CopyHooks {
  batchRows: number
  /** Between batches: cancellation, fault points, progress. */
  between: (rowsDone: number) => Promise<void>
  now: () => string
}

function scrubRow(
  row: ExactRow,
  scrub: Scrubber,
): { row: ExactRow; hits: { col: number; hits: number }[] } {
  if (scrub.size === 0) return { row, hits: [] }
  const hits: { col: number; hits: number }[] = []
  const cells = row.cells.map((v, col) => {
    if (typeof v !== 'string' && !Buffer.isBuffer(v)) return v
    const r = typeof v === 'string' ? scrub.text(v) : scrub.buffer(v)
    if (r.hits > 0) hits.push({ col, hits: r.hits })
    return r.value
  })
  return { row: hits.length ? { ...row, cells } : row, hits }
}

/** Digest of a state.db table as memory.db would hold it (secrets scrubbed). */
export function scrubbedDigest(
  src: SourceDb,
  t: StateTable,
  scrub: Scrubber,
): { rows: number; digest: Buffer } {
  const h = createHash('sha256')
  let rows = 0
  for (const raw of iterateTable(src.db, t.shape, src.second)) {
    digestRow(h, scrubRow(raw, scrub).row)
    rows++
  }
  return { rows, digest: h.digest() }
}

/** A source database and a second connection to it (for re-reading a cell while iterating). */
export interface SourceDb {
  db: Database.Database
  second: Database.Database
}

async function copyTable(
  src: SourceDb,
  mem: MemoryDb,
  t: StateTable,
  scrub: Scrubber,
  hooks: CopyHooks,
): Promise<StateTableResult> {
  mem.exec(`DROP TABLE IF EXISTS ${quoteIdent(t.name)}`)
  mem.exec(t.sql)
  mem.prepare('DELETE FROM import_redactions WHERE table_name = ?').run(t.name)
  const insert = mem.prepare(insertSql(t.shape))
  const redact = mem.prepare(
    'INSERT OR REPLACE INTO import_redactions (table_name, row_key, column_name, hits) VALUES (?, ?, ?, ?)',
  )
  const h = createHash('sha256')
  let rows = 0
  let redactions = 0
  const it = iterateTable(src.db, t.shape, src.second)
  let batch: ExactRow[] = []
  const write = mem.transaction((list: ExactRow[]) => {
    for (const raw of list) {
      const { row, hits } = scrubRow(raw, scrub)
      insert.run(...insertParams(row))
      digestRow(h, row)
      for (const x of hits) {
        redactions += x.hits
        redact.run(
          t.name,
          row.rowid !== null ? row.rowid.toString() : `#${rows}`,
          t.shape.columns[x.col] ?? '?',
          x.hits,
        )
      }
      rows++
    }
  })
  for (let next = it.next(); ; next = it.next()) {
    if (!next.done) batch.push(next.value)
    if (batch.length >= hooks.batchRows || (next.done && batch.length)) {
      write(batch)
      batch = []
      await hooks.between(rows)
    }
    if (next.done) break
  }
  const digest = h.digest()
  mem
    .prepare(
      'INSERT OR REPLACE INTO import_state_tables (table_name, create_sql, rows, digest, redactions, imported_at) VALUES (?, ?, ?, ?, ?, ?)',
    )
    .run(t.name, t.sql, rows, digest, redactions, hooks.now())
  return { table: t.name, rows, action: 'copied', redactions, digest: digest.toString('hex') }
}

/**
 * memory.db's copies of state.db's tables must still be what the last import wrote: once agents
 * write to memory.db (the agent store, Phase 4), importing state.db again would overwrite their
 * rows. Checked before the import writes anything (run.ts), by the digest it recorded per table.
 */
export function refuseWrittenSince(mem: MemoryDb, schema: StateSchema): void {
  const prevOf = mem.prepare(
    'SELECT create_sql AS sql, rows, digest FROM import_state_tables WHERE table_name = ?',
  )
  const memSql = mem
    .prepare("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?")
    .pluck()
  const written: string[] = []
  for (const t of schema.tables) {
    const prev = prevOf.get(t.name) as { sql: string; rows: number; digest: Buffer } | undefined
    if (!prev || memSql.get(t.name) !== prev.sql) continue
    const now = digestTable(mem, tableShape(mem, t.name, t.shape.rowid === null))
    if (!now.digest.equals(prev.digest))
      written.push(
        `${t.name} (${prev.rows.toLocaleString('en-US')} rows imported, ${now.rows.toLocaleString('en-US')} now${now.rows === prev.rows ? ', values changed' : ''})`,
      )
  }
  if (written.length)
    throw new FerryError(
      'MEMORY_DB_CHANGED',
      `memory.db was written to since Phase 2 imported state.db into it: ${written.join(', ')}. Importing state.db again would overwrite those writes, so nothing was imported`,
      'Agents writing through the agent store (Phase 4) make memory.db the live store: keep it, and carry its changes to PostgreSQL with p3.migrate (a delta sync). To build memory.db from state.db again anyway, move .claude/memory.db aside first (the backup taken before this step holds it too).',
    )
}

export async function copyStateTables(
  src: SourceDb,
  mem: MemoryDb,
  schema: StateSchema,
  scrub: Scrubber,
  hooks: CopyHooks,
): Promise<StateTableResult[]> {
  // memory.db is created in state.db's encoding (memory-db.ts), so text bytes copy as they are;
  // one built earlier in another encoding could not take them unchanged.
  const memEncoding = String(mem.pragma('encoding', { simple: true }))
  if (schema.encoding.toUpperCase() !== memEncoding.toUpperCase()) {
    throw new FerryError(
      'STATE_DB_ENCODING',
      `state.db stores text as ${schema.encoding} but memory.db was built as ${memEncoding}, so its text could not be copied byte for byte`,
      "Nothing was copied from state.db. Move .claude/memory.db aside (Ferry builds a new one in state.db's encoding), then run the import again.",
    )
  }
  const clash = schema.tables.find((t) => (FERRY_TABLES as readonly string[]).includes(t.name))
  if (clash)
    throw new FerryError(
      'TABLE_NAME_CLASH',
      `state.db has a table named ${clash.name}, which memory.db uses for the file imports`,
      'Rename that table in a copy of state.db, or report the clash; nothing was imported from state.db.',
    )
  // Rows state.db holds are copied as they are, including any that break a CHECK (SQLite allows
  // them: rows from before the CHECK, or written with ignore_check_constraints): the copy is exact
  // and refusing them would lose them; the pre-flight of Phase 3 lists such rows.
  mem.pragma('ignore_check_constraints = ON')
  try {
    const out: StateTableResult[] = []
    const memSql = mem
      .prepare("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?")
      .pluck()
    const prevOf = mem.prepare(
      'SELECT create_sql AS sql, rows, digest FROM import_state_tables WHERE table_name = ?',
    )
    for (const t of schema.tables) {
      const prev = prevOf.get(t.name) as { sql: string; rows: number; digest: Buffer } | undefined
      if (prev && prev.sql === t.sql && memSql.get(t.name) === t.sql) {
        const now = scrubbedDigest(src, t, scrub)
        if (now.digest.equals(prev.digest)) {
          const redactions =
            (mem
              .prepare('SELECT coalesce(sum(hits), 0) FROM import_redactions WHERE table_name = ?')
              .pluck()
              .get(t.name) as number) ?? 0
          out.push({
            table: t.name,
            rows: now.rows,
            action: 'unchanged',
            redactions,
            digest: now.digest.toString('hex'),
          })
          await hooks.between(now.rows)
          continue
        }
      }
      out.push(await copyTable(src, mem, t, scrub, hooks))
    }
    syncSchemaObjects(mem, schema)
    copySequence(src.db, mem)
    return out
  } finally {
    mem.pragma('ignore_check_constraints = OFF')
  }
}

/** Indexes, triggers and views as state.db has them now (created after the rows: faster). */
function syncSchemaObjects(mem: MemoryDb, schema: StateSchema): void {
  const ours = new Set([
    'idx_file_events_agent_id',
    'idx_file_context_sessions_agent_id',
    'idx_file_configurations_agent_id',
  ])
  const have = mem
    .prepare(
      "SELECT type, name, tbl_name AS tblName, sql FROM sqlite_schema WHERE type IN ('index', 'trigger', 'view') AND sql IS NOT NULL",
    )
    .all() as StateSchema['others']
  const want = new Map(schema.others.map((o) => [o.name, o]))
  const drop = (o: { type: string; name: string }): void => {
    mem.exec(`DROP ${o.type.toUpperCase()} IF EXISTS ${quoteIdent(o.name)}`)
  }
  mem.transaction(() => {
    for (const o of have) {
      if (ours.has(o.name) || (FERRY_TABLES as readonly string[]).includes(o.tblName)) continue
      const w = want.get(o.name)
      if (!w || w.sql !== o.sql) drop(o)
    }
    const now = new Set(
      mem
        .prepare("SELECT name FROM sqlite_schema WHERE type IN ('index', 'trigger', 'view')")
        .pluck()
        .all() as string[],
    )
    for (const o of schema.others) if (!now.has(o.name)) mem.exec(o.sql)
  })()
}

/** AUTOINCREMENT high-water marks: SQLite sets them from the copied rows, state.db's may be higher. */
function copySequence(src: Database.Database, mem: MemoryDb): void {
  const has = (db: Database.Database): boolean =>
    (db
      .prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_sequence'")
      .pluck()
      .get() as number) > 0
  if (!has(src) || !has(mem)) return
  const rows = src.prepare('SELECT name, seq FROM sqlite_sequence').safeIntegers(true).all() as {
    name: string
    seq: bigint
  }[]
  const update = mem.prepare('UPDATE sqlite_sequence SET seq = ? WHERE name = ?')
  const insert = mem.prepare('INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)')
  mem.transaction(() => {
    for (const r of rows) if (update.run(r.seq, r.name).changes === 0) insert.run(r.name, r.seq)
  })()
}
