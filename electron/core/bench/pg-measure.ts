// The workload on PostgreSQL (schema agent_memory, made by p3.migrate): the translated texts of
// pg-workload.ts as named prepared statements on one connection — what an agent's pooled
// connection does — with the same parameters, warm-up, iteration count and time budget as SQLite.
import pg from 'pg'
import { FerryError } from '../../../shared/contract/envelope'
import { throwIfCancelled } from '../jobs/job'
import { AGENT_MEMORY_SCHEMA } from '../pgmigrate/steps'
import { redactSecrets, secretsInUrl } from '../postgres/redact'
import type { WorkloadQuery } from '../workload/queries'
import { encodeParams, summarise, type QueryResult } from '../workload/run'
import { PG_WORKLOAD } from './pg-workload'

export interface TimingOptions {
  iterations: number
  warmup: number
  budgetMs: number
  signal?: AbortSignal
  onQuery?: (index: number, total: number, name: string) => void
}

/** pg sends a bigint as its decimal text, which PostgreSQL casts to the column's type. */
const pgValue = (v: unknown): unknown => (typeof v === 'bigint' ? v.toString() : v)

function skipped(q: WorkloadQuery, sql: string, reason: string): QueryResult {
  return {
    query: q.name,
    description: q.description,
    sql,
    params: [],
    p50: null,
    p95: null,
    p99: null,
    mean: null,
    iterations: 0,
    rows: null,
    plan: null,
    resultSha256: null,
    skipped: reason,
  }
}

export async function connectTarget(url: string): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: url,
    application_name: 'ferry-bench',
    connectionTimeoutMillis: 15_000,
    statement_timeout: 60_000,
  })
  client.on('error', () => {}) // a dropped idle connection surfaces on the next query instead
  try {
    await client.connect()
  } catch (err) {
    throw new FerryError(
      'TARGET_UNREACHABLE',
      `Cannot connect to the PostgreSQL target: ${redactSecrets((err as Error).message, secretsInUrl(url))}`,
      'Check that the server runs, or choose another target (ferry bench --target URL).',
    )
  }
  return client
}

/** null when agent_memory exists, else why the PostgreSQL column cannot be measured. */
export async function schemaMissing(client: pg.Client): Promise<string | null> {
  const r = await client.query<{ ok: boolean }>(
    'SELECT to_regnamespace($1) IS NOT NULL AS ok',
    [`"${AGENT_MEMORY_SCHEMA}"`],
  )
  return r.rows[0]?.ok ? null : `the target has no schema "${AGENT_MEMORY_SCHEMA}" (run p3.migrate against it first)`
}

export async function runPgWorkload(
  client: pg.Client,
  queries: readonly WorkloadQuery[],
  params: ReadonlyMap<string, unknown[][]>,
  o: TimingOptions,
): Promise<QueryResult[]> {
  const results: QueryResult[] = []
  for (const [i, q] of queries.entries()) {
    if (o.signal) throwIfCancelled(o.signal)
    o.onQuery?.(i, queries.length, q.name)
    const sql = PG_WORKLOAD[q.name]
    if (!sql) {
      results.push(skipped(q, '', 'no PostgreSQL translation of this query in pg-workload.ts'))
      continue
    }
    const sets = params.get(q.name)
    if (!sets?.length) {
      results.push(skipped(q, sql, 'no parameter values in the baseline (the query was skipped there)'))
      continue
    }
    const missing: string[] = []
    for (const t of q.tables) {
      const r = await client.query<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', [
        `"${AGENT_MEMORY_SCHEMA}"."${t.replace(/"/g, '""')}"`,
      ])
      if (!r.rows[0]?.ok) missing.push(t)
    }
    if (missing.length) {
      results.push(skipped(q, sql, `no table ${missing.join(', ')} in schema "${AGENT_MEMORY_SCHEMA}"`))
      continue
    }
    const name = `ferry_bench_${i}`
    const run = (p: unknown[]) => client.query({ name, text: sql, values: p.map(pgValue) })
    let rows: number
    let plan: string
    try {
      rows = (await run(sets[0]!)).rowCount ?? 0
      const ex = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, sets[0]!.map(pgValue))
      plan = ex.rows.map((r) => r['QUERY PLAN'].trim()).join('; ')
    } catch (err) {
      results.push(skipped(q, sql, `cannot run here: ${(err as Error).message}`))
      continue
    }
    for (let w = 0; w < o.warmup; w++) await run(sets[w % sets.length]!)
    const samples: number[] = []
    const begin = performance.now()
    for (let k = 0; k < o.iterations; k++) {
      const t0 = performance.now()
      await run(sets[k % sets.length]!)
      samples.push(performance.now() - t0)
      if (samples.length >= 3 && performance.now() - begin > o.budgetMs) break
    }
    results.push({
      query: q.name,
      description: q.description,
      sql,
      params: encodeParams(sets),
      ...summarise(samples),
      iterations: samples.length,
      rows,
      plan,
      resultSha256: null,
      skipped: null,
    })
  }
  return results
}

/** Bytes of agent_memory's tables with their indexes and TOAST, and the server's version. */
export async function pgFacts(client: pg.Client): Promise<{ bytes: number | null; version: string }> {
  const v = await client.query<{ v: string }>("SELECT current_setting('server_version') AS v")
  const s = await client.query<{ bytes: string | null }>(
    `SELECT sum(pg_total_relation_size(c.oid))::text AS bytes FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'm')`,
    [AGENT_MEMORY_SCHEMA],
  )
  const bytes = s.rows[0]?.bytes
  return { bytes: bytes ? Number(bytes) : null, version: v.rows[0]?.v ?? 'unknown' }
}
