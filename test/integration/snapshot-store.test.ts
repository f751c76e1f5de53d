import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { loadSnapshot, loadSnapshotContent } from '../../electron/core/snapshots/reader'
import { rehydrateSnapshots } from '../../electron/core/snapshots/rehydrate'
import { storeLargeSnapshots } from '../../electron/core/snapshots/store'
import { vacuumIfSafe } from '../../electron/core/snapshots/vacuum'
import { createDemoWorkspace } from '../../electron/core/workspace/demo/index'
import { workspacePaths } from '../../electron/core/workspace/resolve'
import { tempDir } from '../support/paths'
import {
  dumpSnapshots,
  fileSha,
  originalContent,
  quietCtx,
  sha256,
  storeFiles,
  trickyWorkspace,
} from './snapshot-support'

const cleanups: (() => void)[] = []
afterEach(() => cleanups.splice(0).forEach((c) => c()))
const DEFAULT = { thresholdBytes: 64 * 1024, thresholdSource: 'default' as const }

async function demo() {
  const t = tempDir('ferry-snap-')
  cleanups.push(t.cleanup)
  await createDemoWorkspace(join(t.dir, 'ws'), { events: 500 })
  return workspacePaths(join(t.dir, 'ws'))
}

function tricky() {
  const t = tempDir('ferry-snap-')
  cleanups.push(t.cleanup)
  return trickyWorkspace(t.dir)
}

/** A workspace whose memory_snapshots has these columns instead of the plan's (and no rows). */
function ownSnapshots(columns: string) {
  const paths = tricky()
  const db = new Database(paths.stateDb)
  db.exec(`DROP TABLE memory_snapshots; CREATE TABLE memory_snapshots (${columns})`)
  db.close()
  return paths
}

function withDb<T>(path: string, fn: (db: Database.Database) => T): T {
  const db = new Database(path, { readonly: true })
  try {
    return fn(db)
  } finally {
    db.close()
  }
}

describe('p1.snapshot-store on the demo workspace', () => {
  it('moves every snapshot over 64 KiB into a file named by its SHA-256, and undo restores the table exactly', async () => {
    const paths = await demo()
    const before = dumpSnapshots(paths.stateDb)
    const original = originalContent(paths.stateDb)
    const large = [...original].filter(([, c]) => (c.b?.length ?? 0) > 64 * 1024)
    expect(large.length).toBeGreaterThanOrEqual(5)

    const ev = await storeLargeSnapshots(paths, quietCtx(), DEFAULT)
    expect(ev.rowsMoved).toBe(large.length)
    expect(ev.bytesMoved).toBe(large.reduce((n, [, c]) => n + (c.b?.length ?? 0), 0))
    expect(ev.placeholder).toBe('marker')
    expect(ev.filesVerified).toBe(ev.after.files)
    expect(ev.vacuum.ran).toBe(true)
    expect(ev.dbBytesAfter).toBeLessThan(ev.dbBytesBefore)

    const files = storeFiles(paths)
    expect(files).toHaveLength(ev.filesWritten)
    for (const f of files) expect(f).toBe(`${fileSha(paths, f)}.json`)

    withDb(paths.stateDb, (db) => {
      for (const [id, c] of original) {
        const got = loadSnapshotContent(db, paths, id)
        expect(got.storage, `snapshot ${id}`).toBe(c.t)
        expect(got.bytes.equals(c.b as Buffer), `snapshot ${id}`).toBe(true)
        expect(got.location).toBe((c.b?.length ?? 0) > 64 * 1024 ? 'file' : 'inline')
        expect(loadSnapshot(db, paths, id)).toBe((c.b as Buffer).toString('utf8'))
      }
      const [id] = large[0] as [number, unknown]
      const row = db
        .prepare(
          'SELECT content, content_path, content_sha256 FROM memory_snapshots WHERE snapshot_id = ?',
        )
        .get(id) as Record<string, string>
      expect(JSON.parse(row.content as string)).toEqual({
        ferry_snapshot_file: row.content_path,
        sha256: row.content_sha256,
        bytes: original.get(id)?.b?.length,
        storage: 'text',
      })
      const view = db
        .prepare(
          'SELECT content, content_location FROM memory_snapshots_full WHERE snapshot_id = ?',
        )
        .get(id) as Record<string, string>
      expect(view).toEqual({ content: row.content, content_location: 'file' })
    })

    const undo = await rehydrateSnapshots(paths, quietCtx())
    expect(undo.rowsRehydrated).toBe(large.length)
    expect(undo.columnsDropped).toEqual([
      'content_storage',
      'content_bytes',
      'content_sha256',
      'content_path',
    ])
    expect(undo.storeDirRemoved).toBe(true)
    expect(dumpSnapshots(paths.stateDb)).toEqual(before)
    withDb(paths.stateDb, (db) => expect(db.pragma('integrity_check', { simple: true })).toBe('ok'))
  })

  it('a second run moves nothing new and keeps every file verified', async () => {
    const paths = await demo()
    const first = await storeLargeSnapshots(paths, quietCtx(), DEFAULT)
    const again = await storeLargeSnapshots(paths, quietCtx(), DEFAULT)
    expect(again).toMatchObject({
      rowsMoved: 0,
      candidates: 0,
      filesWritten: 0,
      columnsAdded: [],
      viewCreated: false,
    })
    expect(again.after).toEqual(first.after)
    expect(again.filesVerified).toBe(first.after.files)
  })
})

