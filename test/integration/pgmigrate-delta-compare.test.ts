// Delta sync of tables without a time column (issue 5, "Delta sync for the cut-over"): every copied
// row is compared with the target by its text, so a case-only change under COLLATE NOCASE is
// carried, and a row kept under a NOT VALID constraint it breaks is left alone while unchanged
// (PostgreSQL checks an upsert's proposed row before it looks for the conflict). Rows are found by
// key-hash bucket checksums first: a table of any size is compared, and only the rows of the
// buckets that differ are staged.
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../support/paths'
import {
  deltaProgressMessage,
  deltaSync,
  type DeltaProgress,
} from '../../electron/core/pgmigrate/delta'
import { validateSqliteRun } from '../../electron/core/pgmigrate/validate-run'
import { PG_URL, dropSchema, migrate, qi, query, schemaName } from './pgmigrate-support'

const tmp = tempDir('ferry-delta-cmp-')
const file = join(tmp.dir, 'notes.db')
const schema = schemaName('delta_cmp')
const signal = new AbortController().signal
/** More rows than one compared batch examines (100,000), and than the old row-by-row limit. */
const BIG = 120_000
const delta = (onProgress?: (p: DeltaProgress) => void) =>
  deltaSync({ file, url: PG_URL, schema, dryRun: false, applyDeletes: false, signal, onProgress })

beforeAll(async () => {
  const db = new Database(file)
  db.exec(`CREATE TABLE tags (id INTEGER PRIMARY KEY, label TEXT COLLATE NOCASE, n INTEGER CHECK (n > 0));
    PRAGMA ignore_check_constraints = ON;
    INSERT INTO tags VALUES (1, 'abc', 1), (2, 'kept', -5), (3, 'x', 3);
    CREATE TABLE labels (name TEXT PRIMARY KEY COLLATE NOCASE, n INTEGER);
    INSERT INTO labels VALUES ('abc', 1), ('def', 2);
    CREATE TABLE crew (agent_id TEXT PRIMARY KEY COLLATE NOCASE, status TEXT, last_activity TEXT);
    INSERT INTO crew VALUES ('ada', 'idle', '2026-01-01T00:00:00Z'), ('bob', 'idle', '2026-01-01T00:00:00Z');
    CREATE TABLE big (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, payload TEXT);
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${BIG})
      INSERT INTO big SELECT i, 'k' || (i % 7), json_object('n', i, 'tags', json_array(i % 3, 'x')) FROM n;
    UPDATE big SET kind = 'nul' || char(0) || 'byte' WHERE id = 500;
    CREATE TABLE pairs (a TEXT, b INTEGER, v REAL, PRIMARY KEY (a, b)) WITHOUT ROWID;
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
      INSERT INTO pairs SELECT 'Key ' || (i % 50), i, i / 3.0 FROM n;`)
  db.close()
  const r = await migrate(file, schema, { workers: 1 })
  expect(r.validation!.equal).toBe(true)
  expect(r.rejects.rows.map((x) => [x.table, x.key])).toEqual([['big', '500']]) // the NUL byte
}, 120_000)

afterAll(async () => {
  await dropSchema(schema)
  tmp.cleanup()
})

