// p3.postgres-prod: the checks a production target must pass before Phase 3 writes to it —
// version, encoding, the right to create a schema, free connection slots — recorded as evidence
// with the server's facts. The URL only ever appears redacted.
import { FerryError } from '../../../shared/contract/envelope'
import type { JobContext } from '../jobs/job'
import { throwIfCancelled } from '../jobs/job'
import { checkClient, serverFacts, type ServerFacts } from '../postgres/facts'
import { redactSecrets, redactUrl, secretsInUrl } from '../postgres/redact'

/** PostgreSQL 12: the oldest version the engine's SQL is written and tested for. */
export const MIN_SERVER_VERSION_NUM = 120000
/** Fewer free slots than this is a warning: the pool (p3.pooling) and the agents need room. */
export const LOW_SLOTS = 10

export interface ProdCheck {
  name: 'server-version' | 'encoding' | 'create-schema' | 'connection-slots'
  ok: boolean
  /** pass, or warn (ok but worth a look), or fail (the step fails). */
  status: 'pass' | 'warn' | 'fail'
  value: string | number | boolean | null
  detail: string
  /** What to do about it, when it is not a pass. */
  hint: string | null
}

export interface ConnectionSlots {
  maxConnections: number
  superuserReserved: number
  /** PostgreSQL 16's reserved_connections (0 before 16). */
  reserved: number
  /** Client backends connected now (background workers do not take a slot). */
  inUse: number
  superuser: boolean
  /** Slots this user can still open. */
  free: number
}

export interface ProdEvidence extends Record<string, unknown> {
  target: string
  ok: boolean
  warnings: number
  checks: ProdCheck[]
  slots: ConnectionSlots | null
  /** serverFacts() without its target (above). */
  facts: Record<string, unknown>
}

export async function prodChecksStep(url: string, ctx: JobContext): Promise<ProdEvidence> {
  ctx.progress(0, 2, 'checks', 'reading server facts')
  const all = await serverFacts(url)
  const { target, ...facts } = all
  throwIfCancelled(ctx.signal)
  ctx.progress(1, 2, 'checks', 'counting connection slots')
  const slots = all.serverVersionNum >= 100000 ? await connectionSlots(url) : null
  ctx.progress(2, 2, 'checks')
  const checks = evaluate(all, slots)
  for (const c of checks.filter((x) => x.status !== 'pass'))
    ctx.log(c.status === 'fail' ? 'error' : 'warn', `${c.name}: ${c.detail}`)
  const failed = checks.filter((c) => !c.ok)
  if (failed.length) {
    throw new FerryError(
      failed.length === 1 ? FAIL_CODE[failed[0]!.name] : 'TARGET_CHECKS_FAILED',
      `${target} is not ready for Phase 3: ${failed.map((c) => c.detail).join('; ')}`,
      failed.map((c) => c.hint).join(' '),
    )
  }
  return {
    target,
    ok: true,
    warnings: checks.filter((c) => c.status === 'warn').length,
    checks,
    slots,
    facts,
  }
}

/** The same checks for the Settings screen's "Check" button: every result, none thrown. */
export async function collectProdChecks(
  url: string,
): Promise<{ target: string; ok: boolean; checks: ProdCheck[] }> {
  const all = await serverFacts(url)
  const slots = all.serverVersionNum >= 100000 ? await connectionSlots(url) : null
  const checks = evaluate(all, slots)
  return { target: all.target, ok: checks.every((c) => c.ok), checks }
}

const FAIL_CODE: Record<ProdCheck['name'], string> = {
  'server-version': 'TARGET_VERSION_TOO_OLD',
  encoding: 'TARGET_NOT_UTF8',
  'create-schema': 'TARGET_NO_CREATE_PRIVILEGE',
  'connection-slots': 'TARGET_NO_FREE_SLOTS',
}

