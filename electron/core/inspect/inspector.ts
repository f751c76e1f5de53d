// The table inspector's sources for one backend: the workspace's state.db and memory.db (read-only
// handles, reopened when the file is replaced, e.g. by a restore) and each schema of the
// PostgreSQL target through one small pool ('ferry-inspect') created on first use.
import type Database from 'better-sqlite3'
import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import { z } from 'zod'
import { FerryError } from '../../../shared/contract/envelope'
import type {
  CellValue,
  CountResult,
  ExplainResult,
  HistoryEntry,
  PageRequest,
  PageResult,
  SourceInfo,
  SqlResult,
  TableInfo,
  ViewRef,
} from '../../../shared/contract/inspect'
import type { Evidence, StepState, TargetStatus } from '../../../shared/contract/types'
import { redactSecrets, secretsInUrl } from '../postgres/redact'
import type { WorkspacePaths } from '../workspace/resolve'
import { explainPg, explainSqlite, runPg, runSqlite } from './console'
import { appendHistory, readHistory } from './history'
import { Pager } from './page'
import { PgSource } from './pg-source'
import { openInspectDb, SqliteSource } from './sqlite-source'

export interface InspectorDeps {
  paths(): WorkspacePaths | null
  targetStatus(): TargetStatus
  targetUrl(): Promise<string>
  log?(level: 'warn', message: string): void
  /** A step's state from the journal (p3.migrate's evidence gives each table's last migration). */
  stepState?(stepId: string): StepState | null
}

interface SqliteEntry {
  file: string
  ino: number
  source: SqliteSource
  pager: Pager
  console: Database.Database | null
}

type Resolved =
  | { kind: 'sqlite'; entry: SqliteEntry; label: string }
  | { kind: 'pg'; source: PgSource; pager: Pager; schema: string; label: string }

export class Inspector {
  private sqlite = new Map<string, SqliteEntry>()
  private pool: { url: string; pool: pg.Pool } | null = null
  private pgSources = new Map<string, { source: PgSource; pager: Pager }>()

  constructor(private readonly deps: InspectorDeps) {}

  private files(): { id: string; label: string; file: string }[] {
    const p = this.deps.paths()
    if (!p)
      throw new FerryError(
        'NO_WORKSPACE',
        'No workspace is open',
        'Open a folder that contains .claude/, or create the demo workspace.',
      )
    return [
      { id: 'state', label: 'state.db', file: p.stateDb },
      { id: 'memory', label: 'memory.db', file: join(p.claudeDir, 'memory.db') },
    ]
  }

  async sources(): Promise<SourceInfo[]> {
    const out: SourceInfo[] = this.files().map((f) => ({
      id: f.id,
      kind: 'sqlite',
      label: f.label,
      location: f.file,
      available: existsSync(f.file),
      note: existsSync(f.file)
        ? null
        : f.id === 'memory'
          ? 'Not built yet: Phase 2 builds it.'
          : 'The file does not exist.',
    }))
    const target = this.deps.targetStatus()
    if (target.state !== 'connected') {
      out.push({
        id: 'pg',
        kind: 'postgres',
        label: 'PostgreSQL target',
        location: target.display,
        available: false,
        note: 'Not connected: connect the target in Settings to browse it.',
      })
      return out
    }
    let r: pg.QueryResult<{ nspname: string }>
    try {
      r = await (
        await this.getPool()
      ).query<{ nspname: string }>(
        `SELECT n.nspname FROM pg_namespace n
          WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
            AND EXISTS (SELECT 1 FROM pg_class c WHERE c.relnamespace = n.oid AND c.relkind IN ('r', 'p'))
          ORDER BY n.nspname = 'agent_memory' DESC, n.nspname`,
      )
    } catch (err) {
      // The files stay browsable when the target cannot be read.
      const message = redactSecrets((err as Error).message, secretsInUrl(this.pool?.url ?? ''))
      out.push({
        id: 'pg',
        kind: 'postgres',
        label: 'PostgreSQL target',
        location: target.display,
        available: false,
        note: `Cannot list its schemas: ${message}`,
      })
      return out
    }
    for (const row of r.rows) {
      out.push({
        id: `pg:${row.nspname}`,
        kind: 'postgres',
        label: `PostgreSQL · ${row.nspname}`,
        location: target.display,
        available: true,
        note: null,
      })
    }
    return out
  }

  private async getPool(): Promise<pg.Pool> {
    const url = await this.deps.targetUrl()
    if (this.pool?.url === url) return this.pool.pool
    if (this.pool) void this.pool.pool.end().catch(() => undefined)
    this.pgSources.clear()
    const pool = new pg.Pool({
      connectionString: url,
      max: 3,
      application_name: 'ferry-inspect',
      connectionTimeoutMillis: 10_000,
      idleTimeoutMillis: 30_000,
      statement_timeout: 30_000,
      options: '-c TimeZone=UTC -c DateStyle=ISO -c extra_float_digits=1',
      // Every value as the server's text: nothing is rounded or reinterpreted on the way.
      types: { getTypeParser: () => (v: string) => v },
    })
    pool.on('error', (err) =>
      this.deps.log?.(
        'warn',
        `An idle inspector connection failed: ${redactSecrets(err.message, secretsInUrl(url))}`,
      ),
    )
    this.pool = { url, pool }
    return pool
  }

