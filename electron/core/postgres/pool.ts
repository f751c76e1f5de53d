// One pg.Pool per PostgreSQL target (p3.pooling): sized, with idle and connection timeouts, a
// server-side statement_timeout and application_name 'ferry' on every client, and an 'error'
// handler — a pooled client whose backend is terminated while idle emits 'error' on the pool,
// which without a handler would crash the process; here it is counted and the client dropped.
import pg from 'pg'
import type { PoolConfig, PoolStats } from '../../../shared/contract/pool'
import { redactSecrets, redactUrl, secretsInUrl } from './redact'

export const DEFAULT_POOL: PoolConfig = {
  max: 10,
  idleTimeoutMillis: 30_000,
  connectionTimeoutMillis: 10_000,
  statementTimeoutMillis: 60_000,
  applicationName: 'ferry',
}

export interface TargetPool {
  readonly pool: pg.Pool
  readonly config: PoolConfig
  readonly url: string
  stats(): Omit<PoolStats, 'pingMs' | 'sampledAt'>
  ping(): Promise<number>
  end(): Promise<void>
}

export function createTargetPool(
  url: string,
  config: PoolConfig = DEFAULT_POOL,
  log?: (level: 'warn', message: string) => void,
): TargetPool {
  const pool = new pg.Pool({
    connectionString: url,
    max: config.max,
    idleTimeoutMillis: config.idleTimeoutMillis,
    connectionTimeoutMillis: config.connectionTimeoutMillis,
    statement_timeout: config.statementTimeoutMillis,
    application_name: config.applicationName,
  })
  let idleErrors = 0
  let lastError: string | null = null
  pool.on('error', (err) => {
    idleErrors++
    lastError = redactSecrets(err.message, secretsInUrl(url))
    log?.('warn', `An idle pooled PostgreSQL connection failed and was dropped: ${lastError}`)
  })
  return {
    pool,
    config,
    url,
    stats: () => ({
      target: redactUrl(url),
      state: 'open',
      config,
      total: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
      idleErrors,
      lastError,
    }),
    async ping() {
      const t0 = performance.now()
      await pool.query('SELECT 1')
      return Math.round((performance.now() - t0) * 100) / 100
    },
    end: () => pool.end().catch(() => undefined),
  }
}

/** The backend's pool: one for the current target; a new target (or configuration) closes the old one. */
export class TargetPools {
  private current: TargetPool | null = null

  constructor(private readonly log?: (level: 'warn', message: string) => void) {}

  for(url: string, config: PoolConfig = DEFAULT_POOL): TargetPool {
    // A new configuration (p3.pooling re-sized it) replaces the pool; the old one drains and ends.
    if (this.current?.url === url && JSON.stringify(this.current.config) === JSON.stringify(config))
      return this.current
    void this.current?.end()
    this.current = createTargetPool(url, config, this.log)
    return this.current
  }

  /** Statistics of the target's pool, with a SELECT 1 round trip through it. */
  async sample(url: string | null, config?: PoolConfig): Promise<PoolStats> {
    const sampledAt = new Date().toISOString()
    if (url === null)
      return { target: null, state: 'none', config: null, total: 0, idle: 0, waiting: 0, idleErrors: 0, lastError: null, pingMs: null, sampledAt }
    const p = this.for(url, config)
    const pingMs = await p.ping()
    return { ...p.stats(), pingMs, sampledAt }
  }

  async close(): Promise<void> {
    await this.current?.end()
    this.current = null
  }
}