describe('delta sync of a table without a time column', () => {
  it('carries a case-only change, leaves the unchanged NOT VALID row alone, and validates equal', async () => {
    const db = new Database(file)
    db.exec("UPDATE tags SET label = 'ABC' WHERE id = 1; UPDATE tags SET n = 30 WHERE id = 3")
    db.close()
    const d = await delta()
    expect(d.lag.find((l) => l.table === 'tags')).toMatchObject({
      status: 'compared',
      changedRows: null,
      lag: 0,
    })
    const tags = d.tables.find((t) => t.table === 'tags')!
    expect(tags).toMatchObject({ status: 'compared', changedRows: 3, changedApplied: 2 })
    // Three rows: one bucket, all three staged; the unchanged NOT VALID one is never written.
    expect(tags.compared).toEqual({ buckets: 1, differing: 1, staged: 3 })
    expect(
      await query(`SELECT id::int, label, n::int FROM ${qi(schema, 'tags')} ORDER BY id`),
    ).toEqual([
      { id: 1, label: 'ABC', n: 1 },
      { id: 2, label: 'kept', n: -5 },
      { id: 3, label: 'x', n: 30 },
    ])
    const v = await validateSqliteRun({ file, url: PG_URL, schema, workers: 1, signal })
    expect(v.validation.equal).toBe(true)
  }, 60_000)

  it(`finds two changed rows among ${BIG.toLocaleString('en-US')} by bucket checksums and stages only their buckets`, async () => {
    const db = new Database(file)
    db.exec(`UPDATE big SET payload = json_object('n', 77777, 'edited', json('true')) WHERE id = 77777;
      UPDATE big SET kind = 'K3' WHERE id = 119998;
      UPDATE pairs SET v = 0.1 WHERE a = 'Key 7' AND b = 1007;`)
    db.close()
    const progress: DeltaProgress[] = []
    const d = await delta((p) => progress.push(p))
    // Progress inside the table, page by page: its checksums, then the pass over differing buckets.
    const rows = progress.filter((p) => p.table === 'big' && p.rows).map((p) => p.rows!)
    // 10,000-row pages; row 500 (in the reject log) is not hashed.
    expect(rows.filter((r) => r.phase === 'checksums').map((r) => r.done)).toEqual(
      Array.from({ length: 12 }, (_, k) => (k + 1) * 10_000 - 1),
    )
    expect(rows.filter((r) => r.phase === 'compare').at(-1)).toEqual({
      phase: 'compare',
      done: BIG - 1,
      total: BIG,
    })
    expect(deltaProgressMessage(progress.find((p) => p.rows?.phase === 'checksums')!)).toMatch(
      /^delta big: checksums of 9,999\/120,000 rows$/,
    )
    const big = d.tables.find((t) => t.table === 'big')!
    expect(big).toMatchObject({
      status: 'compared',
      changedApplied: 2,
      changedRejected: [],
      newRows: 0,
    })
    // Every copied row examined (the rejected one is the reject queue's), in two batches.
    expect(big.changedRows).toBe(BIG - 1)
    expect(big.changedBatches).toBe(2)
    expect(big.compared!.buckets).toBe(8192)
    expect(big.compared!.differing).toBe(2)
    expect(big.compared!.staged).toBeGreaterThanOrEqual(2)
    expect(big.compared!.staged).toBeLessThan(100)
    expect(big.reason).toMatch(/no updated_at .*120,000 copied row\(s\) against the target/)
    // A composite text + integer key hashes alike on both sides: one bucket differs.
    const pairs = d.tables.find((t) => t.table === 'pairs')!
    expect(pairs).toMatchObject({ changedApplied: 1, compared: { differing: 1 } })
    expect(
      await query(
        `SELECT id::int, kind, payload::text FROM ${qi(schema, 'big')} WHERE id IN (77777, 119998) ORDER BY id`,
      ),
    ).toEqual([
      { id: 77777, kind: 'k0', payload: '{"n": 77777, "edited": true}' },
      { id: 119998, kind: 'K3', payload: '{"n": 119998, "tags": [1, "x"]}' },
    ])
    expect(
      await query(`SELECT v FROM ${qi(schema, 'pairs')} WHERE a = 'Key 7' AND b = 1007`),
    ).toEqual([{ v: 0.1 }])
    const v = await validateSqliteRun({ file, url: PG_URL, schema, workers: 1, signal })
    expect(v.validation.equal).toBe(true)
    // Compared again: every bucket equal, nothing staged nor written.
    const again = (await delta()).tables.filter((t) => t.table === 'big' || t.table === 'pairs')
    expect(
      again.map((t) => [t.table, t.compared!.differing, t.compared!.staged, t.changedApplied]),
    ).toEqual([
      ['big', 0, 0, 0],
      ['pairs', 0, 0, 0],
    ])
  }, 120_000)

  it('carries a key whose case changed under COLLATE NOCASE, compared or through the time column', async () => {
    const db = new Database(file)
    db.exec(`UPDATE labels SET name = 'ABC' WHERE name = 'abc';
      UPDATE crew SET agent_id = 'Ada', status = 'busy', last_activity = '2026-01-02T00:00:00Z' WHERE agent_id = 'ada';`)
    db.close()
    const d = await delta()
    expect(d.tables.find((t) => t.table === 'labels')).toMatchObject({
      status: 'compared',
      changedApplied: 1,
    })
    expect(d.tables.find((t) => t.table === 'crew')).toMatchObject({
      status: 'ok',
      changedApplied: 1,
    })
    expect(await query(`SELECT name, n::int FROM ${qi(schema, 'labels')} ORDER BY n`)).toEqual([
      { name: 'ABC', n: 1 },
      { name: 'def', n: 2 },
    ])
    expect(await query(`SELECT agent_id, status FROM ${qi(schema, 'crew')} ORDER BY 1`)).toEqual([
      { agent_id: 'Ada', status: 'busy' },
      { agent_id: 'bob', status: 'idle' },
    ])
    const v = await validateSqliteRun({ file, url: PG_URL, schema, workers: 1, signal })
    expect(v.validation.equal).toBe(true)
  }, 60_000)

  it('says what it cannot do when the schema holds no migration', async () => {
    await expect(
      deltaSync({
        file,
        url: PG_URL,
        schema: schemaName('nothing'),
        dryRun: false,
        applyDeletes: false,
        signal,
      }),
    ).rejects.toMatchObject({
      code: 'NOT_MIGRATED',
      message: expect.stringMatching(/holds no Ferry migration to take a delta of$/),
    })
  })
})
