// `id INTEGER PRIMARY KEY DESC` is not SQLite's rowid: it is an ordinary column with its own
// index, and like any primary key outside a rowid alias it may hold NULL (several, even). Taking
// it for the rowid made it an identity column on PostgreSQL (its NULL rows rejected) and the
// grid's key (its NULL rows unreachable). `PRIMARY KEY (id DESC)` as a table constraint *is* the
// rowid, as SQLite documents.
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { Pager } from '../../electron/core/inspect/page'
import { SqliteSource } from '../../electron/core/inspect/sqlite-source'
import { tempDir } from '../support/paths'
import { dropSchema, migrate, qi, query, schemaName } from './pgmigrate-support'

const t = tempDir('ferry-pkdesc-')
const file = join(t.dir, 'pk.db')
const schema = schemaName('pkdesc')
afterAll(async () => {
  await dropSchema(schema)
  t.cleanup()
})

function createDb(): void {
  const db = new Database(file)
  db.exec(`
    CREATE TABLE pkdesc (id INTEGER PRIMARY KEY DESC, v TEXT);
    INSERT INTO pkdesc VALUES (3, 'a'), (NULL, 'b'), (NULL, 'c'), (1, 'd');
    CREATE TABLE aliased (id INTEGER, v TEXT, PRIMARY KEY (id DESC));
    INSERT INTO aliased (v) VALUES ('x'), ('y');`)
  // SQLite's own account: pkdesc has an index for its key, aliased none (id is the rowid).
  expect(db.prepare("SELECT origin FROM pragma_index_list('pkdesc')").pluck().all()).toEqual(['pk'])
  expect(db.prepare('SELECT id = rowid FROM aliased').pluck().all()).toEqual([1, 1])
  db.close()
}

describe('INTEGER PRIMARY KEY DESC (not a rowid alias)', () => {
  it('migrates every row, the NULL keys too, under a UNIQUE constraint; the alias stays an identity', async () => {
    createDb()
    const r = await migrate(file, schema)
    expect(r.tables.map((x) => [x.table, x.loadedRows, x.rejectedRows])).toEqual([
      ['aliased', 2, 0],
      ['pkdesc', 4, 0],
    ])
    expect(r.validation?.tables.every((x) => x.equal)).toBe(true)
    expect(
      r.notCarried.find((f) => f.kind === 'primary-key' && f.table === 'pkdesc')?.detail,
    ).toContain('holds NULL in 2 row(s)')
    const rows = await query<{ id: string | null; v: string }>(
      `SELECT id::text, v FROM ${qi(schema, 'pkdesc')} ORDER BY v`,
    )
    expect(rows).toEqual([
      { id: '3', v: 'a' },
      { id: null, v: 'b' },
      { id: null, v: 'c' },
      { id: '1', v: 'd' },
    ])
    const cols = await query<{ t: string; identity: string }>(
      `SELECT table_name AS t, is_identity AS identity FROM information_schema.columns
        WHERE table_schema = $1 AND column_name = 'id' AND table_name NOT LIKE 'ferry%' ORDER BY 1`,
      [schema],
    )
    expect(cols).toEqual([
      { t: 'aliased', identity: 'YES' },
      { t: 'pkdesc', identity: 'NO' },
    ])
    await expect(
      query(`INSERT INTO ${qi(schema, 'pkdesc')} (id, v) VALUES (3, 'dup')`),
    ).rejects.toThrow(/duplicate key/)
  })

  it('the Tables grid pages pkdesc by its rowid and shows all four rows', async () => {
    const src = new SqliteSource(file)
    try {
      expect((await src.meta('pkdesc')).info.key.kind).toBe('rowid')
      expect((await src.meta('aliased')).info.key).toEqual({ kind: 'pk', columns: ['id'] })
      const page = await new Pager(src).page({
        source: 'state',
        table: 'pkdesc',
        at: { mode: 'first' },
        limit: 100,
      })
      expect(page.rows.map((r) => r.cells[page.columns.indexOf('v')])).toEqual(['a', 'b', 'c', 'd'])
    } finally {
      await src.close()
    }
  })
})
