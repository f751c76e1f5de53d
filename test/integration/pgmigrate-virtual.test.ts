// Virtual tables and names PostgreSQL refuses: an FTS or R*Tree table's rows are the user's data
// (their only copy lives in shadow tables, which are never copied as data), so they are loaded
// into plain tables and validated like any other; an FTS index over another table, a contentless
// one and a module SQLite cannot load are reported, never silently skipped. Column names
// PostgreSQL refuses (the empty name, system columns such as xmin) are renamed and reported.
import Database from 'better-sqlite3'
import pg from 'pg'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MigrateResult } from '../../electron/core/pgmigrate/migrate'
import { tempDir } from '../support/paths'
import { dropSchema, migrate, PG_URL, qi, query, schemaName, sha256File } from './pgmigrate-support'

const tmp = tempDir('ferry-pgv-')
const file = join(tmp.dir, 'virtual.db')
const schema = schemaName('virtual')
let r: MigrateResult
/** The tables that reach PostgreSQL: the plain ones and the virtual tables with rows of their own. */
const COPIED = [
  'boxes',
  'day_links',
  'day_notes',
  'days',
  'docs',
  'ext_only_chunks',
  'legacy',
  'notes',
  'stamps',
  'sys',
]
let before: string

function createDb(): void {
  const db = new Database(file)
  db.exec(`
    CREATE VIRTUAL TABLE notes USING fts5(title, body, tokenize = 'porter');
    CREATE VIRTUAL TABLE legacy USING fts4(subject);
    CREATE VIRTUAL TABLE boxes USING rtree(id, minx, maxx);
    CREATE TABLE docs (id INTEGER PRIMARY KEY, text TEXT);
    CREATE VIRTUAL TABLE docs_idx USING fts5(text, content = 'docs', content_rowid = 'id');
    CREATE VIRTUAL TABLE blind USING fts5(t, content = '');
    CREATE TABLE stamps (id INTEGER PRIMARY KEY, created_at INTEGER, seen_at REAL, updated_ms INTEGER, unset_at INTEGER,
      seen DATETIME DEFAULT (strftime('%s', 'now')), score DATETIME);
    INSERT INTO stamps VALUES (1, 1700000000, 1700000000.123456, 1700000000123, 0, 1700000001, 1.5),
                              (2, 253402300799, 1e9, 1700000100456, 1700000000, NULL, 2);
    CREATE TABLE days (id INTEGER PRIMARY KEY, day DATE DEFAULT CURRENT_DATE);
    CREATE TABLE day_notes (id INTEGER PRIMARY KEY,
      day_id INTEGER REFERENCES days (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
      "Other" INTEGER, CONSTRAINT later FOREIGN KEY ("Other") REFERENCES days NOT DEFERRABLE);
    CREATE TABLE day_links (id INTEGER PRIMARY KEY,
      day_id INTEGER REFERENCES days (id) DEFERRABLE INITIALLY DEFERRED,
      CONSTRAINT again FOREIGN KEY (day_id) REFERENCES days (id) ON DELETE SET NULL);
    INSERT INTO days (id, day) VALUES (1, '2024-02-29 10:00:00');
    CREATE TABLE sys ("xmin" INTEGER, "ctid" TEXT, "" TEXT, "Cmax" TEXT, v INTEGER CHECK (xmin >= 0));
  `)
  const note = db.prepare('INSERT INTO notes (rowid, title, body) VALUES (?, ?, ?)')
  note.run(7, "it's a note", 'first body')
  note.run(1000, 'second', null)
  note.run(-3, 'negative rowid', 'kept as it is')
  db.prepare('INSERT INTO legacy (docid, subject) VALUES (?, ?)').run(12, 'fts4 row')
  db.prepare('INSERT INTO boxes VALUES (?, ?, ?)').run(1, 0.5, 2.5)
  db.prepare('INSERT INTO docs VALUES (?, ?)').run(1, 'indexed elsewhere')
  db.exec("INSERT INTO docs_idx (docs_idx) VALUES ('rebuild')")
  db.prepare('INSERT INTO blind (rowid, t) VALUES (?, ?)').run(1, 'text SQLite does not keep')
  db.prepare('INSERT INTO sys VALUES (?, ?, ?, ?, ?)').run(1, 'c', 'empty-named', 'upper', 5)
  // A virtual table whose module is not available here (an extension's): reported, not fatal.
  db.unsafeMode(true) // lifts SQLITE_DBCONFIG_DEFENSIVE, which refuses writable_schema
  db.pragma('writable_schema = ON')
  db.prepare(
    "INSERT INTO sqlite_schema (type, name, tbl_name, rootpage, sql) VALUES ('table', 'ext_only', 'ext_only', 0, 'CREATE VIRTUAL TABLE ext_only USING no_such_module(a, b)')",
  ).run()
  db.pragma('writable_schema = OFF')
  // Where such a module keeps its rows (sqlite-vec's vec0: <name>_chunks …): a plain table, copied.
  db.exec('CREATE TABLE ext_only_chunks (chunk_id INTEGER PRIMARY KEY, vectors BLOB NOT NULL)')
  db.prepare('INSERT INTO ext_only_chunks VALUES (1, ?)').run(Buffer.from([0, 0, 128, 63]))
  db.close()
}

