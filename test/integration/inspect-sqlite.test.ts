// The table inspector on a real SQLite file: keyset pages cover every row exactly once in both
// directions (also sorted by a nullable column and on a composite key), filters are bound values,
// cells keep NULL apart from '', blobs and 64-bit integers exact, and the console never writes.
import Database from 'better-sqlite3'
import { createHash } from 'node:crypto'
import { copyFileSync, existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Inspector } from '../../electron/core/inspect/inspector'
import { workspacePaths } from '../../electron/core/workspace/resolve'
import type { TargetStatus } from '../../shared/contract/types'
import { tempDir } from '../support/paths'
import { createInspectWorkspace, ORDER_ROWS, PAIR_ROWS, req, text, walk } from './inspect-support'

const offline: TargetStatus = {
  kind: 'embedded',
  display: 'embedded',
  state: 'not-started',
  serverVersion: null,
  error: null,
}
const sha = (f: string): string => createHash('sha256').update(readFileSync(f)).digest('hex')

describe('table inspector on SQLite', () => {
  const t = tempDir('ferry-inspect-')
  let file: string
  let before: string
  let ins: Inspector

  beforeAll(() => {
    file = createInspectWorkspace(t.dir)
    before = sha(file)
    ins = new Inspector({
      paths: () => workspacePaths(t.dir),
      targetStatus: () => offline,
      targetUrl: () => Promise.reject(new Error('no target in this test')),
      stepState: (id) =>
        id === 'p3.migrate'
          ? {
              stepId: id,
              status: 'done',
              runId: 'r1',
              startedAt: null,
              finishedAt: '2026-01-01T00:00:00.000Z',
              evidence: {
                tables: [
                  {
                    table: 'order',
                    target: 'order',
                    loadedRows: ORDER_ROWS,
                    rejectedRows: 2,
                    equal: false,
                  },
                ],
              },
              error: null,
              progress: null,
              confirmation: null,
            }
          : null,
    })
  })
  afterAll(async () => {
    await ins.close()
    t.cleanup()
  })

  it('lists the tables with exact counts, keys, indexes and declared types', async () => {
    const sources = await ins.sources()
    expect(sources.find((s) => s.id === 'state')?.available).toBe(true)
    expect(sources.find((s) => s.id === 'memory')?.available).toBe(false)
    const tables = await ins.tables('state')
    expect(tables.map((x) => x.name)).toEqual(['order', 'pairs', 'specials', 'we"ird'])
    const order = tables.find((x) => x.name === 'order')!
    expect(order.rows).toBe(ORDER_ROWS)
    expect(order.rowsExact).toBe(true)
    expect(order.indexes).toBe(1)
    expect(order.bytes).toBeGreaterThan(0)
    expect(order.key).toEqual({ kind: 'pk', columns: ['id'] })
    expect(order.columns.find((c) => c.name === 'Group')).toMatchObject({
      declaredType: 'TEXT',
      sortable: true,
    })
    expect(tables.find((x) => x.name === 'pairs')!.key).toEqual({ kind: 'pk', columns: ['a', 'b'] })
    expect(tables.find((x) => x.name === 'we"ird')!.key.kind).toBe('rowid')
  })

  it("shows p3.migrate's last result per table of memory.db", async () => {
    copyFileSync(file, join(t.dir, '.claude', 'memory.db'))
    const tables = await ins.tables('memory')
    expect(tables.find((x) => x.name === 'order')!.migration).toEqual({
      at: '2026-01-01T00:00:00.000Z',
      loadedRows: ORDER_ROWS,
      rejectedRows: 2,
      equal: false,
    })
    expect(tables.find((x) => x.name === 'pairs')!.migration).toBeNull()
    expect((await ins.tables('state')).every((x) => x.migration === null)).toBe(true)
  })

  it('pages the table named order by keyset: every row exactly once, forwards and backwards', async () => {
    const { forward, backward } = await walk(ins, req('order', { mode: 'first' }))
    const ids = forward.map((r) => r.cells[0])
    expect(ids).toEqual(Array.from({ length: ORDER_ROWS }, (_, i) => i + 1))
    expect(backward.map((r) => r.key)).toEqual(forward.map((r) => r.key))
  })

  it('sorts by the nullable indexed column "Group" in both directions without losing a row', async () => {
    for (const desc of [false, true]) {
      const { forward, backward } = await walk(
        ins,
        req('order', { mode: 'first' }, { sort: { column: 'Group', desc } }),
      )
      expect(new Set(forward.map((r) => r.cells[0])).size).toBe(ORDER_ROWS)
      expect(forward).toHaveLength(ORDER_ROWS)
      expect(backward.map((r) => r.key)).toEqual(forward.map((r) => r.key))
      const groups = forward.map((r) => r.cells[1] as string | null)
      const sorted = [...groups].sort((a, b) =>
        a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1,
      )
      expect(groups).toEqual(desc ? sorted.reverse() : sorted)
    }
  })

  it('pages a WITHOUT ROWID table by its composite key and a table whose rowid column is a real column', async () => {
    const pairs = await walk(ins, req('pairs', { mode: 'first' }))
    expect(pairs.forward).toHaveLength(PAIR_ROWS)
    expect(new Set(pairs.forward.map((r) => `${text(r.cells[0])}/${text(r.cells[1])}`)).size).toBe(
      PAIR_ROWS,
    )
    expect(pairs.backward.map((r) => r.key)).toEqual(pairs.forward.map((r) => r.key))
    const weird = await walk(ins, req('we"ird', { mode: 'first' }, { limit: 2 }))
    expect(weird.forward.map((r) => r.cells)).toEqual(
      [0, 1, 2, 3, 4].map((i) => [`x"${i}'`, `r${i}`]),
    )
  })

  it('answers index pages from sampled keys with the same rows as walking, and jumps to a key', async () => {
    const all = (
      await walk(ins, req('order', { mode: 'first' }, { sort: { column: 'Group', desc: false } }))
    ).forward
    for (const index of [0, 200, 400, 1000, 1200]) {
      const p = await ins.page(
        req('order', { mode: 'index', index }, { sort: { column: 'Group', desc: false } }),
      )
      expect(p.index).toBe(index)
      expect(p.rows.map((r) => r.key)).toEqual(all.slice(index, index + 100).map((r) => r.key))
    }
    const jump = await ins.page(req('order', { mode: 'key', values: ['500'] }))
    expect(jump.rows[0]!.cells[0]).toBe(500)
    expect(jump.index).toBe(499)
    const count = await ins.count({
      source: 'state',
      table: 'order',
      filters: [{ column: 'Group', op: 'null' }],
    })
    expect(count.rows).toBe(Math.floor(ORDER_ROWS / 7))
  })

  it('binds filter values: a quote-and-comment value finds nothing and raises nothing', async () => {
    for (const op of ['eq', 'contains'] as const) {
      const p = await ins.page(
        req(
          'order',
          { mode: 'first' },
          { filters: [{ column: 'Group', op, value: "' OR 1=1 --" }] },
        ),
      )
      expect(p.rows).toEqual([])
    }
    const hit = await ins.page(
      req(
        'specials',
        { mode: 'first' },
        { filters: [{ column: 't', op: 'eq', value: "' OR 1=1 --" }] },
      ),
    )
    expect(hit.rows.map((r) => r.cells[0])).toEqual([4])
    const g2 = await walk(
      ins,
      req('order', { mode: 'first' }, { filters: [{ column: 'Group', op: 'eq', value: 'g2' }] }),
    )
    expect(g2.forward.length).toBeGreaterThan(0)
    expect(g2.forward.every((r) => r.cells[1] === 'g2')).toBe(true)
    const range = await ins.count({
      source: 'state',
      table: 'order',
      filters: [{ column: 'id', op: 'range', min: '10', max: '19' }],
    })
    expect(range.rows).toBe(10)
    const like = await ins.count({
      source: 'state',
      table: 'order',
      filters: [{ column: 'note', op: 'contains', value: '%' }],
    })
    expect(like.rows).toBe(0)
  })

  it('encodes cells losslessly: NULL apart from empty text, blobs, 64-bit integers, JSON, long text', async () => {
    const p = await ins.page(req('specials', { mode: 'first' }))
    const [nulls, empty, plain, big] = p.rows.map((r) => r.cells)
    expect(nulls).toEqual([1, null, null, null, null, null, null])
    expect(empty!.slice(0, 6)).toEqual([
      2,
      '',
      { t: 'blob', size: 0, hex: '' },
      { t: 'num', v: '9223372036854775807' },
      1.5,
      { t: 'json', v: '{"a":[1,2,{"b":null}]}' },
    ])
    expect(empty![6]).toMatchObject({ t: 'long', chars: 5000, json: false })
    expect(plain!.slice(2, 6)).toEqual([
      { t: 'blob', size: 3, hex: '0102ff' },
      { t: 'num', v: '-9223372036854775808' },
      -0.25,
      { t: 'json', v: '[1,2]' },
    ])
    expect(big![3]).toEqual({ t: 'num', v: '9007199254740993' })
    expect(big![5]).toBe('not json {')
    const long = await ins.cell({
      source: 'state',
      table: 'specials',
      key: p.rows[1]!.key,
      column: 'long',
    })
    expect(long).toMatchObject({ kind: 'text', size: 5000, truncated: false })
    expect(long.value).toBe('x'.repeat(5000))
    const blob = await ins.cell({
      source: 'state',
      table: 'specials',
      key: p.rows[2]!.key,
      column: 'b',
    })
    expect(blob).toMatchObject({ kind: 'blob', value: '0102ff', size: 3 })
    const n = await ins.cell({
      source: 'state',
      table: 'specials',
      key: p.rows[0]!.key,
      column: 't',
    })
    expect(n.kind).toBe('null')
  })

  it('runs read statements in the console and refuses writes with the row count unchanged', async () => {
    const count = await ins.sqlRun('state', 'SELECT count(*) AS n FROM "order"')
    expect(count.rows).toEqual([[ORDER_ROWS]])
    const capped = await ins.sqlRun('state', 'SELECT * FROM "order";')
    expect(capped.rows).toHaveLength(1000)
    expect(capped.capped).toBe(true)
    for (const sql of [
      'DELETE FROM "order"',
      'UPDATE "order" SET note = 1',
      'DROP TABLE pairs',
      'CREATE TABLE x (a)',
      'BEGIN',
      "ATTACH 'x.db' AS x",
    ]) {
      await expect(ins.sqlRun('state', sql)).rejects.toMatchObject({ code: 'READ_ONLY' })
    }
    await expect(ins.sqlRun('state', 'SELECT 1; DELETE FROM "order"')).rejects.toMatchObject({
      code: 'SQL_ERROR',
    })
    await expect(ins.sqlRun('state', 'SELEC nonsense')).rejects.toMatchObject({ code: 'SQL_ERROR' })
    const db = new Database(file, { readonly: true })
    expect(db.prepare('SELECT count(*) FROM "order"').pluck().get()).toBe(ORDER_ROWS)
    db.close()
    expect(sha(file)).toBe(before)
    expect(existsSync(`${file}-wal`)).toBe(false)
  })

  it('explains a query as a tree and keeps the history in .ferry, not in the database', async () => {
    const plan = await ins.sqlExplain(
      'state',
      'SELECT * FROM "order" WHERE "Group" = \'g1\' ORDER BY id',
    )
    expect(plan.dialect).toBe('sqlite')
    expect(plan.tree[0]!.label).toMatch(/USING INDEX idx order "Group"/)
    await expect(ins.sqlExplain('state', 'DELETE FROM "order"')).rejects.toMatchObject({
      code: 'READ_ONLY',
    })
    const history = ins.history()
    expect(history[0]).toMatchObject({ kind: 'explain', ok: false, source: 'state' })
    expect(
      history.some((h) => h.sql === 'SELECT count(*) AS n FROM "order"' && h.ok && h.rows === 1),
    ).toBe(true)
    expect(statSync(join(t.dir, '.ferry', 'sql-history.json')).size).toBeGreaterThan(0)
    expect(sha(file)).toBe(before)
  })
})