describe('p1.snapshot-store with TEXT, BLOB, duplicates and odd bytes', () => {
  it('stores identical content once, keeps storage classes and bytes, sets nullable content to NULL, and undo restores it all', async () => {
    const paths = tricky()
    const before = dumpSnapshots(paths.stateDb)
    const original = originalContent(paths.stateDb)
    const ev = await storeLargeSnapshots(paths, quietCtx(), {
      thresholdBytes: 1000,
      thresholdSource: 'param',
      batchRows: 2,
    })
    expect(ev.rowsMoved).toBe(6)
    expect(ev.filesWritten).toBe(4)
    expect(ev.duplicatesDeduplicated).toBe(2)
    expect(ev.placeholder).toBe('null')
    const files = storeFiles(paths)
    expect(files).toHaveLength(4)
    for (const f of files) expect(f.replace(/\.(json|bin)$/, '')).toBe(fileSha(paths, f))
    expect(files.filter((f) => f.endsWith('.json'))).toHaveLength(1)

    withDb(paths.stateDb, (db) => {
      const rows = db
        .prepare(
          'SELECT snapshot_id AS id, typeof(content) AS t, content_storage AS s FROM memory_snapshots WHERE content_path IS NOT NULL ORDER BY 1',
        )
        .all()
      expect(rows).toEqual(
        [1, 2, 3, 4, 5, 10].map((id) => ({
          id,
          t: 'null',
          s: id === 3 || id === 4 ? 'blob' : 'text',
        })),
      )
      for (const [id, c] of original) {
        const got = loadSnapshotContent(db, paths, id)
        expect(got.storage, `snapshot ${id}`).toBe(c.t)
        expect(got.bytes.equals(c.b ?? Buffer.alloc(0)), `snapshot ${id}`).toBe(true)
      }
      expect(Buffer.isBuffer(loadSnapshot(db, paths, 4))).toBe(true)
      expect(loadSnapshot(db, paths, 8)).toBeNull()
      expect(loadSnapshot(db, paths, 10)).toBe('é'.repeat(3000))
    })

    await rehydrateSnapshots(paths, quietCtx())
    expect(dumpSnapshots(paths.stateDb)).toEqual(before)
    expect(storeFiles(paths)).toEqual([])
  })

  it('fails loudly, naming the snapshot and the file, when a stored file was changed', async () => {
    const paths = tricky()
    await storeLargeSnapshots(paths, quietCtx(), { thresholdBytes: 1000, thresholdSource: 'param' })
    const target = withDb(
      paths.stateDb,
      (db) =>
        db
          .prepare('SELECT content_path FROM memory_snapshots WHERE snapshot_id = 4')
          .pluck()
          .get() as string,
    )
    const file = join(paths.claudeDir, target)
    const bytes = readFileSync(file)
    bytes[10] = (bytes[10] ?? 0) ^ 1
    writeFileSync(file, bytes)

    const err = withDb(paths.stateDb, (db) => {
      try {
        loadSnapshot(db, paths, 4)
      } catch (e) {
        return e as { code: string; message: string }
      }
      return null
    })
    expect(err?.code).toBe('SNAPSHOT_CORRUPT')
    expect(err?.message).toContain('Snapshot 4')
    expect(err?.message).toContain(target)

    await expect(
      storeLargeSnapshots(paths, quietCtx(), { thresholdBytes: 1000, thresholdSource: 'param' }),
    ).rejects.toMatchObject({ code: 'SNAPSHOT_CORRUPT' })
    const beforeUndo = dumpSnapshots(paths.stateDb)
    await expect(rehydrateSnapshots(paths, quietCtx())).rejects.toMatchObject({
      code: 'SNAPSHOT_CORRUPT',
      message: expect.stringContaining('Snapshot 4'),
    })
    // Rows before the damaged one may be back inline; the damaged one still points at its file.
    const after = dumpSnapshots(paths.stateDb)
    expect(after.rows.length).toBe(beforeUndo.rows.length)
    withDb(paths.stateDb, (db) =>
      expect(
        db.prepare('SELECT content_path FROM memory_snapshots WHERE snapshot_id = 4').pluck().get(),
      ).toBe(target),
    )
  })

  it('fails loudly when a stored file is missing', async () => {
    const paths = tricky()
    await storeLargeSnapshots(paths, quietCtx(), { thresholdBytes: 1000, thresholdSource: 'param' })
    const { unlinkSync } = await import('node:fs')
    const target = withDb(
      paths.stateDb,
      (db) =>
        db
          .prepare('SELECT content_path FROM memory_snapshots WHERE snapshot_id = 10')
          .pluck()
          .get() as string,
    )
    unlinkSync(join(paths.claudeDir, target))
    withDb(paths.stateDb, (db) =>
      expect(() => loadSnapshot(db, paths, 10)).toThrow(/Snapshot 10: cannot open/),
    )
  })

  it('leaves a database without memory_snapshots alone', async () => {
    const t = tempDir('ferry-snap-')
    cleanups.push(t.cleanup)
    const paths = trickyWorkspace(t.dir)
    const db = new Database(paths.stateDb)
    db.exec('DROP TABLE memory_snapshots')
    db.close()
    const ev = await storeLargeSnapshots(paths, quietCtx(), DEFAULT)
    expect(ev).toMatchObject({ table: null, rowsMoved: 0 })
    expect(ev.note).toContain('no memory_snapshots table')
  })

  it('moves the column a table without `content` keeps its snapshots in, and undo puts it back', async () => {
    const paths = ownSnapshots(
      'id INTEGER PRIMARY KEY, agent_id TEXT, "Snap Shot" JSON NOT NULL, note TEXT',
    )
    const db = new Database(paths.stateDb)
    const ins = db.prepare('INSERT INTO memory_snapshots VALUES (?, ?, ?, ?)')
    ins.run(1, 'a', JSON.stringify({ k: 'x'.repeat(5000) }), 'short')
    ins.run(2, 'b', '{"small": 1}', null)
    ins.run(3, 'c', Buffer.alloc(3000, 7), 'blob')
    db.close()
    const before = dumpSnapshots(paths.stateDb)
    const ev = await storeLargeSnapshots(paths, quietCtx(), {
      thresholdBytes: 1000,
      thresholdSource: 'param',
    })
    expect(ev).toMatchObject({ column: 'Snap Shot', rowsMoved: 2, placeholder: 'marker' })
    withDb(paths.stateDb, (d) => {
      const rows = d
        .prepare(
          'SELECT id, json_extract("Snap Shot", \'$.ferry_snapshot_file\') AS f, note FROM memory_snapshots ORDER BY id',
        )
        .all() as { id: number; f: string | null; note: string | null }[]
      expect(rows.map((r) => [r.id, r.f !== null, r.note])).toEqual([
        [1, true, 'short'],
        [2, false, null],
        [3, true, 'blob'],
      ])
      expect(loadSnapshot(d, paths, 1)).toBe(JSON.stringify({ k: 'x'.repeat(5000) }))
      expect(loadSnapshot(d, paths, 3)).toEqual(Buffer.alloc(3000, 7))
    })
    // A second run finds the same column through the store's view, and moves nothing more.
    const again = await storeLargeSnapshots(paths, quietCtx(), {
      thresholdBytes: 1000,
      thresholdSource: 'param',
    })
    expect(again).toMatchObject({ column: 'Snap Shot', rowsMoved: 0 })
    await rehydrateSnapshots(paths, quietCtx())
    expect(dumpSnapshots(paths.stateDb)).toEqual(before)
    expect(storeFiles(paths)).toEqual([])
  })

  it('refuses to guess between two columns with large values, and moves the one the user names', async () => {
    const paths = ownSnapshots('state TEXT, summary TEXT, tiny TEXT')
    const db = new Database(paths.stateDb)
    db.prepare('INSERT INTO memory_snapshots VALUES (?, ?, ?)').run(
      's'.repeat(2000),
      'm'.repeat(2000),
      'x',
    )
    db.close()
    const before = dumpSnapshots(paths.stateDb)
    const opts = { thresholdBytes: 1000, thresholdSource: 'param' as const }
    await expect(storeLargeSnapshots(paths, quietCtx(), opts)).rejects.toMatchObject({
      code: 'SNAPSHOT_COLUMN_AMBIGUOUS',
      message: expect.stringContaining('"state" (1 rows), "summary" (1 rows)'),
      hint: expect.stringContaining('FERRY_SNAPSHOT_COLUMN=state'),
    })
    expect(dumpSnapshots(paths.stateDb)).toEqual(before)
    await expect(
      storeLargeSnapshots(paths, quietCtx(), { ...opts, column: 'nope' }),
    ).rejects.toMatchObject({ code: 'SNAPSHOT_COLUMN_UNKNOWN' })
    const ev = await storeLargeSnapshots(paths, quietCtx(), { ...opts, column: 'summary' })
    expect(ev).toMatchObject({ column: 'summary', rowsMoved: 1, placeholder: 'null' })
    withDb(paths.stateDb, (d) =>
      expect(d.prepare('SELECT length(state), summary FROM memory_snapshots').raw().get()).toEqual([
        2000,
        null,
      ]),
    )
    // Nothing large anywhere: nothing to move, and the table is left as it is.
    const small = ownSnapshots('id INTEGER PRIMARY KEY, data TEXT')
    const smallBefore = dumpSnapshots(small.stateDb)
    const none = await storeLargeSnapshots(small, quietCtx(), opts)
    expect(none).toMatchObject({ rowsMoved: 0, column: null })
    expect(none.note).toContain('nothing to move')
    expect(dumpSnapshots(small.stateDb)).toEqual(smallBefore)
  })

  it('refuses a table whose UPDATE triggers would fire', async () => {
    const paths = tricky()
    const db = new Database(paths.stateDb)
    db.exec(
      "CREATE TRIGGER touch AFTER UPDATE ON memory_snapshots BEGIN UPDATE memory_snapshots SET note = 'touched' WHERE snapshot_id = new.snapshot_id; END",
    )
    db.close()
    const before = dumpSnapshots(paths.stateDb)
    await expect(storeLargeSnapshots(paths, quietCtx(), DEFAULT)).rejects.toMatchObject({
      code: 'SNAPSHOT_TRIGGERS',
    })
    expect(dumpSnapshots(paths.stateDb)).toEqual(before)
  })

  it('hashes the exact stored bytes of TEXT with invalid UTF-8', async () => {
    const paths = tricky()
    const original = originalContent(paths.stateDb).get(5)?.b as Buffer
    await storeLargeSnapshots(paths, quietCtx(), { thresholdBytes: 1000, thresholdSource: 'param' })
    const sha = withDb(paths.stateDb, (db) =>
      db.prepare('SELECT content_sha256 FROM memory_snapshots WHERE snapshot_id = 5').pluck().get(),
    )
    expect(sha).toBe(sha256(original))
  })

  it('does not VACUUM when that would renumber implicit rowids, and says why', async () => {
    const paths = tricky()
    const db = new Database(paths.stateDb)
    db.exec('CREATE TABLE loose (a TEXT, b TEXT)')
    for (let i = 0; i < 10; i++) db.prepare('INSERT INTO loose VALUES (?, ?)').run(`a${i}`, 'b')
    db.exec('DELETE FROM loose WHERE rowid IN (2, 5)')
    db.close()
    const rowids = () =>
      withDb(paths.stateDb, (d) =>
        d.prepare('SELECT rowid FROM loose ORDER BY rowid').pluck().all(),
      )
    const before = rowids()
    const ev = await storeLargeSnapshots(paths, quietCtx(), {
      thresholdBytes: 1000,
      thresholdSource: 'param',
    })
    expect(ev.rowsMoved).toBe(6)
    expect(ev.vacuum.ran).toBe(false)
    expect(ev.vacuum.reason).toContain('loose')
    expect(rowids()).toEqual(before)
  })

  it('reports a VACUUM that another connection blocks instead of failing the step', () => {
    const paths = tricky()
    const reader = new Database(paths.stateDb, { readonly: true })
    reader.exec('BEGIN')
    reader.prepare('SELECT count(*) FROM memory_snapshots').get()
    const db = new Database(paths.stateDb)
    db.pragma('busy_timeout = 50')
    try {
      const r = vacuumIfSafe(db)
      expect(r.ran).toBe(false)
      expect(r.reason).toMatch(/VACUUM could not run: .*locked/)
    } finally {
      db.close()
      reader.exec('COMMIT')
      reader.close()
    }
  })
})
