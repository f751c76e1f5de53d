// The PostgreSQL backend: schema agent_memory (created by p3.migrate) through a pg.Pool. Column
// types were chosen by the migration from the data (jsonb or text, timestamptz or text, bigint or
// boolean), so values are bound untyped and PostgreSQL casts them to whatever the column is;
// reads normalise back (Date → ISO text, int8 text → number, jsonb read as text and parsed once).
// Every connection is named (application_name) so monitoring and tests can find the library's.
import { createHash } from 'node:crypto'
import pg from 'pg'
import { FerryError } from '../../../shared/contract/envelope'
import { readStoreFile, verifyContent } from '../snapshots/files'
import { redactSecrets, secretsInUrl } from '../postgres/redact'
import type { WorkspacePaths } from '../workspace/resolve'
import { bool, iso, num, type Dialect, type Exec, type Row } from './dialect'
import { isTransient } from './retry'
import { LEDGER_TABLE, type Snapshot } from './types'

export interface PgStoreOptions {
  url: string
  schema?: string
  /** Pool size per store (default 4); the concurrency test uses 1: one connection per agent. */
  poolMax?: number
  applicationName?: string
  /** Folder that holds `memory_snapshots/` for snapshots whose content was moved to files. */
  claudeDir?: string
  statementTimeoutMs?: number
}

export const DEFAULT_SCHEMA = 'agent_memory'
export const APP_NAME_PREFIX = 'ferry-agent-store'
const SESSION_OPTIONS = '-c TimeZone=UTC -c DateStyle=ISO -c extra_float_digits=1 -c client_encoding=UTF8 -c lock_timeout=10000'

const qi = (s: string): string => `"${s.replace(/"/g, '""')}"`

/** `?` placeholders → `$1, $2 …` (the store's SQL never has a literal question mark). */
export function numbered(sql: string): string {
  let n = 0
  return sql.replace(/\?/g, () => `$${++n}`)
}

export function createAgentPool(o: PgStoreOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: o.url,
    max: o.poolMax ?? 4,
    application_name: (o.applicationName ?? APP_NAME_PREFIX).slice(0, 63),
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: o.statementTimeoutMs ?? 60_000,
    options: SESSION_OPTIONS,
  })
  // An idle pooled connection killed by the server is dropped by the pool; it must not crash us.
  pool.on('error', () => undefined)
  // Nor may a connection that dies while checked out, or while being discarded: its 'error'
  // event has no other listener then. The failed query itself reports the error (and is retried).
  pool.on('connect', (client) => client.on('error', () => undefined))
  return pool
}

export class PgDialect implements Dialect {
  readonly name = 'postgres' as const
  readonly schema: string
  private readonly pool: pg.Pool
  private snapshotCols: Promise<Set<string>> | null = null

  constructor(private readonly o: PgStoreOptions) {
    this.schema = o.schema ?? DEFAULT_SCHEMA
    this.pool = createAgentPool(o)
  }

  t(table: string): string {
    return `${qi(this.schema)}.${qi(table)}`
  }

  json(column: string): string {
    return `${qi(column)}::text AS ${qi(column)}`
  }

  private execOn(c: pg.ClientBase): Exec {
    return {
      all: async (sql, params = []) => (await c.query(numbered(sql), params)).rows as Row[],
      run: async (sql, params = []) => (await c.query(numbered(sql), params)).rowCount ?? 0,
    }
  }

  async tx<T>(fn: (x: Exec) => Promise<T>): Promise<T> {
    const c = await this.connect()
    let failed: unknown = undefined
    try {
      await c.query('BEGIN')
      const out = await fn(this.execOn(c))
      await c.query('COMMIT')
      return out
    } catch (err) {
      failed = err
      if (!isTransient(err)) await c.query('ROLLBACK').catch(() => undefined)
      throw this.wrap(err)
    } finally {
      // After a lost connection (or an unknown COMMIT outcome) the client is discarded, not reused.
      c.release(failed !== undefined && isTransient(failed) ? (failed as Error) : undefined)
    }
  }

  async read(sql: string, params: unknown[] = []): Promise<Row[]> {
    try {
      return (await this.pool.query(numbered(sql), params)).rows as Row[]
    } catch (err) {
      throw this.wrap(err)
    }
  }