const finding = (table: string): string =>
  r.notCarried.find((f) => f.kind === 'table' && f.table === table)?.detail ?? ''

describe('migrate-sqlite: virtual tables and names PostgreSQL refuses', () => {
  beforeAll(async () => {
    createDb()
    before = sha256File(file)
    r = await migrate(file, schema)
  })
  afterAll(async () => {
    await dropSchema(schema)
    tmp.cleanup()
  })

  it('loads an FTS5 table’s rows with their rowids into a plain table and reports the index as not recreated', async () => {
    const rows = await query<{ rowid: string; title: string; body: string | null }>(
      `SELECT n.rowid::text AS rowid, title, body FROM ${qi(schema, 'notes')} n ORDER BY n.rowid`,
    )
    expect(rows).toEqual([
      { rowid: '-3', title: 'negative rowid', body: 'kept as it is' },
      { rowid: '7', title: "it's a note", body: 'first body' },
      { rowid: '1000', title: 'second', body: null },
    ])
    expect(finding('notes')).toMatch(
      /full-text table \(fts5\).*copied into a plain table.*not recreated/,
    )
    const legacy = await query<{ rowid: string; subject: string }>(
      `SELECT rowid::text AS rowid, subject FROM ${qi(schema, 'legacy')}`,
    )
    expect(legacy).toEqual([{ rowid: '12', subject: 'fts4 row' }])
    const boxes = await query<{ id: string; minx: number; maxx: number }>(
      `SELECT id::text AS id, minx, maxx FROM ${qi(schema, 'boxes')}`,
    )
    expect(boxes).toEqual([{ id: '1', minx: 0.5, maxx: 2.5 }])
    const chunks = await query<{ v: string }>(
      `SELECT encode(vectors, 'hex') AS v FROM ${qi(schema, 'ext_only_chunks')}`,
    )
    expect(chunks).toEqual([{ v: '0000803f' }])
    // The shadow tables are not copied as data.
    const tables = await query<{ t: string }>(
      `SELECT table_name AS t FROM information_schema.tables WHERE table_schema = $1 AND table_name NOT LIKE 'ferry\\_%' ORDER BY 1`,
      [schema],
    )
    expect(tables.map((t) => t.t)).toEqual(COPIED)
  })

  it('reports an FTS index over another table, a contentless one and an unknown module without copying them', () => {
    expect(finding('docs_idx')).toMatch(/over table "docs".*copied with it/)
    expect(finding('blind')).toMatch(/contentless.*no rows to copy/)
    expect(finding('ext_only')).toMatch(
      /no_such_module.*not read nor recreated.*\("ext_only_chunks"\) are copied as plain tables/,
    )
    expect(r.tables.map((t) => t.table).sort()).toEqual(COPIED)
  })

  it('renames the empty name and system column names, reports why, and translates the CHECK to the new name', async () => {
    const renamed = r.names.filter((n) => n.kind === 'column' && n.table === 'sys')
    expect(renamed.map((n) => [n.source, n.target])).toEqual([
      ['xmin', 'xmin_2'],
      ['ctid', 'ctid_2'],
      ['', 'unnamed'],
    ])
    expect(renamed[0]!.reason).toMatch(/system column/)
    expect(renamed[2]!.reason).toMatch(/empty name/)
    const row = await query<Record<string, unknown>>(
      `SELECT xmin_2::text AS a, ctid_2 AS b, unnamed AS c, "Cmax" AS d FROM ${qi(schema, 'sys')}`,
    )
    expect(row).toEqual([{ a: '1', b: 'c', c: 'empty-named', d: 'upper' }])
    // The CHECK names the renamed column, not PostgreSQL's system column xmin.
    await expect(
      query(`INSERT INTO ${qi(schema, 'sys')} (xmin_2, v) VALUES (-1, 0)`),
    ).rejects.toThrow(/check constraint/)
  })

  it('creates a DEFAULT that needs parentheses in PostgreSQL (CURRENT_DATE on a timestamptz column) and it works', async () => {
    expect(r.columns.find((c) => c.table === 'days' && c.column === 'day')?.type).toBe(
      'timestamptz',
    )
    await query(`INSERT INTO ${qi(schema, 'days')} (id) VALUES (2)`)
    const rows = await query<{ id: string; ok: boolean }>(
      `SELECT id::text AS id, day = date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS ok FROM ${qi(schema, 'days')} WHERE id = 2`,
    )
    expect(rows).toEqual([{ id: '2', ok: true }])
    await query(`DELETE FROM ${qi(schema, 'days')} WHERE id = 2`)
  })

  it('keeps a foreign key DEFERRABLE INITIALLY DEFERRED as SQLite declared it, with its ON DELETE; the others immediate (also a second key on the same column)', async () => {
    const fks = await query<{ def: string }>(
      `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'f' ORDER BY conname`,
      [qi(schema, 'day_notes')],
    )
    expect(fks.map((f) => f.def)).toEqual([
      `FOREIGN KEY ("Other") REFERENCES ${schema}.days(id)`,
      `FOREIGN KEY (day_id) REFERENCES ${schema}.days(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED`,
    ])
    // Two keys on the same column to the same table: each keeps its own timing and action.
    const links = await query<{ def: string }>(
      `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'f' ORDER BY 1`,
      [qi(schema, 'day_links')],
    )
    expect(links.map((f) => f.def).sort()).toEqual([
      `FOREIGN KEY (day_id) REFERENCES ${schema}.days(id) DEFERRABLE INITIALLY DEFERRED`,
      `FOREIGN KEY (day_id) REFERENCES ${schema}.days(id) ON DELETE SET NULL`,
    ])
    // Deferred: a child may come before its parent inside one transaction, as in SQLite.
    const client = new pg.Client(PG_URL)
    await client.connect()
    try {
      await client.query('BEGIN')
      await client.query(`INSERT INTO ${qi(schema, 'day_notes')} (id, day_id) VALUES (1, 9)`)
      await client.query(`INSERT INTO ${qi(schema, 'days')} (id) VALUES (9)`)
      await client.query('ROLLBACK')
    } finally {
      await client.end()
    }
  })

  it('reads epoch seconds in a column named or declared like a time as timestamptz, exactly; other numbers stay numbers', async () => {
    const type = (c: string) => r.columns.find((x) => x.table === 'stamps' && x.column === c)?.type
    const cols = ['created_at', 'seen_at', 'updated_ms', 'unset_at', 'seen', 'score']
    expect(cols.map(type)).toEqual([
      'timestamptz',
      'timestamptz',
      'bigint', // milliseconds are past year 9999 as seconds: not read as a time
      'bigint', // a 0 ("not set") is not a plausible time: the column keeps its numbers
      'timestamptz', // declared DATETIME
      'numeric', // declared DATETIME (NUMERIC affinity), but 1.5 and 2 are not plausible times
    ])
    const seen = await query<{ s: string | null; d: string }>(
      `SELECT to_char(seen AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') AS s,
              (SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef a JOIN pg_attribute t
                 ON t.attrelid = a.adrelid AND t.attnum = a.adnum
                WHERE a.adrelid = $1::regclass AND t.attname = 'seen') AS d
         FROM ${qi(schema, 'stamps')} ORDER BY id`,
      [qi(schema, 'stamps')],
    )
    expect(seen).toEqual([
      { s: '2023-11-14T22:13:21', d: "date_trunc('second'::text, CURRENT_TIMESTAMP)" },
      { s: null, d: "date_trunc('second'::text, CURRENT_TIMESTAMP)" },
    ])
    const rows = await query<{ c: string; s: string }>(
      `SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS c,
              to_char(seen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS s
         FROM ${qi(schema, 'stamps')} ORDER BY id`,
    )
    expect(rows).toEqual([
      { c: '2023-11-14T22:13:20.000000', s: '2023-11-14T22:13:20.123456' },
      { c: '9999-12-31T23:59:59.000000', s: '2001-09-09T01:46:40.000000' },
    ])
    // Reversible: extract(epoch) gives the numbers back.
    const back = await query<{ e: string }>(
      `SELECT extract(epoch FROM seen_at)::text AS e FROM ${qi(schema, 'stamps')} WHERE id = 1`,
    )
    expect(back).toEqual([{ e: '1700000000.123456' }])
  })

  it('keeps the numbers when the user chooses bigint for such a column', async () => {
    const s = schemaName('epochkeep')
    try {
      const kept = await migrate(file, s, { types: { 'stamps.created_at': 'bigint' } })
      expect(
        kept.columns.find((x) => x.table === 'stamps' && x.column === 'created_at')?.type,
      ).toBe('bigint')
      expect(
        await query(`SELECT created_at::text AS v FROM ${qi(s, 'stamps')} ORDER BY id`),
      ).toEqual([{ v: '1700000000' }, { v: '253402300799' }])
      expect(kept.validation?.equal).toBe(true)
    } finally {
      await dropSchema(s)
    }
  })

  it('renames a source table named like Ferry’s bookkeeping (ferry_ledger → ferry_ledger_2) and loads it', async () => {
    const clashFile = join(tmp.dir, 'clash.db')
    const db = new Database(clashFile)
    db.exec(`CREATE TABLE ferry_ledger (id INTEGER PRIMARY KEY, note TEXT);
      INSERT INTO ferry_ledger VALUES (1, 'mine'), (2, 'also mine');
      CREATE TABLE ferry_run (x TEXT); INSERT INTO ferry_run VALUES ('user row');
      CREATE INDEX ferry_ledger_pkey ON ferry_run (x);
      CREATE TABLE t (id INTEGER PRIMARY KEY, x TEXT); INSERT INTO t VALUES (7, 'seven');
      CREATE INDEX t_id_seq ON t (x);`)
    db.close()
    const clashSchema = schemaName('clash')
    try {
      const r = await migrate(clashFile, clashSchema)
      expect(r.validation?.equal).toBe(true)
      expect(r.names).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            kind: 'table',
            source: 'ferry_ledger',
            target: 'ferry_ledger_2',
            reason: '"ferry_ledger" is one of Ferry\'s bookkeeping tables in the target schema',
          }),
          expect.objectContaining({ kind: 'table', source: 'ferry_run', target: 'ferry_run_2' }),
        ]),
      )
      expect(
        await query(`SELECT id::text, note FROM ${qi(clashSchema, 'ferry_ledger_2')} ORDER BY id`),
      ).toEqual([
        { id: '1', note: 'mine' },
        { id: '2', note: 'also mine' },
      ])
      expect(await query(`SELECT x FROM ${qi(clashSchema, 'ferry_run_2')}`)).toEqual([
        { x: 'user row' },
      ])
      // Index names PostgreSQL or Ferry would have taken first: each index exists, on its table.
      expect(
        await query(
          `SELECT c.relname AS index, t.relname AS "table" FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
           WHERE n.nspname = $1 AND NOT i.indisprimary ORDER BY 1`,
          [clashSchema],
        ),
      ).toEqual([
        { index: 'ferry_ledger_pkey_2', table: 'ferry_run_2' },
        { index: 't_id_seq', table: 't' },
      ])
      expect(r.constraints.filter((c) => c.kind === 'index').map((c) => c.status)).toEqual([
        'created',
        'created',
      ])
      // The identity sequence took the next name, and continues after the loaded ids.
      await query(`INSERT INTO ${qi(clashSchema, 't')} (x) VALUES ('next')`)
      expect(
        await query(
          `SELECT pg_get_serial_sequence($1, 'id') AS seq, (SELECT max(id)::text FROM ${qi(clashSchema, 't')}) AS max`,
          [qi(clashSchema, 't')],
        ),
      ).toEqual([{ seq: `${clashSchema}.t_id_seq_2`, max: '8' }])
      // Ferry's own ledger is still its own: one batch row per loaded table.
      const [n] = await query<{ n: string }>(
        `SELECT count(DISTINCT table_name)::text AS n FROM ${qi(clashSchema, 'ferry_ledger')}`,
      )
      expect(n!.n).toBe('3')
    } finally {
      await dropSchema(clashSchema)
    }
  })

  it('refuses a table of more than 1600 columns before writing anything, naming it', async () => {
    const wideFile = join(tmp.dir, 'wide.db')
    const db = new Database(wideFile)
    db.exec(
      `CREATE TABLE wide (${Array.from({ length: 1601 }, (_, i) => `c${i} INTEGER`).join(', ')})`,
    )
    db.close()
    const wideSchema = schemaName('wide')
    await expect(migrate(wideFile, wideSchema)).rejects.toMatchObject({
      code: 'TOO_MANY_COLUMNS',
      message: expect.stringContaining('"wide" has 1601 columns'),
    })
    const made = await query(`SELECT 1 FROM information_schema.schemata WHERE schema_name = $1`, [
      wideSchema,
    ])
    expect(made).toEqual([])
  })

  it('validates every copied table equal and leaves the SQLite file unchanged', async () => {
    expect(r.validation?.equal).toBe(true)
    expect(r.validation?.tables.map((t) => t.table).sort()).toEqual(COPIED)
    const { validateSqliteRun } = await import('../../electron/core/pgmigrate/validate-run')
    const validateNow = () =>
      validateSqliteRun({
        file,
        url: PG_URL,
        schema,
        workers: 1,
        signal: new AbortController().signal,
      })
    expect((await validateNow()).validation.equal).toBe(true)
    await query(`UPDATE ${qi(schema, 'notes')} SET body = 'changed' WHERE rowid = 7`)
    const changed = await validateNow()
    expect(changed.validation.differentTables).toEqual(['notes'])
    expect(changed.validation.tables.find((t) => t.table === 'notes')?.differences).toEqual([
      { key: '7', kind: 'different' },
    ])
    expect(sha256File(file)).toBe(before)
  })
})
