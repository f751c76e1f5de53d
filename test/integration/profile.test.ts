// The data profile of pre.document-schema, checked against what plain SQL says about the same file.
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import type { JobContext } from '../../electron/core/jobs/job'
import { countRows, describeTable, listTables } from '../../electron/core/sqlite/introspect'
import { addProfileFunctions, profileTable } from '../../electron/core/sqlite/profile'
import type { ColumnProfile, Finding } from '../../electron/core/sqlite/profile-types'
import { documentSchema } from '../../electron/core/steps/document-schema'
import { createDemoWorkspace } from '../../electron/core/workspace/demo/index'
import { workspacePaths } from '../../electron/core/workspace/resolve'
import { CHINOOK, tempDir } from '../support/paths'
import { createQuirkyDb } from '../support/quirky-db'

const cleanups: (() => void)[] = []
afterEach(() => cleanups.splice(0).forEach((c) => c()))
const ctx = (): JobContext => ({
  signal: new AbortController().signal,
  log: () => undefined,
  progress: () => undefined,
})

function workspace(fill: (stateDb: string) => void) {
  const t = tempDir('ferry-profile-')
  cleanups.push(t.cleanup)
  mkdirSync(join(t.dir, '.claude'))
  const paths = workspacePaths(t.dir)
  fill(paths.stateDb)
  return paths
}

const find = (fs: Finding[], table: string, column: string, kind: Finding['kind']) =>
  fs.find((f) => f.table === table && f.column === column && f.kind === kind)

type SchemaJson = {
  tables: { name: string; columns: { name: string; profile?: ColumnProfile }[] }[]
  findings: Finding[]
}