  private async connect(): Promise<pg.PoolClient> {
    try {
      return await this.pool.connect()
    } catch (err) {
      throw this.wrap(err)
    }
  }

  /** Keeps driver errors (their code decides retries) but never lets the URL's password through. */
  private wrap(err: unknown): unknown {
    if (err instanceof Error) err.message = redactSecrets(err.message, secretsInUrl(this.o.url))
    return err
  }

  async lockKey(x: Exec, key: string): Promise<void> {
    await x.all(`SELECT pg_advisory_xact_lock(hashtext('ferry:agent-store'), hashtext(?))`, [key])
  }

  private columns(): Promise<Set<string>> {
    this.snapshotCols ??= this.read(
      `SELECT "column_name" FROM information_schema.columns WHERE "table_schema" = ? AND "table_name" = 'memory_snapshots'`,
      [this.schema],
    ).then((rows) => new Set(rows.map((r) => String(r.column_name))))
    return this.snapshotCols
  }

  async loadSnapshot(snapshotId: number): Promise<Snapshot | null> {
    const cols = await this.columns()
    const stored = ['content_path', 'content_sha256', 'content_bytes', 'content_storage'].every((c) => cols.has(c))
    const extra = stored ? `, "content_path", "content_sha256", "content_bytes", "content_storage"` : ''
    const rows = await this.read(
      `SELECT "snapshot_id", "session_id", "snapshot_type", "content"::text AS "content", "content_size", "checksum", "is_pinned", "created_at"${extra} FROM ${this.t('memory_snapshots')} WHERE "snapshot_id" = ?`,
      [snapshotId],
    )
    const r = rows[0]
    if (!r) return null
    let content: string | Buffer | null = r.content === null ? null : String(r.content)
    let location: Snapshot['location'] = 'inline'
    if (stored && r.content_path !== null && r.content_path !== undefined) {
      // Phase 1 moved this content to .claude/memory_snapshots/: read it and check its hash.
      const label = String(snapshotId)
      if (!this.o.claudeDir) {
        throw new FerryError(
          'SNAPSHOT_FILE_UNREACHABLE',
          `Snapshot ${label} is stored in ${String(r.content_path)}, but this store was opened without the workspace's .claude folder`,
          'Open the store with the workspace (forAgent does), or pass claudeDir.',
        )
      }
      const paths = { claudeDir: this.o.claudeDir } as WorkspacePaths
      const bytes = readStoreFile(paths, String(r.content_path), label)
      verifyContent(bytes, String(r.content_sha256), Number(r.content_bytes), label, String(r.content_path))
      content = r.content_storage === 'blob' ? bytes : bytes.toString('utf8')
      location = 'file'
    }
    const checksum = String(r.checksum)
    const bytes = content === null ? Buffer.alloc(0) : typeof content === 'string' ? Buffer.from(content, 'utf8') : content
    return {
      snapshotId: num(r.snapshot_id),
      sessionId: String(r.session_id),
      type: String(r.snapshot_type),
      content,
      contentSize: num(r.content_size),
      checksum,
      pinned: bool(r.is_pinned),
      createdAt: iso(r.created_at),
      location,
      exact: createHash('sha256').update(bytes).digest('hex') === checksum,
    }
  }

  async ensureLedger(): Promise<void> {
    // Many agents may start at once: the advisory lock makes the CREATE run one at a time.
    await this.tx(async (x) => {
      await x.all(`SELECT pg_advisory_xact_lock(hashtext('ferry:agent-store'), hashtext('ledger'))`)
      await x.run(
        `CREATE TABLE IF NOT EXISTS ${this.t(LEDGER_TABLE)} ("idem_key" text PRIMARY KEY, "agent_id" text NOT NULL, "table_name" text NOT NULL, "op" text NOT NULL, "row_id" text, "written_at" timestamptz NOT NULL)`,
      )
      await x.run(
        `CREATE INDEX IF NOT EXISTS ${qi(`idx_${LEDGER_TABLE}_agent`)} ON ${this.t(LEDGER_TABLE)} ("agent_id", "written_at")`,
      )
      await x.run(
        `CREATE INDEX IF NOT EXISTS ${qi(`idx_${LEDGER_TABLE}_row`)} ON ${this.t(LEDGER_TABLE)} ("table_name", "row_id")`,
      )
    })
  }

  async close(): Promise<void> {
    await this.pool.end()
  }
}
