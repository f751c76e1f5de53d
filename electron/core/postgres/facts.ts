// What Ferry records about a PostgreSQL server as evidence: version, encoding, where its data
// lives, connection slots and whether this user may create schemas. Never the password.
import pg from 'pg'
import { FerryError } from '../../../shared/contract/envelope'
import { redactSecrets, redactUrl, secretsInUrl } from './redact'

export interface ServerFacts extends Record<string, unknown> {
  serverVersion: string
  serverVersionNum: number
  encoding: string
  database: string
  user: string
  dataDirectory: string | null
  /** pg_control_system()'s identifier: which server this is, whatever address reached it. */
  systemIdentifier: string | null
  maxConnections: number
  connectionsInUse: number
  canCreateSchema: boolean
  target: string
}

/** A short-lived client for a few quick checks: bounded connect and statements, errors on idle ignored. */
export function checkClient(url: string): pg.Client {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000, statement_timeout: 10_000, application_name: 'ferry' })
  client.on('error', () => undefined)
  return client
}

export async function serverFacts(url: string): Promise<ServerFacts> {
  const client = checkClient(url)
  try {
    await client.connect()
    const one = async <T>(sql: string): Promise<T> => (await client.query(sql)).rows[0] as T
    const base = await one<{ v: string; n: string; enc: string; db: string; usr: string; maxc: string; used: string; cancreate: boolean }>(
      `SELECT current_setting('server_version') AS v, current_setting('server_version_num') AS n,
              current_setting('server_encoding') AS enc, current_database() AS db, current_user AS usr,
              current_setting('max_connections') AS maxc,
              (SELECT count(*) FROM pg_stat_activity)::text AS used,
              has_database_privilege(current_database(), 'CREATE') AS cancreate`,
    )
    let dataDirectory: string | null = null
    try {
      // Readable only by superusers and members of pg_read_all_settings.
      dataDirectory = (await one<{ d: string }>("SELECT current_setting('data_directory') AS d")).d
    } catch {
      dataDirectory = null
    }
    const systemIdentifier = await readSystemIdentifier(client)
    return {
      serverVersion: base.v,
      serverVersionNum: Number(base.n),
      encoding: base.enc,
      database: base.db,
      user: base.usr,
      dataDirectory,
      systemIdentifier,
      maxConnections: Number(base.maxc),
      connectionsInUse: Number(base.used),
      canCreateSchema: base.cancreate,
      target: redactUrl(url),
    }
  } catch (err) {
    throw new FerryError(
      'TARGET_QUERY_FAILED',
      `Could not read the server facts of ${redactUrl(url)}: ${redactSecrets((err as Error).message, secretsInUrl(url))}`,
      'Check that the server is running and that this user may connect.',
    )
  } finally {
    await client.end().catch(() => undefined)
  }
}

/** The server's system identifier, or null where the function is not granted (some hosted servers). */
export async function readSystemIdentifier(client: pg.ClientBase): Promise<string | null> {
  try {
    const r = await client.query<{ id: string }>('SELECT system_identifier::text AS id FROM pg_control_system()')
    return r.rows[0]?.id ?? null
  } catch {
    return null
  }
}