describe('pre.document-schema data profile', () => {
  it('finds the demo workspace dirt: every orphaned reference, the malformed JSON and the stray status', async () => {
    const t = tempDir('ferry-profile-')
    cleanups.push(t.cleanup)
    await createDemoWorkspace(join(t.dir, 'ws'), { events: 3000 })
    const paths = workspacePaths(join(t.dir, 'ws'))
    const ev = await documentSchema(paths, ctx())

    const db = new Database(paths.stateDb, { readonly: true })
    // SQLite's own check, grouped per child column, is the reference for orphans.
    const fkc = db
      .prepare(
        'SELECT "table" AS t, fkid, count(*) AS n FROM pragma_foreign_key_check GROUP BY 1, 2',
      )
      .all() as { t: string; fkid: number; n: number }[]
    const expected = fkc.map((r) => {
      const fk = db
        .prepare('SELECT "from" FROM pragma_foreign_key_list(?) WHERE id = ?')
        .pluck()
        .get(r.t, r.fkid) as string
      return { table: r.t, column: fk, count: r.n }
    })
    const orphans = ev.findings
      .filter((f) => f.kind === 'orphans')
      .map((f) => ({ table: f.table, column: f.column, count: f.count }))
    expect(orphans.sort((a, b) => (a.table + a.column).localeCompare(b.table + b.column))).toEqual(
      expected.sort((a, b) => (a.table + a.column).localeCompare(b.table + b.column)),
    )
    expect(orphans.length).toBeGreaterThanOrEqual(5)

    // The demo's one malformed JSON value is a truncated task payload; configurations are clean.
    const badJson = db
      .prepare('SELECT rowid FROM tasks WHERE NOT json_valid(payload)')
      .pluck()
      .all()
    expect(badJson).toHaveLength(1)
    expect(find(ev.findings, 'tasks', 'payload', 'invalid-json')).toMatchObject({
      count: 1,
      samples: badJson,
    })
    expect(ev.findings.filter((f) => f.kind === 'invalid-json')).toHaveLength(1)
    const stray = db
      .prepare(
        "SELECT status FROM agents WHERE status NOT IN ('active', 'idle', 'crashed', 'sleeping')",
      )
      .pluck()
      .all()
    expect(find(ev.findings, 'agents', 'status', 'status-outside-check')).toMatchObject({
      count: stray.length,
      samples: stray,
    })

    // Mixed types: exactly the columns where SQL sees more than one non-NULL storage class.
    const mixed: string[] = []
    for (const tb of ev.tables) {
      for (const col of db
        .prepare('SELECT name FROM pragma_table_info(?)')
        .pluck()
        .all(tb.name) as string[]) {
        const n = db
          .prepare(
            `SELECT count(DISTINCT typeof("${col}")) FROM "${tb.name}" WHERE "${col}" IS NOT NULL`,
          )
          .pluck()
          .get() as number
        if (n > 1) mixed.push(`${tb.name}.${col}`)
      }
    }
    expect(
      ev.findings.filter((f) => f.kind === 'mixed-types').map((f) => `${f.table}.${f.column}`),
    ).toEqual(mixed)

    const json = JSON.parse(readFileSync(ev.json, 'utf8')) as SchemaJson
    const events = json.tables.find((x) => x.name === 'events')
    const payload = events?.columns.find((c) => c.name === 'payload')?.profile
    const sql = db
      .prepare(
        "SELECT sum(payload IS NULL) AS nulls, sum(typeof(payload) = 'text') AS text, sum(json_valid(payload)) AS valid FROM events",
      )
      .get() as Record<string, number>
    expect(payload).toMatchObject({
      nulls: sql.nulls,
      storage: { text: sql.text },
      json: { valid: sql.valid, invalid: (sql.text ?? 0) - (sql.valid ?? 0) },
    })
    const level = events?.columns.find((c) => c.name === 'level')?.profile
    const levels = db
      .prepare('SELECT level AS value, count(*) AS count FROM events GROUP BY level')
      .all()
    expect(
      level?.values
        ?.map((v) => ({ value: v.value, count: v.count }))
        .sort((a, b) => String(a.value).localeCompare(String(b.value))),
    ).toEqual(levels)
    const created = events?.columns.find((c) => c.name === 'created_at')?.profile
    expect(created?.timestamps).toEqual({ iso: 3000, notIso: 0, withZone: 3000 })
    db.close()

    expect(json.findings).toEqual(ev.findings)
    const md = readFileSync(ev.document, 'utf8')
    expect(md).toContain('## Data profile')
    expect(md).toMatch(/\| tasks \| payload \| invalid-json \| 1 \|/)
  })

  it("finds the quirky database's NUL byte, invalid UTF-8 in TEXT and the orphaned child", async () => {
    const paths = workspace((p) => {
      createQuirkyDb(p)
      const db = new Database(p)
      db.pragma('foreign_keys = OFF')
      // The quirky db's 0xFF 0xFE is a BLOB; invalid UTF-8 stored as TEXT is what PostgreSQL rejects.
      db.prepare('INSERT INTO parent VALUES (?, CAST(? AS TEXT))').run(
        'p2',
        Buffer.from([0x7b, 0xc3, 0x28, 0x7d]),
      )
      db.close()
    })
    const ev = await documentSchema(paths, ctx())
    expect(find(ev.findings, 'Mixed Case "Quoted" | pipe', 'Value', 'nul-bytes')).toMatchObject({
      count: 1,
      samples: [1],
    })
    expect(find(ev.findings, 'parent', 'payload', 'invalid-utf8')).toMatchObject({
      count: 1,
      samples: [2],
    })
    expect(find(ev.findings, 'child', 'parent_id', 'orphans')).toMatchObject({
      count: 1,
      samples: ['missing-parent'],
    })
    const json = JSON.parse(readFileSync(ev.json, 'utf8')) as SchemaJson
    const untyped = json.tables
      .find((x) => x.name.startsWith('Mixed'))
      ?.columns.find((c) => c.name === 'untyped')?.profile
    expect(untyped).toMatchObject({
      affinity: 'BLOB',
      storage: { blob: 1 },
      maxBlobBytes: 2,
      values: [{ value: "x'fffe'", type: 'blob', count: 1 }],
    })
  })

  it('profiles all of Chinook with storage counts that add up to every row and no false findings', async () => {
    const paths = workspace((p) => copyFileSync(CHINOOK, p))
    const ev = await documentSchema(paths, ctx())
    expect(ev.findings).toEqual([])
    const json = JSON.parse(readFileSync(ev.json, 'utf8')) as SchemaJson & {
      tables: { rowCount: number }[]
    }
    for (const t of json.tables) {
      for (const c of t.columns) {
        const s = c.profile?.storage
        expect(s && s.integer + s.real + s.text + s.blob + s.null, `${t.name}.${c.name}`).toBe(
          t.rowCount,
        )
      }
    }
  })
})

