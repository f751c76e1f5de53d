// One short connection to a PostgreSQL server: can we log in, which version is it, is it UTF8?
// Failures come back as ErrorInfo values (never thrown) with the address redacted and a next step.
import pg from 'pg'
import type { ErrorInfo } from '../../../shared/contract/types'
import { redactSecrets } from './redact'

export const CONNECT_TIMEOUT_MS = 10_000

export type ProbeResult =
  { ok: true; serverVersion: string; serverEncoding: string } | { ok: false; error: ErrorInfo }

export interface ProbeTarget {
  connectionString: string
  /** How the target is shown in messages (already redacted). */
  display: string
  /** Secrets to mask in anything the driver says. */
  secrets: string[]
}

export async function probe(target: ProbeTarget): Promise<ProbeResult> {
  let client: pg.Client
  try {
    client = new pg.Client({
      connectionString: target.connectionString,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      query_timeout: CONNECT_TIMEOUT_MS,
      statement_timeout: CONNECT_TIMEOUT_MS,
      application_name: 'ferry',
    })
  } catch (err) {
    return { ok: false, error: describeConnectError(err, target) }
  }
  // A connection killed while idle emits 'error'; without a listener that crashes the process.
  client.on('error', () => {})
  try {
    await client.connect()
    const version = await client.query<{ server_version: string }>('SHOW server_version')
    const encoding = await client.query<{ server_encoding: string }>('SHOW server_encoding')
    const serverVersion = version.rows[0]?.server_version ?? 'unknown'
    const serverEncoding = encoding.rows[0]?.server_encoding ?? 'unknown'
    if (serverEncoding.toUpperCase() !== 'UTF8') {
      return {
        ok: false,
        error: {
          code: 'TARGET_ENCODING',
          message: `The database at ${target.display} uses the ${serverEncoding} encoding; Ferry writes UTF8 text and needs a UTF8 database.`,
          hint: "Create a UTF8 database (CREATE DATABASE ferry ENCODING 'UTF8' TEMPLATE template0) and put its name in the URL.",
        },
      }
    }
    return { ok: true, serverVersion, serverEncoding }
  } catch (err) {
    return { ok: false, error: describeConnectError(err, target) }
  } finally {
    await client.end().catch(() => {})
  }
}

/** The first useful text of an error, including Node's AggregateError (IPv4 + IPv6 attempts) with an empty message. */
function textOf(err: unknown): string {
  if (err instanceof AggregateError && !err.message) {
    const inner = err.errors.map((e: unknown) => (e instanceof Error ? e.message : String(e)))
    return [...new Set(inner)].join('; ') || String((err as NodeJS.ErrnoException).code ?? 'error')
  }
  if (err instanceof Error)
    return err.message || String((err as NodeJS.ErrnoException).code ?? err.name)
  return String(err)
}

const NETWORK: Record<string, string> = {
  ECONNREFUSED: 'connection refused, nothing is listening on that port',
  ENOTFOUND: 'the host name was not found',
  EAI_AGAIN: 'the host name could not be resolved right now',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  ETIMEDOUT: 'the connection timed out',
  ECONNRESET: 'the server closed the connection',
}

/** Maps a driver or network error to a stable code, a message naming the (redacted) target, and a hint. */
export function describeConnectError(
  err: unknown,
  target: Omit<ProbeTarget, 'connectionString'>,
): ErrorInfo {
  const code = String((err as { code?: unknown } | null)?.code ?? '')
  const raw = redactSecrets(textOf(err), target.secrets)
  const at = target.display
  const info = (c: string, message: string, hint: string): ErrorInfo => ({
    code: c,
    message,
    hint,
    detail: raw,
  })

  if (code in NETWORK) {
    return info(
      'TARGET_UNREACHABLE',
      `Cannot reach PostgreSQL at ${at}: ${NETWORK[code]} (${code}).`,
      'Check that the server is running and that the host and port in the URL are right, or use the embedded PostgreSQL.',
    )
  }
  if (/timeout|timed out/i.test(raw)) {
    return info(
      'TARGET_UNREACHABLE',
      `PostgreSQL at ${at} did not answer within ${CONNECT_TIMEOUT_MS / 1000} s.`,
      'Check the host and port, and that no firewall drops the connection.',
    )
  }
  if (
    code === '28P01' ||
    code === '28000' ||
    /password must be a string|password authentication/i.test(raw)
  ) {
    const missing = /must be a string/i.test(raw)
    return info(
      'TARGET_AUTH_FAILED',
      missing
        ? `PostgreSQL at ${at} asks for a password and the URL has none.`
        : `PostgreSQL at ${at} refused the login: ${raw}`,
      missing
        ? 'Add the password to the URL: postgres://user:password@host:port/database'
        : 'Check the user name and password in the URL, and that pg_hba.conf on the server allows this client.',
    )
  }
  if (code === '3D000') {
    return info(
      'TARGET_DATABASE_MISSING',
      `PostgreSQL at ${at} has no such database: ${raw}`,
      "Create it first (CREATE DATABASE name ENCODING 'UTF8'), or name an existing database in the URL.",
    )
  }
  if (code === '53300' || code === '57P03' || code === '57P01') {
    return info(
      'TARGET_UNAVAILABLE',
      `PostgreSQL at ${at} is not accepting connections right now: ${raw}`,
      'Try again in a moment; if it persists, ask the server administrator.',
    )
  }
  if (/ssl/i.test(raw)) {
    return info(
      'TARGET_SSL',
      `The SSL settings for PostgreSQL at ${at} do not match the server: ${raw}`,
      'Adjust sslmode in the URL (e.g. sslmode=disable for a local server, sslmode=require for a hosted one).',
    )
  }
  return info(
    'TARGET_CONNECT_FAILED',
    `Cannot connect to PostgreSQL at ${at}: ${raw}`,
    'Check the URL, and that the server accepts connections from this computer.',
  )
}
