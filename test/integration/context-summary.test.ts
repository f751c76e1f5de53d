// Context consolidation triggers and snapshot retention on real memory.db files and a real
// PostgreSQL database: the summary equals the aggregates after any mix of writes; the preview
// equals what apply removes; apply + restore gives the rows back byte for byte.
import { existsSync, mkdirSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openPgStore, openSqliteStore } from '../../electron/core/agent-store'
import { pgDb, sqliteDb, type SummaryDb } from '../../electron/core/context-summary/db'
import { applyRetentionGuarded, withSummaryDb } from '../../electron/core/context-summary/open'
import { applyRetention, listArchive, previewRetention, restoreRetention } from '../../electron/core/context-summary/retention'
import { installSummary, summaryInstalled, uninstallSummary } from '../../electron/core/context-summary/summary'
import { DEMO_SCHEMA_SQL } from '../../electron/core/workspace/demo/schema'
import { tempDir } from '../support/paths'
import { actualSummary, churn, expectedSummary, PG_TABLES, snapshotChecksum } from './context-summary-support'
import { admin, PG_URL, urlFor } from './agent-store-support'

const DB_NAME = `ferry_ctxsum_${process.pid}`
const tmp = tempDir('ferry-ctxsum-')
let client: pg.Client

function sqliteFile(name: string): { file: string; db: Database.Database; s: SummaryDb } {
  const ws = join(tmp.dir, name)
  mkdirSync(join(ws, '.claude'), { recursive: true })
  const file = join(ws, '.claude', 'memory.db')
  const db = new Database(file)
  db.exec(DEMO_SCHEMA_SQL)
  // Orphan snapshots (a session deleted before its snapshots) are part of what the triggers handle.
  db.pragma('foreign_keys = OFF')
  db.exec(`ALTER TABLE "memory_snapshots" ADD COLUMN "content_path" TEXT`)
  return { file, db, s: sqliteDb(db) }
}

beforeAll(async () => {
  await admin(PG_URL, (c) => c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(DB_NAME)} WITH (FORCE)`))
  await admin(PG_URL, (c) => c.query(`CREATE DATABASE ${pg.escapeIdentifier(DB_NAME)}`))
  client = new pg.Client({ connectionString: urlFor(DB_NAME), options: '-c TimeZone=UTC' })
  await client.connect()
})

afterAll(async () => {
  await client?.end().catch(() => undefined)
  await admin(PG_URL, (c) => c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(DB_NAME)} WITH (FORCE)`))
  tmp.cleanup()
})

async function freshPg(): Promise<SummaryDb> {
  await client.query(`DROP SCHEMA IF EXISTS "agent_memory" CASCADE`)
  await client.query(PG_TABLES)
  return pgDb(client, 'agent_memory')
}

async function backends(): Promise<[string, SummaryDb][]> {
  return [
    ['sqlite', sqliteFile(`ws-${Math.random().toString(36).slice(2)}`).s],
    ['postgres', await freshPg()],
  ]
}

describe('context_session_summary triggers', () => {
  it('stay exactly equal to the aggregates after inserts, updates and deletes (both backends)', async () => {
    for (const [name, db] of await backends()) {
      await churn(db, 1, 60) // rows written before install: the backfill covers them
      const installed = await installSummary(db)
      expect(installed.triggers, name).toHaveLength(6)
      expect(await actualSummary(db), `${name} after backfill`).toEqual(await expectedSummary(db))
      await churn(db, 2, 400)
      expect(await actualSummary(db), `${name} after churn`).toEqual(await expectedSummary(db))
      // Deleting sessions and every snapshot of one.
      await db.run(`DELETE FROM ${db.t('memory_snapshots')} WHERE "session_id" = ?`, ['s2-3'])
      await db.run(`DELETE FROM ${db.t('context_sessions')} WHERE "session_id" IN (?, ?)`, ['s2-3', 's2-4'])
      expect(await actualSummary(db), `${name} after session deletes`).toEqual(await expectedSummary(db))
      // Idempotent install: a second one changes nothing.
      await installSummary(db)
      expect(await actualSummary(db), `${name} after re-install`).toEqual(await expectedSummary(db))
      await uninstallSummary(db)
      expect(await summaryInstalled(db), name).toBe(false)
      await churn(db, 3, 20) // writes work without the triggers
      await uninstallSummary(db) // idempotent
    }
  })

  it('the agent-store library reads a session through the summary (SQLite and PostgreSQL)', async () => {
    const { file, s } = sqliteFile('ws-lib')
    await installSummary(s)
    const sq = await openSqliteStore('agent-1', { file })
    await freshPg()
    await client.query(`CREATE TABLE "agent_memory"."agents" ("agent_id" text PRIMARY KEY, "agent_type" text NOT NULL, "status" text NOT NULL DEFAULT 'idle', "created_at" timestamptz, "last_activity" timestamptz)`)
    await client.query(`ALTER TABLE "agent_memory"."context_sessions" ALTER COLUMN "metadata" TYPE text`)
    await installSummary(pgDb(client, 'agent_memory'))
    const pgs = await openPgStore('agent-1', { url: urlFor(DB_NAME) })
    for (const store of [sq, pgs]) {
      await store.ensureAgent()
      const { sessionId } = await store.openSession({ title: 't' })
      expect(await store.getSessionSummary(sessionId)).toMatchObject({ snapshotCount: 0, totalSnapshotBytes: 0, latestSnapshotId: null, source: 'summary' })
      await store.saveSnapshot({ sessionId, type: 'auto', content: 'héllo' })
      const { snapshotId } = await store.saveSnapshot({ sessionId, type: 'auto', content: 'abc' })
      const sum = await store.getSessionSummary(sessionId)
      expect(sum, store.backend).toMatchObject({ sessionId, snapshotCount: 2, totalSnapshotBytes: 6 + 3, latestSnapshotId: snapshotId, source: 'summary' })
      expect(sum!.lastActivity).not.toBeNull()
      await store.close()
    }
    // Without the triggers the same read falls back to aggregating, and says so.
    await uninstallSummary(s)
    const again = await openSqliteStore('agent-1', { file })
    const sid = String((s as SummaryDb) && (await s.all(`SELECT "session_id" FROM "memory_snapshots" LIMIT 1`))[0]!.session_id)
    expect(await again.getSessionSummary(sid)).toMatchObject({ snapshotCount: 2, totalSnapshotBytes: 9, source: 'aggregate' })
    await again.close()
  })
})

