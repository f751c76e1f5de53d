// Where the concurrency test writes: never the user's data. SQLite: a copy of memory.db made with
// the online backup API under .ferry/p4-concurrency/. PostgreSQL: a scratch schema on the target
// holding copies of the agent tables (LIKE … INCLUDING ALL: columns, defaults, identity, indexes;
// CHECKs re-added NOT VALID; foreign keys are not copied), with each identity moved past the copied ids.
import { mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { PgDialect } from '../agent-store/postgres'
import { SqlAgentStore } from '../agent-store/sql-store'
import { SqliteDialect } from '../agent-store/sqlite'
import { FerryError } from '../../../shared/contract/envelope'
import type { WorkspacePaths } from '../workspace/resolve'

export const SANDBOX_SCHEMA = 'ferry_p4_concurrency'
export const AGENT_TABLES = ['agents', 'tasks', 'agent_messages', 'context_sessions', 'memory_snapshots', 'configurations', 'events'] as const
const qi = (s: string): string => pg.escapeIdentifier(s)

export function sqliteCopyPath(paths: WorkspacePaths): string {
  return join(paths.ferryDir, 'p4-concurrency', 'memory-copy.db')
}

export async function copyMemoryDb(source: string, dest: string): Promise<{ bytes: number }> {
  mkdirSync(join(dest, '..'), { recursive: true })
  for (const f of [dest, `${dest}-wal`, `${dest}-shm`]) rmSync(f, { force: true })
  const db = new Database(source, { readonly: true, fileMustExist: true })
  try {
    const r = await db.backup(dest)
    return { bytes: r.totalPages * (db.pragma('page_size', { simple: true }) as number) }
  } finally {
    db.close()
  }
}

/** The agent_type new simulated agents get: one the data already has (a CHECK may list them). */
export function existingAgentType(file: string): string {
  const db = new Database(file, { readonly: true, fileMustExist: true })
  try {
    const r = db.prepare(`SELECT "agent_type" AS t FROM "agents" GROUP BY "agent_type" ORDER BY count(*) DESC LIMIT 1`).get() as { t: string } | undefined
    return r?.t ?? 'agent'
  } finally {
    db.close()
  }
}

export async function createPgSandbox(url: string, from: string): Promise<{ rows: Record<string, number> }> {
  const c = new pg.Client({ connectionString: url, application_name: 'ferry-concurrency-setup' })
  c.on('error', () => undefined)
  await c.connect()
  const rows: Record<string, number> = {}
  try {
    const present = await c.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1`, [from])
    const have = new Set(present.rows.map((r: { table_name: string }) => r.table_name))
    const missing = AGENT_TABLES.filter((t) => !have.has(t))
    if (missing.length) {
      throw new FerryError('NO_AGENT_MEMORY', `Schema "${from}" on the target lacks ${missing.join(', ')}`, 'Run p3.migrate first.')
    }
    await c.query(`DROP SCHEMA IF EXISTS ${qi(SANDBOX_SCHEMA)} CASCADE`)
    await c.query(`CREATE SCHEMA ${qi(SANDBOX_SCHEMA)}`)
    for (const t of AGENT_TABLES) {
      await c.query(`CREATE TABLE ${qi(SANDBOX_SCHEMA)}.${qi(t)} (LIKE ${qi(from)}.${qi(t)} INCLUDING ALL EXCLUDING CONSTRAINTS)`)
      const r = await c.query(`INSERT INTO ${qi(SANDBOX_SCHEMA)}.${qi(t)} SELECT * FROM ${qi(from)}.${qi(t)}`)
      rows[t] = r.rowCount ?? 0
      // CHECKs after the copy, NOT VALID: new rows are checked as on the real schema, while rows
      // the real schema also holds unchecked (a CHECK added NOT VALID by p3.migrate) still copy.
      const checks = await c.query(
        `SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'c'`,
        [`${qi(from)}.${qi(t)}`],
      )
      for (const ck of checks.rows as { conname: string; def: string }[]) {
        const def = ck.def.replace(/\s+NOT VALID$/, '')
        await c.query(`ALTER TABLE ${qi(SANDBOX_SCHEMA)}.${qi(t)} ADD CONSTRAINT ${qi(ck.conname)} ${def} NOT VALID`)
      }
      const ids = await c.query(
        `SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 AND is_identity = 'YES'`,
        [SANDBOX_SCHEMA, t],
      )
      for (const { column_name: col } of ids.rows as { column_name: string }[]) {
        await c.query(
          `SELECT setval(pg_get_serial_sequence($1, $2), coalesce((SELECT max(${qi(col)}) FROM ${qi(SANDBOX_SCHEMA)}.${qi(t)}), 0) + 1, false)`,
          [`${qi(SANDBOX_SCHEMA)}.${qi(t)}`, col],
        )
      }
      await c.query(`ANALYZE ${qi(SANDBOX_SCHEMA)}.${qi(t)}`)
    }
    return { rows }
  } finally {
    await c.end().catch(() => undefined)
  }
}

export async function dropPgSandbox(url: string): Promise<void> {
  const c = new pg.Client({ connectionString: url, application_name: 'ferry-concurrency-setup' })
  c.on('error', () => undefined)
  await c.connect()
  try {
    await c.query(`DROP SCHEMA IF EXISTS ${qi(SANDBOX_SCHEMA)} CASCADE`)
  } finally {
    await c.end().catch(() => undefined)
  }
}

/** Registers the simulated agents (and the store's ledger) before any run starts: one connection. */
export async function registerAgents(
  names: string[],
  agentType: string,
  where: { backend: 'sqlite'; file: string } | { backend: 'postgres'; url: string; schema: string },
): Promise<void> {
  const d =
    where.backend === 'sqlite'
      ? new SqliteDialect({ file: where.file })
      : new PgDialect({ url: where.url, schema: where.schema, poolMax: 1, applicationName: 'ferry-concurrency-setup' })
  try {
    await d.ensureLedger()
    for (const name of names) await new SqlAgentStore(name, d).ensureAgent(agentType)
  } finally {
    await d.close()
  }
}
