// `ferry validate-sqlite`: compares a SQLite file with the schema a migration made from it, using
// the plan stored in that schema (so both sides use the same types and canonical encoding).
import { redactUrl } from '../postgres/redact'
import { dataVersion, openSqliteReadOnly } from '../sqlite/open'
import { checkServer, connect, createPool, lockSchema, unlockSchema } from './connect'
import { rejectSummary } from './ledger'
import { rateTracker } from './progress'
import { differentSource, notMigrated, readRun } from './run-state'
import { sameSource } from './translate'
import { validateSqlite, type ValidationResult } from './validate'
import path from 'node:path'

export interface ValidateRunOptions {
  file: string
  url: string
  schema: string
  workers: number
  signal: AbortSignal
  onProgress?: (p: {
    done: number
    total: number
    table: string
    rowsPerSec: number | null
  }) => void
}

export interface ValidateRunResult {
  source: { file: string; tables: number; rows: number }
  target: { url: string; schema: string; server: string }
  validation: ValidationResult
  rejects: Awaited<ReturnType<typeof rejectSummary>>
}

export async function validateSqliteRun(opts: ValidateRunOptions): Promise<ValidateRunResult> {
  const db = openSqliteReadOnly(opts.file)
  const version = dataVersion(db)
  const pool = createPool(opts.url, { max: opts.workers + 1 })
  try {
    const client = await connect(pool, opts.url)
    try {
      const server = await checkServer(client, opts.url)
      await lockSchema(client, opts.schema, opts.url, 'validation')
      try {
        const run = await readRun(client, opts.schema)
        if (!run) throw notMigrated(opts.schema, opts.url)
        if (!sameSource(db, run.fingerprint))
          throw differentSource(opts.schema, opts.url, path.basename(run.sourcePath), db, run.plan)
        const total = run.plan.tables.reduce((n, t) => n + t.rows, 0)
        const done = new Map<string, number>()
        const rate = rateTracker()
        const validation = await validateSqlite(db, pool, run.plan, {
          schema: opts.schema,
          source: 'sqlite',
          workers: opts.workers,
          signal: opts.signal,
          sourceChanged: () => dataVersion(db) !== version,
          onProgress: (table, n) => {
            done.set(table, n)
            const sum = [...done.values()].reduce((a, b) => a + b, 0)
            opts.onProgress?.({ done: sum, total, table, rowsPerSec: rate(sum) })
          },
        })
        return {
          source: {
            file: opts.file,
            tables: run.plan.tables.length,
            rows: validation.tables.reduce((n, t) => n + t.sourceRows, 0),
          },
          target: { url: redactUrl(opts.url), schema: opts.schema, server: server.version },
          validation,
          rejects: await rejectSummary(client, opts.schema),
        }
      } finally {
        await unlockSchema(client, opts.schema)
      }
    } finally {
      client.release()
    }
  } finally {
    await pool.end().catch(() => undefined)
    db.close()
  }
}