describe('snapshot retention', () => {
  it('preview equals what apply removes; restore gives back byte-identical rows (both backends)', async () => {
    for (const [name, db] of await backends()) {
      await installSummary(db)
      await churn(db, 7, 500)
      for (const policy of [{ keep: 3, perDay: true }, { keep: 2, perDay: false }]) {
        const before = await snapshotChecksum(db)
        const beforeSummary = await actualSummary(db)
        const preview = await previewRetention(db, policy)
        expect(preview.totals.removeRows, name).toBeGreaterThan(0)
        // The preview changed nothing.
        expect(await snapshotChecksum(db)).toEqual(before)
        const applied = await applyRetention(db, policy)
        expect(applied.sessions, name).toEqual(preview.sessions)
        // Per session, the summary dropped by exactly what the preview listed.
        const after = new Map((await actualSummary(db)).map((r) => [r.session_id, r]))
        for (const s of preview.sessions) {
          const was = beforeSummary.find((r) => r.session_id === s.sessionId)!
          expect(was.snapshot_count - after.get(s.sessionId)!.snapshot_count, `${name} ${s.sessionId}`).toBe(s.removeRows)
          expect(was.total_snapshot_bytes - after.get(s.sessionId)!.total_snapshot_bytes).toBe(s.removeBytes)
        }
        expect(await actualSummary(db), `${name} summary after apply`).toEqual(await expectedSummary(db))
        // Every removed row is in the archive, whole: remaining + archived = the rows before.
        const remaining = await snapshotChecksum(db)
        const archived = await snapshotChecksum(db, 'memory_snapshots_archive', `WHERE "archive_batch" = '${applied.batch}'`)
        expect(remaining.rows + archived.rows).toBe(before.rows)
        expect(archived.rows).toBe(preview.totals.removeRows)
        // The policy holds: no session lost its newest `keep` snapshots, pinned ones all stay.
        const pinnedGone = await db.all(`SELECT count(*) AS "n" FROM ${db.t('memory_snapshots_archive')} WHERE CAST("is_pinned" AS INTEGER) = 1`)
        expect(Number(pinnedGone[0]!.n)).toBe(0)
        // A second apply with the same policy has nothing left to do.
        expect((await previewRetention(db, policy)).totals.removeRows).toBe(0)
        expect((await listArchive(db))[0]!.batch).toBe(applied.batch)
        const restored = await restoreRetention(db)
        expect(restored.rows).toBe(preview.totals.removeRows)
        expect(await snapshotChecksum(db), `${name} restore is byte-identical`).toEqual(before)
        expect(await actualSummary(db)).toEqual(beforeSummary)
        expect(await listArchive(db)).toEqual([])
      }
      // The triggers were muted only inside apply/restore (PostgreSQL, SET LOCAL): they fire again.
      await churn(db, 8, 80)
      expect(await actualSummary(db), `${name} after later writes`).toEqual(await expectedSummary(db))
    }
  })

  it('on SQLite, apply runs only after a verified workspace backup', async () => {
    const { file, db, s } = sqliteFile('ws-guarded')
    await installSummary(s)
    await churn(s, 11, 200)
    db.close()
    const ws = join(file, '..', '..')
    const preview = await withSummaryDb({ backend: 'sqlite', workspace: ws }, (x) => previewRetention(x, { keep: 1 }))
    const applied = await applyRetentionGuarded({ backend: 'sqlite', workspace: ws }, { keep: 1 })
    expect(applied.backupId).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{6}$/)
    expect(existsSync(join(ws, '.ferry', 'backups', applied.backupId!))).toBe(true)
    expect(readdirSync(join(ws, '.ferry', 'backups'))).toContain(applied.backupId)
    expect(applied.totals.removeRows).toBe(preview.totals.removeRows)
  })
})
