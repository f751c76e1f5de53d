// Phase 3 and 4 work on one PostgreSQL server: the one p3.postgres-prod checked. A target switched
// since (the UI opened on the embedded server after the CLI ran against another, a --target
// forgotten on a later command) would silently create the schema, load the data or drop it on a
// second server while the evidence speaks of the first. The runner asks here before such a step.
import { FerryError } from '../../../shared/contract/envelope'
import type { Evidence } from '../../../shared/contract/types'
import { checkClient, readSystemIdentifier } from './facts'
import { redactUrl } from './redact'

export interface ServerIdentity {
  /** pg_control_system()'s identifier; null where the server does not grant it. */
  systemIdentifier: string | null
  database: string
  /** The URL, password masked. */
  target: string
}

/** Which server and database a URL reaches (one short connection). */
export async function serverIdentity(url: string): Promise<ServerIdentity> {
  const client = checkClient(url)
  try {
    await client.connect()
    const db = (await client.query<{ db: string }>('SELECT current_database() AS db')).rows[0]!.db
    return {
      systemIdentifier: await readSystemIdentifier(client),
      database: db,
      target: redactUrl(url),
    }
  } finally {
    await client.end().catch(() => undefined)
  }
}

/** The server p3.postgres-prod's evidence names; null for evidence of older versions (no identifier). */
export function recordedIdentity(evidence: Evidence | null | undefined): ServerIdentity | null {
  const facts = evidence?.facts as { systemIdentifier?: unknown; database?: unknown } | undefined
  if (typeof facts?.systemIdentifier !== 'string' || typeof facts.database !== 'string') return null
  return {
    systemIdentifier: facts.systemIdentifier,
    database: facts.database,
    target: typeof evidence?.target === 'string' ? evidence.target : '(unknown)',
  }
}

/**
 * Whether two identities are the same server and database: by system identifier where both have
 * one, else by host, port and database (loopback names counted as one host).
 */
export function sameServer(a: ServerIdentity, b: ServerIdentity): boolean {
  if (a.database !== b.database) return false
  if (a.systemIdentifier && b.systemIdentifier) return a.systemIdentifier === b.systemIdentifier
  return address(a.target) === address(b.target)
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1'])

function address(url: string): string {
  try {
    const u = new URL(url)
    const host = LOOPBACK.has(u.hostname) ? 'loopback' : u.hostname.toLowerCase()
    return `${host}:${u.port || '5432'}`
  } catch {
    return url
  }
}

/** Refuses a Phase 3/4 step whose target is not the server p3.postgres-prod checked. */
export async function refuseOtherTarget(
  stepId: string,
  url: string,
  prodEvidence: Evidence | null | undefined,
): Promise<void> {
  const recorded = recordedIdentity(prodEvidence)
  if (!recorded) return
  // Unreachable: the step's own connection reports it, with its context.
  const now = await serverIdentity(url).catch(() => null)
  if (!now || sameServer(recorded, now)) return
  const other =
    now.systemIdentifier === recorded.systemIdentifier
      ? 'another database of the same server'
      : 'another server'
  throw new FerryError(
    'TARGET_CHANGED',
    `${stepId} would run on ${now.target} (database "${now.database}"${now.systemIdentifier ? `, server ${now.systemIdentifier}` : ''}), but Phase 3 was set up on ${recorded.target} (database "${recorded.database}", server ${recorded.systemIdentifier}): ${other}, so nothing was done`,
    `Connect ${recorded.target} again (Settings → Connections, or --target with the CLI) to go on where the migration is. To move to this server instead, run "Set up PostgreSQL production instance" (p3.postgres-prod) on it first; Phase 3 then starts over there.`,
  )
}
