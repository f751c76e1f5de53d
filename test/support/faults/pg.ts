// PostgreSQL side of the fault harness: the test server, queries, and killing Ferry's sessions.
import pg from 'pg'

export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

export async function pgQuery<T extends pg.QueryResultRow = Record<string, unknown>>(
  sql: string,
  params: unknown[] = [],
  url = PG_URL,
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, options: '-c TimeZone=UTC' })
  client.on('error', () => undefined)
  await client.connect()
  try {
    return (await client.query<T>(sql, params)).rows
  } finally {
    await client.end()
  }
}

export const qi = (schema: string, table: string): string =>
  `${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(table)}`

export async function dropSchema(schema: string): Promise<void> {
  await pgQuery(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`)
}

/**
 * pg_terminate_backend of Ferry's sessions (application_name 'ferry'). Other Ferry runs may share
 * the server (other test files), so only sessions whose current or last query mentions `marker`
 * (the test's own schema name) are killed. Returns how many were terminated.
 */
export async function terminateFerryBackends(
  marker: string,
  opts: { state?: string; appName?: string; queryLike?: string } = {},
): Promise<number> {
  const rows = await pgQuery<{ ok: boolean }>(
    `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
      WHERE application_name = $1 AND pid <> pg_backend_pid() AND strpos(query, $2) > 0
        AND ($3::text IS NULL OR state = $3) AND ($4::text IS NULL OR query ~ $4)`,
    [opts.appName ?? 'ferry', marker, opts.state ?? null, opts.queryLike ?? null],
  )
  return rows.filter((r) => r.ok).length
}

/** Waits (polling every 50 ms, at most `ms`) until a Ferry session matching `marker` is in `state`. */
export async function waitForFerrySession(
  marker: string,
  state: string,
  ms = 60_000,
  queryLike: string | null = null,
): Promise<boolean> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    const [r] = await pgQuery<{ n: string }>(
      `SELECT count(*)::text AS n FROM pg_stat_activity
        WHERE application_name = 'ferry' AND strpos(query, $1) > 0 AND state = $2
          AND ($3::text IS NULL OR query ~ $3)`,
      [marker, state, queryLike],
    )
    if (Number(r!.n) > 0) return true
    await new Promise((res) => setTimeout(res, 50))
  }
  return false
}

/**
 * Polls every 50 ms (at most `ms`) and terminates the matching Ferry sessions as soon as there are
 * any: waiting and killing in one step, so a session that moved on in between is not missed.
 */
export async function terminateWhenSeen(
  marker: string,
  opts: { state: string; queryLike?: string },
  ms = 90_000,
): Promise<number> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    const n = await terminateFerryBackends(marker, opts)
    if (n > 0) return n
    await new Promise((res) => setTimeout(res, 50))
  }
  return 0
}