  private async resolve(id: string): Promise<Resolved> {
    if (id.startsWith('pg:')) {
      const schema = id.slice(3)
      const pool = await this.getPool()
      let s = this.pgSources.get(schema)
      if (!s) {
        const source = new PgSource(pool, schema)
        s = { source, pager: new Pager(source) }
        this.pgSources.set(schema, s)
      }
      return { kind: 'pg', ...s, schema, label: `schema "${schema}" on the target` }
    }
    const f = this.files().find((x) => x.id === id)
    if (!f)
      throw new FerryError(
        'NO_SUCH_SOURCE',
        `There is no source "${id}".`,
        'Pick state.db, memory.db or a schema of the target.',
      )
    if (!existsSync(f.file))
      throw new FerryError(
        'SOURCE_MISSING',
        `${f.file} does not exist.`,
        f.id === 'memory'
          ? 'Run Phase 2 to build memory.db.'
          : 'Open a workspace that has .claude/state.db.',
      )
    const ino = statSync(f.file).ino
    let entry = this.sqlite.get(id)
    if (entry && (entry.file !== f.file || entry.ino !== ino)) {
      this.closeEntry(entry)
      entry = undefined
    }
    if (!entry) {
      const source = new SqliteSource(f.file)
      entry = { file: f.file, ino, source, pager: new Pager(source), console: null }
      this.sqlite.set(id, entry)
    }
    return { kind: 'sqlite', entry, label: f.file }
  }

  private pagerOf(r: Resolved): Pager {
    return r.kind === 'sqlite' ? r.entry.pager : r.pager
  }

  async tables(source: string): Promise<TableInfo[]> {
    const r = await this.resolve(source)
    const list = r.kind === 'sqlite' ? await r.entry.source.tables() : await r.source.tables()
    const side =
      source === 'memory' ? 'table' : source === `pg:${AGENT_MEMORY_SCHEMA}` ? 'target' : null
    const state = side ? (this.deps.stepState?.('p3.migrate') ?? null) : null
    if (!side || !state?.evidence) return list
    const rows = migratedTables(state.evidence)
    return list.map((t) => {
      const m = rows.find((x) => x[side] === t.name)
      return m
        ? {
            ...t,
            migration: {
              at: state.finishedAt,
              loadedRows: m.loadedRows,
              rejectedRows: m.rejectedRows,
              equal: m.equal,
            },
          }
        : t
    })
  }

  async page(req: PageRequest): Promise<PageResult> {
    return this.pagerOf(await this.resolve(req.source)).page(req)
  }

  async count(ref: ViewRef): Promise<z.infer<typeof CountResult>> {
    const started = performance.now()
    const rows = await this.pagerOf(await this.resolve(ref.source)).count(ref)
    return { rows, exact: true, ms: Math.round(performance.now() - started) }
  }

  async cell(req: {
    source: string
    table: string
    key: string
    column: string
  }): Promise<CellValue> {
    return this.pagerOf(await this.resolve(req.source)).cell(req.table, req.key, req.column)
  }

  async sqlRun(source: string, sql: string): Promise<SqlResult> {
    return this.recorded(source, sql, 'run', async () => {
      const r = await this.resolve(source)
      const out =
        r.kind === 'sqlite'
          ? runSqlite(this.consoleDb(r.entry), sql, r.label)
          : await runPg(await this.getPool(), r.schema, sql, r.label)
      return { value: out, rows: out.rows.length, ms: out.ms }
    })
  }

  async sqlExplain(source: string, sql: string): Promise<ExplainResult> {
    return this.recorded(source, sql, 'explain', async () => {
      const r = await this.resolve(source)
      const out =
        r.kind === 'sqlite'
          ? explainSqlite(this.consoleDb(r.entry), sql, r.label)
          : await explainPg(await this.getPool(), r.schema, sql, r.label)
      return { value: out, rows: null, ms: out.ms }
    })
  }

  history(): HistoryEntry[] {
    const p = this.deps.paths()
    return p ? readHistory(p.ferryDir) : []
  }

  private async recorded<T>(
    source: string,
    sql: string,
    kind: 'run' | 'explain',
    fn: () => Promise<{ value: T; rows: number | null; ms: number }>,
  ): Promise<T> {
    const p = this.deps.paths()
    const entry: HistoryEntry = {
      at: new Date().toISOString(),
      source,
      sql: sql.slice(0, 20_000),
      kind,
      ok: true,
      rows: null,
      ms: null,
      error: null,
    }
    try {
      const r = await fn()
      if (p) appendHistory(p.ferryDir, { ...entry, rows: r.rows, ms: r.ms })
      return r.value
    } catch (err) {
      if (p)
        appendHistory(p.ferryDir, {
          ...entry,
          ok: false,
          error: err instanceof Error ? err.message.slice(0, 2000) : String(err),
        })
      throw err
    }
  }

  /** The console's own read-only connection, apart from the grid's. */
  private consoleDb(entry: SqliteEntry): Database.Database {
    entry.console ??= openInspectDb(entry.file)
    return entry.console
  }

  private closeEntry(e: SqliteEntry): void {
    void e.source.close()
    if (e.console?.open) e.console.close()
  }

  async close(): Promise<void> {
    for (const e of this.sqlite.values()) this.closeEntry(e)
    this.sqlite.clear()
    this.pgSources.clear()
    const pool = this.pool
    this.pool = null
    if (pool) await pool.pool.end().catch(() => undefined)
  }
}

const AGENT_MEMORY_SCHEMA = 'agent_memory'
const MigratedTable = z.object({
  table: z.string(),
  target: z.string(),
  loadedRows: z.number(),
  rejectedRows: z.number(),
  equal: z.boolean().nullable(),
})

/** The per-table lines of p3.migrate's evidence (an older or foreign shape gives none). */
function migratedTables(evidence: Evidence): z.infer<typeof MigratedTable>[] {
  const parsed = z.array(MigratedTable).safeParse(evidence.tables)
  return parsed.success ? parsed.data : []
}