export function evaluate(facts: ServerFacts, slots: ConnectionSlots | null): ProdCheck[] {
  const versionOk = facts.serverVersionNum >= MIN_SERVER_VERSION_NUM
  const utf8 = facts.encoding.toUpperCase() === 'UTF8'
  const checks: ProdCheck[] = [
    {
      name: 'server-version',
      ok: versionOk,
      status: versionOk ? 'pass' : 'fail',
      value: facts.serverVersion,
      detail: versionOk
        ? `PostgreSQL ${facts.serverVersion} (12 or newer)`
        : `PostgreSQL ${facts.serverVersion} is older than 12, the oldest version Ferry supports`,
      hint: versionOk ? null : 'Upgrade the server to PostgreSQL 12 or newer (16 recommended).',
    },
    {
      name: 'encoding',
      ok: utf8,
      status: utf8 ? 'pass' : 'fail',
      value: facts.encoding,
      detail: utf8
        ? `database "${facts.database}" is UTF8`
        : `database "${facts.database}" is encoded ${facts.encoding}, not UTF8: text that SQLite holds could not be stored unchanged`,
      hint: utf8
        ? null
        : `Create a database with ENCODING 'UTF8' (CREATE DATABASE … ENCODING 'UTF8' TEMPLATE template0) and point the target at it.`,
    },
    {
      name: 'create-schema',
      ok: facts.canCreateSchema,
      status: facts.canCreateSchema ? 'pass' : 'fail',
      value: facts.canCreateSchema,
      detail: facts.canCreateSchema
        ? `user "${facts.user}" may create schemas in "${facts.database}"`
        : `user "${facts.user}" may not create schemas in database "${facts.database}"`,
      hint: facts.canCreateSchema
        ? null
        : `As an administrator run: GRANT CREATE ON DATABASE "${facts.database}" TO "${facts.user}"; or connect as a user that owns the database.`,
    },
  ]
  checks.push(slotCheck(slots))
  return checks
}

function slotCheck(slots: ConnectionSlots | null): ProdCheck {
  if (!slots)
    return {
      name: 'connection-slots',
      ok: true,
      status: 'warn',
      value: null,
      detail: 'connection slots not counted (server older than PostgreSQL 10)',
      hint: null,
    }
  const reserved = slots.superuser
    ? ''
    : `, ${slots.superuserReserved + slots.reserved} reserved for administrators`
  const detail = `${slots.free} free of ${slots.maxConnections} (${slots.inUse} in use${reserved})`
  if (slots.free <= 0)
    return {
      name: 'connection-slots',
      ok: false,
      status: 'fail',
      value: slots.free,
      detail: `no free connection slots: ${detail}`,
      hint: 'Close idle connections or raise max_connections (a restart of PostgreSQL), then run the step again.',
    }
  const low = slots.free < LOW_SLOTS
  return {
    name: 'connection-slots',
    ok: true,
    status: low ? 'warn' : 'pass',
    value: slots.free,
    detail: low ? `only ${detail}; the migration and the agents' pool need several` : detail,
    hint: low ? 'Raise max_connections or close idle connections before the migration.' : null,
  }
}

async function connectionSlots(url: string): Promise<ConnectionSlots> {
  const client = checkClient(url)
  try {
    await client.connect()
    const r = await client.query<{
      maxc: number
      sur: number
      res: number
      used: number
      superuser: boolean
    }>(
      `SELECT current_setting('max_connections')::int AS maxc,
              current_setting('superuser_reserved_connections')::int AS sur,
              coalesce(current_setting('reserved_connections', true), '0')::int AS res,
              (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')::int AS used,
              coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = current_user), false) AS superuser`,
    )
    const row = r.rows[0]!
    // Superusers may use the reserved slots too; anyone else may not.
    const free = row.maxc - row.used - (row.superuser ? 0 : row.sur + row.res)
    return {
      maxConnections: row.maxc,
      superuserReserved: row.sur,
      reserved: row.res,
      inUse: row.used,
      superuser: row.superuser,
      free,
    }
  } catch (err) {
    throw new FerryError(
      'TARGET_QUERY_FAILED',
      `Could not count the connection slots of ${redactUrl(url)}: ${redactSecrets((err as Error).message, secretsInUrl(url))}`,
      'Check that the server is running and that this user may read pg_stat_activity.',
    )
  } finally {
    await client.end().catch(() => undefined)
  }
}
