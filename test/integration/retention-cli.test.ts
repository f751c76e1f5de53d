// `ferry retention …` as a user types it, on a real memory.db: install the triggers, preview,
// apply (backup first), list and restore — the rows come back byte for byte. Plus the contract
// handlers (retention.preview / retention.apply) on the same kind of workspace.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { retentionHandlers } from '../../electron/core/context-summary/api'
import { sqliteDb } from '../../electron/core/context-summary/db'
import { DEMO_SCHEMA_SQL } from '../../electron/core/workspace/demo/schema'
import { workspacePaths } from '../../electron/core/workspace/resolve'
import { ferryCli } from '../support/ferry-cli'
import { tempDir } from '../support/paths'
import { actualSummary, churn, expectedSummary, snapshotChecksum } from './context-summary-support'

const tmp = tempDir('ferry-retention-cli-')
afterAll(() => tmp.cleanup())

async function workspace(name: string, seed: number): Promise<string> {
  const ws = join(tmp.dir, name)
  mkdirSync(join(ws, '.claude'), { recursive: true })
  const db = new Database(join(ws, '.claude', 'memory.db'))
  db.exec(DEMO_SCHEMA_SQL)
  db.exec(`ALTER TABLE "memory_snapshots" ADD COLUMN "content_path" TEXT`)
  db.pragma('foreign_keys = OFF')
  await churn(sqliteDb(db), seed, 300)
  db.close()
  return ws
}

async function withDb<T>(ws: string, fn: (db: ReturnType<typeof sqliteDb>) => Promise<T>): Promise<T> {
  const db = new Database(join(ws, '.claude', 'memory.db'))
  try {
    return await fn(sqliteDb(db))
  } finally {
    db.close()
  }
}

describe('ferry retention', () => {
  it('install-triggers, preview, apply, restore on memory.db', async () => {
    const ws = await workspace('ws-cli', 5)
    const ferry = ferryCli(join(tmp.dir, 'config'))
    const json = (args: string[]): Record<string, unknown> => {
      const r = ferry(['retention', ...args, '-w', ws, '--json'])
      expect(r.code, r.stderr).toBe(0)
      return JSON.parse(r.stdout) as Record<string, unknown>
    }
    const inst = json(['install-triggers'])
    expect(inst.triggers).toHaveLength(6)
    const before = await withDb(ws, (db) => snapshotChecksum(db))
    const preview = json(['preview', '--keep', '2', '--per-day']) as { totals: { removeRows: number; removeBytes: number } }
    expect(preview.totals.removeRows).toBeGreaterThan(0)
    expect(await withDb(ws, (db) => snapshotChecksum(db))).toEqual(before)
    const applied = json(['apply', '--keep', '2', '--per-day']) as { totals: { removeRows: number; removeBytes: number }; batch: string; backupId: string }
    expect(applied.totals).toEqual(preview.totals)
    expect(applied.backupId).toMatch(/^\d{8}T/)
    const after = await withDb(ws, (db) => snapshotChecksum(db))
    expect(after.rows).toBe(before.rows - preview.totals.removeRows)
    expect(await withDb(ws, actualSummary)).toEqual(await withDb(ws, expectedSummary))
    const list = json(['restore', '--list']) as { batches: { batch: string; rows: number }[] }
    expect(list.batches).toEqual([expect.objectContaining({ batch: applied.batch, rows: preview.totals.removeRows })])
    json(['restore', '--batch', applied.batch])
    expect(await withDb(ws, (db) => snapshotChecksum(db))).toEqual(before)
    // Restoring again: there is no such batch any more — an error naming it, exit 1.
    const again = ferry(['retention', 'restore', '--batch', applied.batch, '-w', ws])
    expect(again.code).toBe(1)
    expect(again.stderr).toContain(applied.batch)
    const text = ferry(['retention', 'preview', '-w', ws, '--keep', '1'])
    expect(text.stdout).toContain('Would remove')
    json(['remove-triggers'])
  })

  it('retention.preview / retention.apply handlers: a stale preview is refused, nothing changes', async () => {
    const ws = await workspace('ws-api', 9)
    const h = retentionHandlers({
      paths: () => workspacePaths(ws),
      targetStatus: () => ({ state: 'disconnected' }) as never,
      targetUrl: () => Promise.reject(new Error('no target')),
      log: () => undefined,
    })
    const p = await h['retention.preview']({ backend: 'sqlite', keep: 3, perDay: false })
    expect(p.summarySource).toBe('aggregate')
    expect(p.largest.length).toBeGreaterThan(0)
    const before = await withDb(ws, (db) => snapshotChecksum(db))
    await expect(h['retention.apply']({ backend: 'sqlite', keep: 3, perDay: false, expectRows: p.totals.removeRows + 1 })).rejects.toMatchObject({
      code: 'RETENTION_PREVIEW_STALE',
    })
    expect(await withDb(ws, (db) => snapshotChecksum(db))).toEqual(before)
    const r = await h['retention.apply']({ backend: 'sqlite', keep: 3, perDay: false, expectRows: p.totals.removeRows })
    expect(r.totals.removeRows).toBe(p.totals.removeRows)
    const p2 = await h['retention.preview']({ backend: 'sqlite', keep: 3, perDay: false })
    expect(p2.totals.removeRows).toBe(0)
    expect(p2.archivedBatches[0]).toMatchObject({ batch: r.batch, rows: p.totals.removeRows })
    await expect(h['retention.preview']({ backend: 'postgres', keep: 3, perDay: false })).rejects.toMatchObject({ code: 'NO_TARGET' })
  })
})
