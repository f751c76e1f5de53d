// Shared by the snapshot-store tests: a canonical dump of memory_snapshots (storage class and
// exact bytes of every value, plus the table's SQL) and a small workspace with tricky content.
import { createHash } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import type { JobContext } from '../../electron/core/jobs/job'
import { workspacePaths, type WorkspacePaths } from '../../electron/core/workspace/resolve'

export const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')

export function quietCtx(): JobContext {
  return { signal: new AbortController().signal, log: () => undefined, progress: () => undefined }
}

/** Every row of memory_snapshots as `rowid|typeof:hex|…`, and the table's CREATE statement. */
export function dumpSnapshots(stateDb: string): { sql: string; rows: string[]; views: string[] } {
  const db = new Database(stateDb, { readonly: true })
  try {
    const cols = db
      .prepare("SELECT name FROM pragma_table_xinfo('memory_snapshots')")
      .pluck()
      .all() as string[]
    const q = (c: string) => `"${c.replace(/"/g, '""')}"`
    const sel = cols
      .map((c) => `typeof(${q(c)}) || ':' || coalesce(hex(CAST(${q(c)} AS BLOB)), '')`)
      .join(" || '|' || ")
    const rows = db
      .prepare(`SELECT rowid || '|' || ${sel} FROM memory_snapshots ORDER BY rowid`)
      .pluck()
      .all() as string[]
    const sql = db
      .prepare("SELECT sql FROM sqlite_schema WHERE name = 'memory_snapshots'")
      .pluck()
      .get() as string
    const views = db
      .prepare("SELECT name FROM sqlite_schema WHERE type = 'view' ORDER BY name")
      .pluck()
      .all() as string[]
    return { sql, rows, views }
  } finally {
    db.close()
  }
}

/** Original content of every snapshot: id → { storage class, exact bytes }. */
export function originalContent(stateDb: string): Map<number, { t: string; b: Buffer | null }> {
  const db = new Database(stateDb, { readonly: true })
  try {
    const rows = db
      .prepare(
        'SELECT snapshot_id AS id, typeof(content) AS t, CAST(content AS BLOB) AS b FROM memory_snapshots',
      )
      .all() as { id: number; t: string; b: Buffer | null }[]
    return new Map(rows.map((r) => [r.id, { t: r.t, b: r.b }]))
  } finally {
    db.close()
  }
}

export function storeFiles(paths: WorkspacePaths): string[] {
  try {
    return readdirSync(join(paths.claudeDir, 'memory_snapshots')).sort()
  } catch {
    return []
  }
}

export function fileSha(paths: WorkspacePaths, name: string): string {
  return sha256(readFileSync(join(paths.claudeDir, 'memory_snapshots', name)))
}

export const BIG = 3000

/**
 * A workspace whose memory_snapshots.content is nullable with no declared type: TEXT and BLOB
 * over the threshold, the same bytes as TEXT and as BLOB, duplicates, invalid UTF-8 and a NUL in
 * TEXT, an empty string, NULL, an integer, and rows under the threshold.
 */
export function trickyWorkspace(root: string): WorkspacePaths {
  mkdirSync(join(root, '.claude'), { recursive: true })
  const paths = workspacePaths(root)
  const db = new Database(paths.stateDb)
  db.exec(`CREATE TABLE memory_snapshots (snapshot_id INTEGER PRIMARY KEY, session_id TEXT, content, note TEXT);
           CREATE TABLE sessions (id TEXT PRIMARY KEY)`)
  const ins = db.prepare(
    'INSERT INTO memory_snapshots (snapshot_id, session_id, content, note) VALUES (?, ?, ?, ?)',
  )
  const insText = db.prepare(
    'INSERT INTO memory_snapshots (snapshot_id, session_id, content, note) VALUES (?, ?, CAST(? AS TEXT), ?)',
  )
  const json = JSON.stringify({
    entries: Array.from({ length: 200 }, (_, i) => ({ i, text: 'x'.repeat(20) })),
  })
  const raw = Buffer.concat([Buffer.from([0xff, 0xfe, 0x00, 0x01]), Buffer.alloc(BIG, 7)])
  ins.run(1, 's1', json, 'big json text')
  ins.run(2, 's1', json, 'duplicate of 1')
  ins.run(3, 's2', Buffer.from(json), 'same bytes as 1, but a BLOB')
  ins.run(4, 's2', raw, 'binary blob')
  insText.run(
    5,
    's3',
    Buffer.concat([
      Buffer.from('{"bad utf8": "'),
      Buffer.from([0xc3, 0x28, 0x00]),
      Buffer.alloc(BIG, 0x61),
      Buffer.from('"}'),
    ]),
    'invalid UTF-8 and a NUL in TEXT',
  )
  ins.run(6, 's3', 'small', 'under the threshold')
  ins.run(7, 's3', '', 'empty')
  ins.run(8, 's3', null, 'null')
  ins.run(9, 's4', 12345, 'integer')
  ins.run(10, 's4', 'é'.repeat(BIG), 'multi-byte text')
  db.close()
  return paths
}
