// The SQLite backend: the consolidated .claude/memory.db, in WAL mode (readers never wait for the
// writer) with a busy_timeout (a writer waits for the lock instead of failing at once). Writes
// take the lock up front (BEGIN IMMEDIATE), so a transaction never fails half-way on a lock
// upgrade. better-sqlite3 is synchronous: one store's calls are queued so transactions never
// interleave on its single connection.
import { createHash } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { FerryError } from '../../../shared/contract/envelope'
import { loadSnapshotContent } from '../snapshots/reader'
import type { WorkspacePaths } from '../workspace/resolve'
import { bool, iso, num, type Dialect, type Exec, type Row } from './dialect'
import { LEDGER_TABLE, type Snapshot } from './types'

export interface SqliteStoreOptions {
  /** The database file (memory.db, or a copy of it). */
  file: string
  /** Folder that holds `memory_snapshots/` for file-stored snapshots (default: the file's folder). */
  claudeDir?: string
  busyTimeoutMs?: number
}

/** Lock waits longer than this are counted (the plan's "without blocking" threshold). */
export const LOCK_WAIT_REPORT_MS = 100

export const LEDGER_SQLITE = `
CREATE TABLE IF NOT EXISTS "${LEDGER_TABLE}" (
  "idem_key" TEXT PRIMARY KEY,
  "agent_id" TEXT NOT NULL,
  "table_name" TEXT NOT NULL,
  "op" TEXT NOT NULL,
  "row_id" TEXT,
  "written_at" TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_${LEDGER_TABLE}_agent" ON "${LEDGER_TABLE}" ("agent_id", "written_at");
CREATE INDEX IF NOT EXISTS "idx_${LEDGER_TABLE}_row" ON "${LEDGER_TABLE}" ("table_name", "row_id");
`

export function openAgentSqlite(file: string, busyTimeoutMs = 5000): Database.Database {
  let db: Database.Database
  try {
    db = new Database(file, { fileMustExist: true })
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`)
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
  } catch (err) {
    throw new FerryError(
      'AGENT_STORE_OPEN_FAILED',
      `Cannot open ${file} for the agent store: ${(err as Error).message}`,
      'Check that memory.db exists (run p2.validate) and that this user can write to the .claude folder.',
    )
  }
  return db
}

export class SqliteDialect implements Dialect {
  readonly name = 'sqlite' as const
  private readonly db: Database.Database
  private readonly stmts = new Map<string, Database.Statement>()
  private queue: Promise<unknown> = Promise.resolve()
  private readonly paths: WorkspacePaths

  constructor(private readonly opts: SqliteStoreOptions) {
    this.db = openAgentSqlite(opts.file, opts.busyTimeoutMs)
    const claudeDir = opts.claudeDir ?? dirname(opts.file)
    this.paths = { root: dirname(claudeDir), claudeDir, ferryDir: '', stateDb: opts.file, journalDb: '', pgDir: '' }
  }

  t(table: string): string {
    return `"${table.replace(/"/g, '""')}"`
  }

  json(column: string): string {
    return `"${column}"`
  }

  private stmt(sql: string): Database.Statement {
    let s = this.stmts.get(sql)
    if (!s) {
      s = this.db.prepare(sql)
      this.stmts.set(sql, s)
    }
    return s
  }

  private readonly exec: Exec = {
    all: async (sql, params = []) => this.stmt(sql).all(...params.map(bind)) as Row[],
    run: async (sql, params = []) => this.stmt(sql).run(...params.map(bind)).changes,
  }

  /** Runs `fn` after every call queued before it: one connection, one transaction at a time. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn)
    this.queue = next.catch(() => undefined)
    return next
  }

  tx<T>(fn: (x: Exec) => Promise<T>): Promise<T> {
    return this.serial(async () => {
      // The busy handler waits inside BEGIN IMMEDIATE: its duration is this writer's lock wait.
      const t0 = performance.now()
      try {
        this.db.exec('BEGIN IMMEDIATE')
      } finally {
        this.noteWait(performance.now() - t0)
      }
      try {
        const out = await fn(this.exec)
        this.db.exec('COMMIT')
        return out
      } catch (err) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK')
        throw err
      }
    })
  }

  private waits = { waits: 0, maxMs: 0 }

  private noteWait(ms: number): void {
    if (ms > LOCK_WAIT_REPORT_MS) this.waits.waits++
    if (ms > this.waits.maxMs) this.waits.maxMs = ms
  }

  lockStats(): { waits: number; maxMs: number } {
    return { ...this.waits }
  }

  read(sql: string, params: unknown[] = []): Promise<Row[]> {
    return this.serial(() => this.exec.all(sql, params))
  }

  async lockKey(): Promise<void> {
    // BEGIN IMMEDIATE already holds the database's single write lock.
  }

  loadSnapshot(snapshotId: number): Promise<Snapshot | null> {
    return this.serial(async () => {
      const meta = this.stmt(
        `SELECT "snapshot_id", "session_id", "snapshot_type", "content_size", "checksum", "is_pinned", "created_at" FROM "memory_snapshots" WHERE "snapshot_id" = ?`,
      ).get(snapshotId) as Row | undefined
      if (!meta) return null
      // The Phase 1 reader: inline content, or the store file checked against its SHA-256.
      const c = loadSnapshotContent(this.db, this.paths, snapshotId)
      const content = c.storage === 'null' ? null : c.storage === 'blob' ? c.bytes : c.bytes.toString('utf8')
      const checksum = String(meta.checksum)
      return {
        snapshotId: num(meta.snapshot_id),
        sessionId: String(meta.session_id),
        type: String(meta.snapshot_type),
        content,
        contentSize: num(meta.content_size),
        checksum,
        pinned: bool(meta.is_pinned),
        createdAt: iso(meta.created_at),
        location: c.location,
        exact: createHash('sha256').update(c.bytes).digest('hex') === checksum,
      }
    })
  }

  async ensureLedger(): Promise<void> {
    await this.serial(async () => this.db.exec(LEDGER_SQLITE))
  }

  async close(): Promise<void> {
    await this.queue
    this.stmts.clear()
    this.db.close()
  }
}

/** better-sqlite3 binds no booleans or undefined. */
function bind(v: unknown): unknown {
  if (v === undefined) return null
  if (typeof v === 'boolean') return v ? 1 : 0
  return v
}
