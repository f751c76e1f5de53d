// The tables and columns the agent store reads and writes: those of the plan's agent memory
// (state.db's agents, events, agent_messages, tasks, context_sessions, memory_snapshots,
// configurations, as memory.db and agent_memory carry them). A workspace whose state.db has
// another shape still migrates as it is (p2, p3), but the store cannot serve all of its agents'
// operations: p4.agent-code checks up front and names every missing table and column, and an
// operation that meets one gets the same list instead of the database's bare "no such column".
import { FerryError } from '../../../shared/contract/envelope'
import { PLAN_CHECKS } from '../sqlite/profile-keys'
import type { Dialect } from './dialect'
import { SqliteDialect } from './sqlite'

export const STORE_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  agents: ['agent_id', 'agent_type', 'status', 'created_at', 'last_activity'],
  events: ['event_id', 'agent_id', 'event_type', 'level', 'message', 'payload', 'created_at'],
  agent_messages: [
    'message_id',
    'from_agent',
    'to_agent',
    'message_type',
    'subject',
    'body',
    'payload',
    'is_read',
    'created_at',
    'read_at',
  ],
  tasks: [
    'task_id',
    'agent_id',
    'parent_task_id',
    'title',
    'description',
    'status',
    'priority',
    'payload',
    'created_at',
    'updated_at',
    'completed_at',
  ],
  context_sessions: [
    'session_id',
    'agent_id',
    'title',
    'status',
    'token_count',
    'started_at',
    'ended_at',
    'summary',
    'metadata',
  ],
  memory_snapshots: [
    'snapshot_id',
    'session_id',
    'snapshot_type',
    'content',
    'content_size',
    'checksum',
    'is_pinned',
    'created_at',
  ],
  configurations: [
    'config_id',
    'agent_id',
    'config_key',
    'config_value',
    'is_secret',
    'updated_at',
  ],
}

/** The store's tables present in the database, with their columns (lower-cased on SQLite). */
export async function storeColumns(
  d: Dialect,
  pgSchema?: string,
): Promise<Map<string, Set<string>>> {
  const have = new Map<string, Set<string>>()
  if (d.name === 'sqlite') {
    // SQLite matches column names without regard to case; so does the store's SQL there.
    for (const t of Object.keys(STORE_COLUMNS)) {
      const rows = await d.read('SELECT "name" FROM pragma_table_info(?)', [t])
      if (rows.length) have.set(t, new Set(rows.map((r) => String(r.name).toLowerCase())))
    }
  } else {
    const rows = await d.read(
      'SELECT "table_name", "column_name" FROM information_schema.columns WHERE "table_schema" = ?',
      [pgSchema],
    )
    for (const r of rows) {
      const t = String(r.table_name)
      if (!(t in STORE_COLUMNS)) continue
      let cols = have.get(t)
      if (!cols) have.set(t, (cols = new Set()))
      cols.add(String(r.column_name))
    }
  }
  return have
}

/** What the database lacks, one entry per table: `no table "tasks"`, `"agents" lacks agent_type`. */
export async function storeSchemaGaps(d: Dialect, pgSchema?: string): Promise<string[]> {
  const have = await storeColumns(d, pgSchema)
  const gaps: string[] = []
  for (const [t, cols] of Object.entries(STORE_COLUMNS)) {
    const found = have.get(t)
    if (!found) gaps.push(`no table "${t}"`)
    else {
      const missing = cols.filter((c) => !found.has(c))
      if (missing.length) gaps.push(`"${t}" lacks ${missing.join(', ')}`)
    }
  }
  return gaps
}

/** Throws AGENT_STORE_SCHEMA naming every gap; `where` names the database (".claude/memory.db"). */
export async function checkStoreSchema(
  d: Dialect,
  where: string,
  pgSchema?: string,
): Promise<void> {
  const gaps = await storeSchemaGaps(d, pgSchema)
  if (gaps.length) throw gapError(where, gaps)
}

/** checkStoreSchema on a SQLite file: a copy of memory.db, never the user's own (opening it may write). */
export async function checkStoreSchemaOf(copy: string, where: string): Promise<void> {
  const d = new SqliteDialect({ file: copy })
  try {
    await checkStoreSchema(d, where)
  } finally {
    await d.close()
  }
}

