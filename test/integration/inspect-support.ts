// Fixtures and helpers for the table inspector's tests: a workspace whose state.db has the names
// and values that break naive SQL (a table called order, a column "Group", quotes in names,
// WITHOUT ROWID with a composite key, a column named rowid, NULL beside '', blobs, 2^63-1).
import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Cell, PageAt, PageRequest, Row } from '../../shared/contract/inspect'
import type { Inspector } from '../../electron/core/inspect/inspector'

export const ORDER_ROWS = 1234
export const PAIR_ROWS = 450

export function createInspectWorkspace(root: string): string {
  const claude = join(root, '.claude')
  mkdirSync(claude, { recursive: true })
  mkdirSync(join(root, '.ferry'), { recursive: true })
  const file = join(claude, 'state.db')
  const db = new Database(file)
  db.exec(`
    CREATE TABLE "order" (id INTEGER PRIMARY KEY, "Group" TEXT, note TEXT, data BLOB, big INTEGER, j TEXT);
    CREATE INDEX "idx order ""Group""" ON "order" ("Group");
    CREATE TABLE pairs (a TEXT NOT NULL, b INTEGER NOT NULL, v TEXT, PRIMARY KEY (a, b)) WITHOUT ROWID;
    CREATE TABLE "we""ird" ("co""l" TEXT, rowid TEXT);
    CREATE TABLE specials (id INTEGER PRIMARY KEY, t TEXT, b BLOB, n INTEGER, r REAL, j TEXT, long TEXT);
  `)
  const ins = db.prepare(
    'INSERT INTO "order" (id, "Group", note, data, big, j) VALUES (?, ?, ?, ?, ?, ?)',
  )
  db.transaction(() => {
    for (let i = 1; i <= ORDER_ROWS; i++) {
      // Every 7th group is NULL so sorting by "Group" meets NULLs in the middle of the keyset.
      const group = i % 7 === 0 ? null : `g${i % 5}`
      ins.run(
        i,
        group,
        i % 3 === 0 ? '' : `note ${i}`,
        i % 11 === 0 ? Buffer.from([i % 256, 0, 255]) : null,
        BigInt(i) * 10n ** 15n,
        JSON.stringify({ i }),
      )
    }
    const p = db.prepare('INSERT INTO pairs VALUES (?, ?, ?)')
    for (let i = 0; i < PAIR_ROWS; i++) p.run(`k${i % 9}`, i, `v${i}`)
    const w = db.prepare('INSERT INTO "we""ird" VALUES (?, ?)')
    for (let i = 0; i < 5; i++) w.run(`x"${i}'`, `r${i}`)
    const s = db.prepare('INSERT INTO specials VALUES (?, ?, ?, ?, ?, ?, ?)')
    s.run(1, null, null, null, null, null, null)
    s.run(
      2,
      '',
      Buffer.alloc(0),
      9223372036854775807n,
      1.5,
      '{"a":[1,2,{"b":null}]}',
      'x'.repeat(5000),
    )
    s.run(3, 'plain', Buffer.from('0102ff', 'hex'), -9223372036854775808n, -0.25, '[1,2]', null)
    s.run(4, "' OR 1=1 --", null, 9007199254740993n, null, 'not json {', null)
  })()
  db.close()
  return file
}

export function req(table: string, at: PageAt, extra: Partial<PageRequest> = {}): PageRequest {
  return { source: 'state', table, at, limit: 100, ...extra }
}

/** Walks a view from the first page forwards and from the last page backwards. */
export async function walk(
  ins: Inspector,
  base: PageRequest,
): Promise<{ forward: Row[]; backward: Row[] }> {
  const forward: Row[] = []
  let p = await ins.page({ ...base, at: { mode: 'first' } })
  forward.push(...p.rows)
  while (p.hasNext) {
    p = await ins.page({ ...base, at: { mode: 'after', key: p.rows.at(-1)!.key } })
    forward.push(...p.rows)
  }
  const backward: Row[] = []
  p = await ins.page({ ...base, at: { mode: 'last' } })
  backward.unshift(...p.rows)
  while (p.hasPrev) {
    p = await ins.page({ ...base, at: { mode: 'before', key: p.rows[0]!.key } })
    backward.unshift(...p.rows)
  }
  return { forward, backward }
}

export const text = (c: Cell | undefined): string => (typeof c === 'string' ? c : JSON.stringify(c))
