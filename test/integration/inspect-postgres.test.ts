// The table inspector on a real PostgreSQL: a schema of our own (dropped after) with a table named
// order and a column "Group", a composite key, a table without a primary key (paged by ctid), and
// the console inside a READ ONLY transaction.
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Inspector } from '../../electron/core/inspect/inspector'
import { workspacePaths } from '../../electron/core/workspace/resolve'
import type { TargetStatus } from '../../shared/contract/types'
import { tempDir } from '../support/paths'
import { createInspectWorkspace, walk } from './inspect-support'

const URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const SCHEMA = `ferry_inspect_${process.pid}`
const ROWS = 1111
const connected: TargetStatus = {
  kind: 'url',
  display: URL,
  state: 'connected',
  serverVersion: '15',
  error: null,
}

describe('table inspector on PostgreSQL', () => {
  const t = tempDir('ferry-inspect-pg-')
  const admin = new pg.Client({ connectionString: URL })
  let ins: Inspector
  const src = `pg:${SCHEMA}`

  beforeAll(async () => {
    createInspectWorkspace(t.dir)
    await admin.connect()
    await admin.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE; CREATE SCHEMA "${SCHEMA}"`)
    await admin.query(`SET search_path TO "${SCHEMA}"`)
    await admin.query(`
      CREATE TABLE "order" (id bigint PRIMARY KEY, "Group" text, note text, data bytea, big bigint, j jsonb, amount numeric(20,4), at timestamptz);
      CREATE INDEX ON "order" ("Group");
      INSERT INTO "order" SELECT i, CASE WHEN i % 7 = 0 THEN NULL ELSE 'g' || (i % 5) END,
        CASE WHEN i % 3 = 0 THEN '' ELSE 'note ' || i END, CASE WHEN i % 11 = 0 THEN '\\x00ff'::bytea END,
        i * 1000000000000000, jsonb_build_object('i', i), i / 3.0, timestamptz '2024-01-01 00:00:00+00' + i * interval '1 minute'
        FROM generate_series(1, ${ROWS}) i;
      INSERT INTO "order" (id, big) VALUES (9223372036854775807, 9223372036854775807);
      CREATE TABLE pairs (a text, b int, v text, PRIMARY KEY (a, b));
      INSERT INTO pairs SELECT 'k' || (i % 9), i, 'v' || i FROM generate_series(0, 449) i;
      CREATE TABLE "no ""key""" (x text);
      INSERT INTO "no ""key""" SELECT 'x' || i FROM generate_series(1, 250) i;
      ANALYZE;`)
    ins = new Inspector({
      paths: () => workspacePaths(t.dir),
      targetStatus: () => connected,
      targetUrl: async () => URL,
    })
  })

  afterAll(async () => {
    await ins?.close()
    await admin.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`)
    await admin.end()
    t.cleanup()
  })

  it('lists the schema and its tables with estimates, sizes and PostgreSQL types', async () => {
    const sources = await ins.sources()
    expect(sources.find((s) => s.id === src)).toMatchObject({ kind: 'postgres', available: true })
    const tables = await ins.tables(src)
    expect(tables.map((x) => x.name).sort()).toEqual(['no "key"', 'order', 'pairs'])
    const order = tables.find((x) => x.name === 'order')!
    expect(order.rows).toBe(ROWS + 1)
    expect(order.rowsExact).toBe(false)
    expect(order.bytes).toBeGreaterThan(0)
    expect(order.key).toEqual({ kind: 'pk', columns: ['id'] })
    expect(order.columns.find((c) => c.name === 'amount')?.pgType).toBe('numeric(20,4)')
    expect(order.columns.find((c) => c.name === 'Group')?.sortable).toBe(true)
    expect(tables.find((x) => x.name === 'no "key"')!.key.kind).toBe('ctid')
    expect((await ins.count({ source: src, table: 'order' })).rows).toBe(ROWS + 1)
  })

  it('pages every row exactly once in both directions: by key, by nullable "Group" both ways, by composite key and by ctid', async () => {
    const cases = [
      { table: 'order', n: ROWS + 1 },
      { table: 'order', n: ROWS + 1, sort: { column: 'Group', desc: false } },
      { table: 'order', n: ROWS + 1, sort: { column: 'Group', desc: true } },
      { table: 'pairs', n: 450 },
      { table: 'no "key"', n: 250 },
    ]
    for (const c of cases) {
      const { forward, backward } = await walk(ins, {
        source: src,
        table: c.table,
        at: { mode: 'first' },
        limit: 97,
        sort: c.sort ?? null,
      })
      expect(forward).toHaveLength(c.n)
      expect(new Set(forward.map((r) => r.key)).size).toBe(c.n)
      expect(backward.map((r) => r.key)).toEqual(forward.map((r) => r.key))
      if (c.sort) {
        const mid = await ins.page({
          source: src,
          table: c.table,
          at: { mode: 'index', index: 600 },
          limit: 97,
          sort: c.sort,
        })
        expect(mid.rows.map((r) => r.key)).toEqual(forward.slice(600, 697).map((r) => r.key))
      }
    }
  })

  it('filters a column with a nondeterministic collation (a migrated COLLATE NOCASE) without PostgreSQL refusing ILIKE', async () => {
    await admin.query(`
      CREATE COLLATION "${SCHEMA}".ferry_nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
      CREATE TABLE "${SCHEMA}".tags (id bigint PRIMARY KEY, label text COLLATE "${SCHEMA}".ferry_nocase);
      INSERT INTO "${SCHEMA}".tags VALUES (1, 'Red'), (2, 'red'), (3, 'blue'), (4, 'Bored');`)
    try {
      const contains = await ins.page({
        source: src,
        table: 'tags',
        at: { mode: 'first' },
        limit: 10,
        filters: [{ column: 'label', op: 'contains', value: 'RED' }],
      })
      expect(contains.rows.map((r) => r.cells[1])).toEqual(['Red', 'red', 'Bored'])
      const eq = await ins.count({ source: src, table: 'tags', filters: [{ column: 'label', op: 'eq', value: 'RED' }] })
      expect(eq.rows).toBe(2)
    } finally {
      await admin.query(`DROP TABLE "${SCHEMA}".tags; DROP COLLATION "${SCHEMA}".ferry_nocase`)
    }
  })

  it('binds filters and encodes values exactly', async () => {
    const evil = await ins.page({
      source: src,
      table: 'order',
      at: { mode: 'first' },
      limit: 10,
      filters: [{ column: 'Group', op: 'eq', value: "' OR 1=1 --" }],
    })
    expect(evil.rows).toEqual([])
    const contains = await ins.count({
      source: src,
      table: 'order',
      filters: [{ column: 'note', op: 'contains', value: "' OR 1=1 --" }],
    })
    expect(contains.rows).toBe(0)
    const json = await ins.count({
      source: src,
      table: 'order',
      filters: [{ column: 'j', op: 'eq', value: '{"i": 5}' }],
    })
    expect(json.rows).toBe(1)
    const last = await ins.page({ source: src, table: 'order', at: { mode: 'last' }, limit: 1 })
    expect(last.rows[0]!.cells.slice(0, 5)).toEqual([
      { t: 'num', v: '9223372036854775807' },
      null,
      null,
      null,
      { t: 'num', v: '9223372036854775807' },
    ])
    const row11 = await ins.page({
      source: src,
      table: 'order',
      at: { mode: 'key', values: ['11'] },
      limit: 1,
    })
    expect(row11.index).toBe(10)
    const [id, group, note, data, , j, amount, at] = row11.rows[0]!.cells
    expect([id, group, note, data]).toEqual([
      11,
      'g1',
      'note 11',
      { t: 'blob', size: 2, hex: '00ff' },
    ])
    expect(j).toEqual({ t: 'json', v: '{"i": 11}' })
    expect(amount).toEqual({ t: 'num', v: '3.6667' })
    expect(at).toBe('2024-01-01 00:11:00+00')
    const row3 = await ins.page({
      source: src,
      table: 'order',
      at: { mode: 'key', values: ['3'] },
      limit: 1,
    })
    expect(row3.rows[0]!.cells[2]).toBe('')
    const full = await ins.cell({
      source: src,
      table: 'order',
      key: row11.rows[0]!.key,
      column: 'data',
    })
    expect(full).toMatchObject({ kind: 'blob', value: '00ff', size: 2 })
  })

  it('runs the console read-only: counts, caps, SHOW, EXPLAIN as a tree; refuses writes and changes nothing', async () => {
    const n = await ins.sqlRun(src, 'SELECT count(*) FROM "order";')
    expect(n.rows).toEqual([[ROWS + 1]])
    const capped = await ins.sqlRun(src, 'SELECT * FROM generate_series(1, 5000)')
    expect(capped.rows).toHaveLength(1000)
    expect(capped.capped).toBe(true)
    const show = await ins.sqlRun(src, 'SHOW transaction_read_only')
    expect(show.rows).toEqual([['on']])
    for (const sql of [
      'DELETE FROM "order"',
      'UPDATE "order" SET note = \'x\'',
      'DROP TABLE pairs',
      'CREATE TABLE t (a int)',
    ]) {
      await expect(ins.sqlRun(src, sql)).rejects.toMatchObject({ code: 'READ_ONLY' })
    }
    await expect(ins.sqlRun(src, 'COMMIT; DELETE FROM "order"')).rejects.toMatchObject({
      code: 'SQL_ERROR',
    })
    await expect(ins.sqlRun(src, 'SELECT pg_sleep(11)')).rejects.toMatchObject({
      code: 'QUERY_TIMEOUT',
    })
    const plan = await ins.sqlExplain(src, 'SELECT * FROM "order" WHERE id = 5')
    expect(plan.tree[0]!.label).toMatch(/Index Scan using order_pkey on order/)
    const r = await admin.query(`SELECT count(*)::int AS n FROM "${SCHEMA}"."order"`)
    expect(r.rows[0].n).toBe(ROWS + 1)
    const apps = await admin.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'ferry-inspect'`,
    )
    expect(apps.rows[0].n).toBeGreaterThan(0)
  })
})
