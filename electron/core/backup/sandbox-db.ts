// The sandbox's own PostgreSQL database: `ferry_sandbox_<8 hex of sha256(root)>`, so each
// workspace gets one stable name and two workspaces never share one. Created when missing,
// left as it is when it exists (the rehearsal decides what to put in it).
import { createHash } from 'node:crypto'
import pg from 'pg'
import { FerryError } from '../../../shared/contract/envelope'
import { redactSecrets, redactUrl, secretsInUrl } from '../postgres/redact'

export interface SandboxDb {
  database: string
  created: boolean
  encoding: string
  serverVersion: string
  /** The sandbox database's URL with any password shown as ***. */
  databaseUrl: string
}

export function sandboxDbName(root: string): string {
  return `ferry_sandbox_${createHash('sha256').update(root).digest('hex').slice(0, 8)}`
}

/** The target URL pointed at another database of the same server. */
export function urlForDatabase(targetUrl: string, database: string): string {
  const u = new URL(targetUrl)
  u.pathname = `/${encodeURIComponent(database)}`
  return u.toString()
}

export async function ensureSandboxDb(targetUrl: string, root: string): Promise<SandboxDb> {
  const database = sandboxDbName(root)
  const secrets = secretsInUrl(targetUrl)
  const display = redactUrl(targetUrl)
  const client = new pg.Client({
    connectionString: targetUrl,
    application_name: 'ferry',
    connectionTimeoutMillis: 10_000,
    statement_timeout: 60_000,
    query_timeout: 70_000,
  })
  // A connection killed while idle emits 'error'; without a listener that crashes the worker.
  client.on('error', () => {})
  try {
    await client.connect()
  } catch (err) {
    throw new FerryError(
      'TARGET_UNREACHABLE',
      `Cannot connect to ${display}: ${redactSecrets((err as Error).message, secrets)}`,
      'Check that the PostgreSQL server is running and the URL is right (Settings → Connections, or --target).',
    )
  }
  try {
    const version =
      (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]
        ?.server_version ?? 'unknown'
    let created = false
    const exists = await client.query('SELECT 1 FROM pg_catalog.pg_database WHERE datname = $1', [
      database,
    ])
    if (exists.rowCount === 0) {
      try {
        await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`)
        created = true
      } catch (err) {
        const code = (err as { code?: string }).code
        // 42P04: another run created it between our check and our CREATE; that is fine.
        if (code !== '42P04') {
          const hint =
            code === '42501'
              ? `Give the user the CREATEDB privilege, or create the database ${database} yourself, then run the step again.`
              : 'Check the server log, then run the step again.'
          throw new FerryError(
            'SANDBOX_DB_CREATE_FAILED',
            `Cannot create the sandbox database ${database} on ${display}: ${redactSecrets((err as Error).message, secrets)}`,
            hint,
          )
        }
      }
    }
    const enc = await client.query<{ encoding: string }>(
      'SELECT pg_catalog.pg_encoding_to_char(encoding) AS encoding FROM pg_catalog.pg_database WHERE datname = $1',
      [database],
    )
    return {
      database,
      created,
      encoding: enc.rows[0]?.encoding ?? 'unknown',
      serverVersion: version,
      databaseUrl: redactUrl(urlForDatabase(targetUrl, database)),
    }
  } finally {
    await client.end().catch(() => undefined)
  }
}
