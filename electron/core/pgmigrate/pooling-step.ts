// p3.pooling — "Implement connection pooling": sizes the target's pool from its free connection
// slots, then proves the pool on the real server: every client carries statement_timeout and
// application_name 'ferry'; more concurrent queries than clients queue (waiting) and all finish;
// an idle client whose backend is terminated (pg_terminate_backend) is dropped without a crash
// and the next query gets a fresh one. The verified configuration is written to
// .ferry/p3-pool.json, which the app's own pool (target.poolStats) uses.
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import { PoolConfig } from '../../../shared/contract/pool'
import { writeFileAtomic } from '../fs/atomic'
import type { JobContext } from '../jobs/job'
import { createTargetPool, DEFAULT_POOL } from '../postgres/pool'
import { redactUrl } from '../postgres/redact'
import type { WorkspacePaths } from '../workspace/resolve'

export const POOL_FILE = path.join('.ferry', 'p3-pool.json')

export function readPoolConfig(root: string): PoolConfig {
  const file = path.join(root, POOL_FILE)
  if (!existsSync(file)) return DEFAULT_POOL
  const r = PoolConfig.safeParse(JSON.parse(readFileSync(file, 'utf8')))
  return r.success ? r.data : DEFAULT_POOL
}

interface Check {
  name: string
  ok: boolean
  detail: string
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

async function slots(
  url: string,
): Promise<{ maxConnections: number; reserved: number; inUse: number; free: number }> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 })
  c.on('error', () => undefined)
  await c.connect()
  try {
    const r = await c.query<{ max: number; reserved: number; used: number }>(
      "SELECT current_setting('max_connections')::int AS max, current_setting('superuser_reserved_connections')::int AS reserved, (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')::int AS used",
    )
    const row = r.rows[0]!
    return {
      maxConnections: row.max,
      reserved: row.reserved,
      inUse: row.used,
      free: row.max - row.reserved - row.used,
    }
  } finally {
    await c.end().catch(() => undefined)
  }
}

/** A quarter of the free slots (other clients and the agents need the rest), between 2 and 10. */
export function poolSize(free: number): number {
  return Math.max(2, Math.min(10, Math.floor(free / 4)))
}

export async function verifyPool(url: string, config: PoolConfig, ctx?: Pick<JobContext, 'log'>) {
  const tp = createTargetPool(url, config, (level, m) => ctx?.log(level, m))
  const checks: Check[] = []
  try {
    // Settings every client carries.
    const s = await tp.pool.query<{ st: string; app: string }>(
      "SELECT current_setting('statement_timeout') AS st, current_setting('application_name') AS app",
    )
    const st = s.rows[0]!.st
    checks.push({
      name: 'session-settings',
      ok: s.rows[0]!.app === config.applicationName && st !== '0',
      detail: `statement_timeout ${st}, application_name ${s.rows[0]!.app}`,
    })
    // More queries than clients: the surplus waits for a free client, then runs.
    const n = config.max + 3
    let peakWaiting = 0
    let peakTotal = 0
    const pids = new Set<number>()
    const runs = Array.from({ length: n }, () =>
      tp.pool
        .query<{ pid: number }>('SELECT pg_backend_pid() AS pid, pg_sleep(0.15)')
        .then((r) => pids.add(r.rows[0]!.pid)),
    )
    const watch = setInterval(() => {
      peakWaiting = Math.max(peakWaiting, tp.pool.waitingCount)
      peakTotal = Math.max(peakTotal, tp.pool.totalCount)
    }, 5)
    peakWaiting = Math.max(peakWaiting, tp.pool.waitingCount)
    await Promise.all(runs)
    clearInterval(watch)
    checks.push({
      name: 'queueing',
      ok: peakTotal <= config.max && peakWaiting > 0,
      detail: `${n} concurrent queries on ${config.max} clients: at most ${peakTotal} open, up to ${peakWaiting} waiting, all finished`,
    })
    const afterLoad = tp.stats()
    // Terminate the idle clients' backends from outside: each emits 'error' on the pool.
    const admin = new pg.Client({
      connectionString: url,
      connectionTimeoutMillis: config.connectionTimeoutMillis,
    })
    admin.on('error', () => undefined)
    await admin.connect()
    let terminated = 0
    try {
      const r = await admin.query<{ ok: boolean }>(
        'SELECT pg_terminate_backend(pid) AS ok FROM unnest($1::int[]) AS pid',
        [[...pids]],
      )
      terminated = r.rows.filter((x) => x.ok).length
    } finally {
      await admin.end().catch(() => undefined)
    }
    for (let i = 0; i < 100 && tp.stats().idleErrors < terminated; i++) await sleep(50)
    const handled = tp.stats().idleErrors
    const again = await tp.pool.query<{ one: number }>('SELECT 1 AS one')
    checks.push({
      name: 'idle-failure',
      ok: terminated > 0 && handled >= terminated && again.rows[0]?.one === 1,
      detail: `${terminated} idle backend(s) terminated with pg_terminate_backend: ${handled} pool error(s) handled, no crash, the next query ran on a fresh client`,
    })
    const pingMs = await tp.ping()
    return {
      checks,
      afterLoad,
      peak: { total: peakTotal, waiting: peakWaiting },
      idleFailure: { terminated, handled },
      final: { ...tp.stats(), pingMs },
    }
  } finally {
    await tp.end()
  }
}

export async function poolingStep(
  paths: WorkspacePaths,
  url: string,
  ctx: JobContext,
): Promise<Record<string, unknown>> {
  ctx.progress(0, 3, 'checks', 'sizing the pool')
  const sl = await slots(url)
  const config: PoolConfig = { ...DEFAULT_POOL, max: poolSize(sl.free) }
  ctx.progress(1, 3, 'checks', 'verifying the pool')
  const v = await verifyPool(url, config, ctx)
  mkdirSync(paths.ferryDir, { recursive: true })
  writeFileAtomic(path.join(paths.root, POOL_FILE), JSON.stringify(config, null, 2) + '\n')
  ctx.progress(3, 3, 'checks', 'done')
  const failed = v.checks.filter((c) => !c.ok)
  for (const c of failed) ctx.log('warn', `Pool check ${c.name} failed: ${c.detail}`)
  return {
    ok: failed.length === 0,
    target: redactUrl(url),
    config,
    configFile: POOL_FILE,
    sizing: {
      ...sl,
      chosen: config.max,
      rule: 'a quarter of the free connection slots, between 2 and 10',
    },
    checks: v.checks,
    stats: { afterLoad: v.afterLoad, peak: v.peak, final: v.final },
    idleFailure: v.idleFailure,
    warnings: failed.length,
  }
}