/** A missing table or column met by an operation: AGENT_STORE_SCHEMA with every gap; else `err`. */
export async function schemaError(d: Dialect, err: unknown, pgSchema?: string): Promise<unknown> {
  const e = err as { code?: string; message?: string; constraint?: string; table?: string }
  const refused = await checkRefusal(d, e, pgSchema)
  if (refused) return refused
  const missing =
    d.name === 'sqlite'
      ? e.code === 'SQLITE_ERROR' &&
        /no such (table|column)|has no column named/i.test(e.message ?? '')
      : e.code === '42P01' || e.code === '42703'
  if (!missing) return err
  const gaps = await storeSchemaGaps(d, pgSchema).catch(() => [] as string[])
  if (!gaps.length) return err
  const where = d.name === 'sqlite' ? 'The SQLite database' : `Schema "${pgSchema}"`
  return gapError(where, gaps, e.message)
}

/**
 * A value a CHECK constraint refuses (the plan's agents.agent_type and agents.status lists are
 * CHECKs on PostgreSQL): named with the constraint's definition, instead of the server's bare
 * 23514 or SQLite's "CHECK constraint failed". An agent moved to PostgreSQL meets them first.
 */
async function checkRefusal(
  d: Dialect,
  e: { code?: string; message?: string; constraint?: string; table?: string },
  pgSchema?: string,
): Promise<FerryError | null> {
  let name: string | null = null
  let definition: string | null = null
  if (d.name === 'postgres' && e.code === '23514' && e.constraint) {
    name = e.constraint
    const rows = await d
      .read(
        'SELECT pg_get_constraintdef(c.oid) AS "def" FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE c.conname = ? AND n.nspname = ?',
        [name, pgSchema],
      )
      .catch(() => [])
    definition = rows[0] ? String(rows[0].def) : null
  } else if (d.name === 'sqlite' && /^SQLITE_CONSTRAINT_CHECK$/.test(e.code ?? '')) {
    name = /CHECK constraint failed: (.+)$/.exec(e.message ?? '')?.[1] ?? 'a CHECK constraint'
  }
  if (!name) return null
  return new FerryError(
    'AGENT_STORE_VALUE_REFUSED',
    `The ${d.name === 'sqlite' ? 'SQLite database' : `schema "${pgSchema}"`} refused a value the agent store wrote: ${name}${definition ? ` ${definition}` : ''}${e.table ? ` on table "${e.table}"` : ''}`,
    `Write a value the constraint allows — for agents.agent_type and agents.status, one of the plan's lists (ensureAgent(agentType) takes the agent's type: ${PLAN_CHECKS.find((c) => c.column === 'agent_type')!.allowed.join(', ')}).`,
  )
}

function gapError(where: string, gaps: string[], cause?: string): FerryError {
  const tables = Object.keys(STORE_COLUMNS)
  // None of them at all: a workspace whose memory was files only (no state.db), or another app's.
  const none = gaps.length === tables.length && gaps.every((g) => g.startsWith('no table'))
  return new FerryError(
    'AGENT_STORE_SCHEMA',
    none
      ? `${where} has none of the tables the agent store reads and writes (${tables.join(', ')}): its data came from files only (no state.db) or from a database of another shape${cause ? ` (${cause})` : ''}`
      : `${where} does not have the agent tables the agent store reads and writes: ${gaps.join('; ')}${cause ? ` (${cause})` : ''}`,
    none
      ? "This workspace's data still migrates as it is (p2 imported its files into file_* tables, p3 carried them to PostgreSQL). The agent store speaks the plan's agent memory schema: to move agents onto it, give the workspace a .claude/state.db with those tables (the plan's schema) and run p2 and p3 again; or keep these agents on their own code."
      : "The agent store speaks the plan's agent memory schema (agents, events, agent_messages, tasks, context_sessions, memory_snapshots, configurations). This workspace's data still migrates as it is; to move its agents onto the store, add the missing tables or columns to state.db with a migration (ferry migrations) and run p2 and p3 again, or keep these agents on their own code.",
  )
}
