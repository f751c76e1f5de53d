// Shared by the agent-store*.test.ts files: a small demo workspace taken through p2.validate
// (memory.db) and p3.migrate (agent_memory in the test's own database), dropped afterwards.
import { existsSync, realpathSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import { sandboxDbName } from '../../electron/core/backup/sandbox-db'
import { snapshotStoreJob } from '../../electron/core/snapshots/jobs'
import { ferryCli, type Ferry } from '../support/ferry-cli'
import { tempDir } from '../support/paths'

export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

export interface Fixture {
  ws: string
  dir: string
  db: string
  url: string
  ferry: Ferry
  cleanup(): Promise<void>
}

export function urlFor(db: string): string {
  const u = new URL(PG_URL)
  u.pathname = `/${db}`
  return u.toString()
}

export async function admin<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url, options: '-c TimeZone=UTC' })
  c.on('error', () => undefined)
  await c.connect()
  try {
    return await fn(c)
  } finally {
    await c.end()
  }
}

/** Demo workspace → memory.db → agent_memory; `migrate: false` stops after memory.db. */
export async function buildFixture(prefix: string, opts: { events?: number; migrate?: boolean; snapshotStore?: boolean } = {}): Promise<Fixture> {
  const t = tempDir(`ferry-${prefix}-`)
  const ws = join(t.dir, 'ws')
  const ferry = ferryCli(join(t.dir, 'config'))
  const db = `ferry_${prefix.replace(/\W/g, '_')}_${Math.random().toString(36).slice(2, 10)}`
  const url = urlFor(db)
  await admin(PG_URL, (c) => c.query(`CREATE DATABASE ${pg.escapeIdentifier(db)}`))
  const cleanup = async (): Promise<void> => {
    await admin(PG_URL, async (c) => {
      await c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(db)} WITH (FORCE)`)
      if (existsSync(ws)) {
        await c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(sandboxDbName(realpathSync(ws)))} WITH (FORCE)`)
      }
    })
    t.cleanup()
  }
  try {
    const steps = ['p2.validate', ...(opts.migrate === false ? [] : ['p3.migrate'])]
    const r0 = ferry(['demo-workspace', ws, '--events', String(opts.events ?? 2000), '--json'])
    if (r0.code !== 0) throw new Error(`demo-workspace failed: ${r0.stderr}`)
    if (opts.snapshotStore) {
      // p1.snapshot-store's engine, run directly: the step itself would take a backup first,
      // which this throwaway workspace does not need.
      const ctx = { progress: () => undefined, log: () => undefined, signal: new AbortController().signal }
      await snapshotStoreJob({ root: ws }, ctx)
    }
    for (const s of steps) {
      const r = ferry(['run', s, '-w', ws, '--target', url, '--json'])
      if (r.code !== 0) throw new Error(`${s} failed: ${r.stdout}\n${r.stderr}`)
    }
  } catch (err) {
    await cleanup()
    throw err
  }
  return { ws, dir: t.dir, db, url, ferry, cleanup }
}