describe('profileTable', () => {
  /** 30,000 rows with every kind of dirt the profile looks for, and a column named rowid. */
  function dirty(p: string) {
    const db = new Database(p)
    db.exec(
      `CREATE TABLE t (id INTEGER PRIMARY KEY, rowid TEXT, n INTEGER, is_done INTEGER, status TEXT, at TEXT, doc TEXT, score NUMERIC)`,
    )
    const ins = db.prepare(
      'INSERT INTO t (id, rowid, n, is_done, status, at, doc, score) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    )
    db.transaction(() => {
      for (let i = 1; i <= 30_000; i++) {
        ins.run(
          i,
          `r${i}`,
          i === 777 ? '12abc' : i,
          i === 29_999 ? 2 : i % 2,
          i === 25_001 ? 'zombie' : ['active', 'idle', 'sleeping'][i % 3],
          i % 1000 === 0 ? 'yesterday' : `2026-01-01T00:00:${String(i % 60).padStart(2, '0')}Z`,
          i === 12_345 ? '{"a": "\\u0000"}' : i === 23_456 ? '{"broken":' : JSON.stringify({ i }),
          i % 2 ? i : i + 0.5,
        )
      }
    })()
    db.close()
  }

  it('counts exactly, whether the table is scanned in one statement or in rowid ranges', async () => {
    const paths = workspace(dirty)
    const db = new Database(paths.stateDb, { readonly: true })
    const fns = addProfileFunctions(db)
    const row = listTables(db)[0]
    if (!row) throw new Error('no table')
    const table = { ...describeTable(db, row), ...countRows(db, row.name) }
    const byName = new Map([[table.name, table]])
    const ticks: number[] = []
    const ranged = await profileTable(db, fns, table, byName, {
      chunkRows: 7_000,
      tick: async (n) => void ticks.push(n),
    })
    const whole = await profileTable(db, fns, table, byName, { chunkRows: 1_000_000 })
    db.close()
    expect(ranged.table.profile.chunks).toBeGreaterThan(3)
    expect(ticks).toContain(30_000)
    const strip = (r: typeof ranged) => ({
      cols: r.table.columns.map((c) => c.profile),
      findings: r.findings,
    })
    expect(strip(ranged)).toEqual(strip(whole))

    const f = ranged.findings
    const col = (name: string) => ranged.table.columns.find((c) => c.name === name)?.profile
    expect(find(f, 't', 'n', 'mixed-types')).toMatchObject({ count: 1, samples: [777] })
    expect(col('n')).toMatchObject({
      storage: { integer: 29_999, text: 1 },
      intMin: '1',
      intMax: '30000',
    })
    expect(find(f, 't', 'is_done', 'non-boolean')).toMatchObject({ count: 1, samples: [29_999] })
    expect(col('is_done')?.boolean).toEqual({ zeros: 15_000, ones: 14_999, other: 1 })
    expect(col('status')?.values).toEqual([
      { value: 'active', type: 'text', count: 10_000 },
      { value: 'idle', type: 'text', count: 10_000 },
      { value: 'sleeping', type: 'text', count: 9_999 },
      { value: 'zombie', type: 'text', count: 1 },
    ])
    expect(find(f, 't', 'at', 'invalid-timestamp')).toMatchObject({
      count: 30,
      samples: [1000, 2000, 3000, 4000, 5000],
    })
    expect(col('at')?.timestamps).toEqual({ iso: 29_970, notIso: 30, withZone: 29_970 })
    expect(find(f, 't', 'doc', 'invalid-json')).toMatchObject({ count: 1, samples: [23_456] })
    expect(find(f, 't', 'doc', 'json-nul-escape')).toMatchObject({ count: 1, samples: [12_345] })
    expect(col('rowid')).toMatchObject({
      storage: { text: 30_000 },
      highCardinality: true,
      values: null,
    })
    // NUMERIC holding integers and reals is normal, not a finding.
    expect(col('score')?.storage).toMatchObject({ integer: 15_000, real: 15_000 })
    expect(f.filter((x) => x.column === 'score')).toEqual([])
  })

  it('stops between ranges when the tick throws (a cancel)', async () => {
    const paths = workspace(dirty)
    const db = new Database(paths.stateDb, { readonly: true })
    const fns = addProfileFunctions(db)
    const row = listTables(db)[0]
    if (!row) throw new Error('no table')
    const table = { ...describeTable(db, row), ...countRows(db, row.name) }
    const seen: number[] = []
    const tick = async (n: number) => {
      seen.push(n)
      if (seen.length === 2) throw Object.assign(new Error('Cancelled'), { code: 'CANCELLED' })
    }
    await expect(
      profileTable(db, fns, table, new Map([[table.name, table]]), { chunkRows: 5_000, tick }),
    ).rejects.toMatchObject({ code: 'CANCELLED' })
    expect(seen).toHaveLength(2)
    db.close()
  })
})
