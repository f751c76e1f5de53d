// Everything in a SQLite schema beyond columns and keys is carried over or reported, never
// dropped silently: CHECKs, DEFAULT time functions, generated columns, views, triggers,
// partial/expression/DESC indexes, COLLATE NOCASE, AUTOINCREMENT counters, internal tables (FTS
// shadow tables, sqlite_sequence, sqlite_stat1) — and the identifier policy with its preview.
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { casePreview } from '../../electron/core/pgmigrate/case-preview'
import type { MigrateResult } from '../../electron/core/pgmigrate/migrate'
import { translateSchema } from '../../electron/core/pgmigrate/translate'
import { deltaSync } from '../../electron/core/pgmigrate/delta'
import { validateSqliteRun } from '../../electron/core/pgmigrate/validate-run'
import { openSqliteReadOnly } from '../../electron/core/sqlite/open'
import { tempDir } from '../support/paths'
import { dropSchema, migrate, PG_URL, qi, query, schemaName } from './pgmigrate-support'

const tmp = tempDir('ferry-pgcarry-')
const file = join(tmp.dir, 'carry.db')
const namesFile = join(tmp.dir, 'names.db')
const schema = schemaName('carry')
const lowerSchema = schemaName('carrylow')
let r: MigrateResult

function createDb(): void {
  const db = new Database(file)
  db.exec(`
    CREATE TABLE accounts (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      email TEXT NOT NULL COLLATE NOCASE UNIQUE,
      kind TEXT NOT NULL DEFAULT 'user' CHECK (kind IN ('user', 'admin')),
      balance REAL NOT NULL DEFAULT 0 CHECK (balance >= 0),
      active BOOLEAN NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
      created_epoch INTEGER DEFAULT (strftime('%s', 'now')),
      created_iso TEXT DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
      hhmm TEXT DEFAULT (strftime('%H:%M', 'now')),
      local_time TEXT DEFAULT (datetime('now', 'localtime')),
      ttl INTEGER DEFAULT (7 * 24 * 3600),
      slug TEXT DEFAULT (upper('n') || '/' || 'a'),
      shout TEXT GENERATED ALWAYS AS (upper(email)) VIRTUAL,
      score INTEGER AS (length(email) * 2) STORED,
      initials TEXT AS (substr(email, 1, 1)) VIRTUAL,
      lbl TEXT AS ('b' || balance) VIRTUAL,
      CONSTRAINT typed CHECK (typeof(balance) IN ('real', 'integer'))
    );
    CREATE INDEX idx_rich ON accounts (balance DESC) WHERE balance > 100;
    CREATE INDEX idx_kind_lower ON accounts (lower(kind));
    CREATE INDEX idx_active_email ON accounts (email) WHERE active = 1;
    CREATE UNIQUE INDEX "uniq_active_kind" ON "accounts" ("kind", "email") WHERE "active";
    CREATE INDEX idx_active_rich ON accounts (email) WHERE active + 0 = 1;
    CREATE VIEW admins AS SELECT id, email FROM accounts WHERE kind = 'admin';
    CREATE VIEW "Rich Accounts" AS SELECT a.id, a.balance FROM accounts AS a WHERE a.balance > 100;
    CREATE VIEW recent AS SELECT id, datetime(created_epoch, 'unixepoch') AS t FROM accounts;
    CREATE VIEW ann_like AS SELECT id FROM accounts WHERE email LIKE 'ANN%';
    CREATE VIEW whole AS SELECT id, CAST(balance AS INTEGER) AS whole, CAST(balance * 10000000 AS INT) AS big FROM accounts;
    CREATE VIEW bytes AS SELECT id, CAST(email AS BLOB) AS b FROM accounts;
    CREATE VIEW shorthand AS SELECT id, ifnull(NULL, kind) AS k, instr(kind, 'm') AS m,
      iif(active, 'on', iif(balance > 10, 'rich', 'off')) AS a FROM accounts;
    CREATE TABLE tags (id INTEGER PRIMARY KEY, label TEXT COLLATE NOCASE, CHECK (label NOT LIKE '%!%'),
      CONSTRAINT no_digits CHECK (label NOT GLOB '*[0-9]*'));
    CREATE UNIQUE INDEX tags_exact ON tags (label COLLATE BINARY);
    CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT, code TEXT);
    CREATE UNIQUE INDEX people_name_ci ON people (name COLLATE NOCASE);
    CREATE INDEX people_code_rtrim ON people (code COLLATE RTRIM);
    INSERT INTO people (name, code) VALUES ('Bob', 'a '), ('ann', 'a');
    CREATE TABLE docs_meta (id INTEGER PRIMARY KEY, doc TEXT CHECK (doc IS NULL OR json_valid(doc)),
      "Conf" TEXT CONSTRAINT conf_json CHECK (json_valid("Conf") = 1), xmin INTEGER DEFAULT 7,
      "meta" text NULL CHECK ((JSON_VALID("meta") OR "meta" IS NULL)));
    INSERT INTO docs_meta (id, doc, "Conf", meta) VALUES (1, '{"a": 1}', '[1]', '{"k": 1}'), (2, NULL, '{}', NULL);
    CREATE VIEW meta_v AS SELECT id, xmin FROM docs_meta;
    CREATE VIEW pairs AS SELECT a.id, m.id, count(*) FROM accounts AS a JOIN docs_meta AS m ON m.id = a.id GROUP BY a.id, m.id;
    CREATE TRIGGER trg_touch AFTER UPDATE ON accounts BEGIN UPDATE accounts SET kind = kind WHERE id = NEW.id; END;
    CREATE VIRTUAL TABLE docs USING fts5(body);
  `)
  const ins = db.prepare('INSERT INTO accounts (email, kind, balance, active) VALUES (?, ?, ?, ?)')
  ins.run('Ann@Example.com', 'admin', 500.5, 1)
  ins.run('bob@example.com', 'user', 20, 0)
  ins.run('cy@example.com', 'user', 0, 1)
  ins.run('dee@example.com', 'user', 7, 1)
  ins.run('eve@example.com', 'admin', 1000, 1)
  db.exec('DELETE FROM accounts WHERE id >= 4') // sqlite_sequence stays at 5, max(id) is 3
  db.prepare('INSERT INTO docs (body) VALUES (?)').run('full text search body')
  const tag = db.prepare('INSERT INTO tags (label) VALUES (?)')
  for (const l of ['Red', 'red', 'RED', 'blue', 'Écru', 'écru']) tag.run(l)
  db.exec('ANALYZE')
  db.close()

  const n = new Database(namesFile)
  n.exec(`
    CREATE TABLE "Orders" ("OrderId" INTEGER PRIMARY KEY, "Name" TEXT, "Ship To" TEXT, total REAL);
    CREATE INDEX "IX_Orders_Name" ON "Orders" ("Name");
  `)
  n.prepare('INSERT INTO "Orders" VALUES (1, ?, ?, 2.5)').run('Big', 'small')
  n.close()
}

const finding = (kind: string, name: string) =>
  r.notCarried.find((f) => f.kind === kind && f.name === name)

describe('carry-over of the rest of a SQLite schema', () => {
  beforeAll(async () => {
    createDb()
    r = await migrate(file, schema)
  }, 60_000)
  afterAll(async () => {
    await dropSchema(schema)
    await dropSchema(lowerSchema)
    tmp.cleanup()
  })

  it('translates plain CHECKs, reports the others, and lets the boolean type carry IN (0, 1)', async () => {
    const checks = await query<{ n: string; def: string; v: boolean }>(
      "SELECT conname AS n, pg_get_constraintdef(oid) AS def, convalidated AS v FROM pg_constraint WHERE contype = 'c' AND conrelid = to_regclass($1) ORDER BY 1",
      [qi(schema, 'accounts')],
    )
    expect(checks.map((c) => c.n)).toEqual(['accounts_balance_check', 'accounts_kind_check'])
    expect(checks.every((c) => c.v)).toBe(true)
    expect(checks.find((c) => c.n === 'accounts_kind_check')?.def).toContain("'user'::text")
    await expect(
      query(`UPDATE ${qi(schema, 'accounts')} SET balance = -1 WHERE id = 1`),
    ).rejects.toThrow(/accounts_balance_check/)
    expect(finding('check', 'typed')?.detail).toContain('typeof')
    expect(finding('check', 'typed')?.sql).toContain('typeof(balance)')
    expect(
      r.notCarried.find((f) => f.kind === 'check' && f.sql === 'active IN (0, 1)')?.detail,
    ).toContain('boolean')
    expect(
      r.preflight?.constraints.filter((c) => c.kind === 'check').every((c) => c.violations === 0),
    ).toBe(true)
    // json_valid() on a column that became jsonb: the type carries it.
    expect(finding('check', 'conf_json')?.detail).toBe(
      'carried by the column type: Conf is jsonb, which holds only valid JSON',
    )
    expect(finding('check', 'CHECK (doc IS NULL OR json_valid(doc))')?.detail).toContain(
      'doc is jsonb',
    )
    // Django's form on every JSONField, in its own parentheses.
    expect(finding('check', 'CHECK ((JSON_VALID("meta") OR "meta" IS NULL))')?.detail).toBe(
      'carried by the column type: meta is jsonb, which holds only valid JSON',
    )
    // GLOB, on a NOCASE column too: a regular expression PostgreSQL enforces.
    const tryTag = (label: string) =>
      query(`BEGIN; INSERT INTO ${qi(schema, 'tags')} (label) VALUES ('${label}'); ROLLBACK`)
    await tryTag('ok') // accepted (and rolled back)
    await expect(tryTag('v2')).rejects.toThrow(/no_digits/)
  })

  it("translates strftime/epoch DEFAULTs, reports datetime('now', 'localtime'), and carries generated columns PostgreSQL computes alike (else reports them)", async () => {
    const defs = await query<{ c: string; d: string | null }>(
      'SELECT column_name AS c, column_default AS d FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2',
      [schema, 'accounts'],
    )
    const d = Object.fromEntries(defs.map((x) => [x.c, x.d]))
    expect(d.created_epoch).toContain('EXTRACT(epoch FROM CURRENT_TIMESTAMP)')
    expect(d.created_iso).toBe('CURRENT_TIMESTAMP') // every value is ISO text: timestamptz
    expect(d.hhmm).toBe(`to_char((CURRENT_TIMESTAMP AT TIME ZONE 'UTC'::text), 'HH24:MI'::text)`)
    expect(d.local_time).toBeNull()
    // Constant expressions: SQLite's value for them (a row that omits the column gets the same).
    expect(d.ttl).toBe('604800')
    expect(d.slug).toBe(`'N/a'::text`)
    expect(finding('default', 'local_time')?.detail).toContain("datetime('now', 'localtime')")
    const [row] = await query<{ e: string; iso: string; shout: string; score: string }>(
      `INSERT INTO ${qi(schema, 'accounts')} (email) VALUES ('new@example.com') RETURNING id::text AS e, hhmm AS iso, shout, score::text`,
    )
    expect(row!.e).toBe('6') // after sqlite_sequence's 5, not after max(id) 3
    expect(row!.iso).toMatch(/^\d\d:\d\d$/)
    // Generated columns whose expression translates and gives every loaded value: computed by
    // PostgreSQL for a new row, as SQLite would.
    expect([row!.shout, row!.score]).toEqual(['NEW@EXAMPLE.COM', '30'])
    await query(`DELETE FROM ${qi(schema, 'accounts')} WHERE id = 6`)
    const generated = r.constraints.filter((c) => c.kind === 'generated')
    expect(generated.map((c) => [c.name, c.status])).toEqual([
      ['shout', 'created'],
      ['score', 'created'],
      ['lbl', 'skipped'],
    ])
    // 'b' || 20.0 is 'b20.0' in SQLite, 'b20' in PostgreSQL (and 0.0 alike): kept as loaded.
    expect(generated[2]!.detail).toMatch(/kept as a plain column.*gives 2 row\(s\) another value/)
    const gen = await query<{ c: string; g: string }>(
      "SELECT column_name AS c, is_generated AS g FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'accounts' AND column_name IN ('shout', 'score', 'initials', 'lbl') ORDER BY 1",
      [schema],
    )
    expect(gen).toEqual([
      { c: 'initials', g: 'NEVER' },
      { c: 'lbl', g: 'NEVER' },
      { c: 'score', g: 'ALWAYS' },
      { c: 'shout', g: 'ALWAYS' },
    ])
    expect(finding('generated', 'initials')?.detail).toContain(
      'not translated: it uses SQLite function substr()',
    )
    expect(finding('generated', 'initials')?.sql).toBe('substr(email, 1, 1)')
    const vals = await query<{ shout: string; lbl: string }>(
      `SELECT shout, lbl FROM ${qi(schema, 'accounts')} WHERE id = 2`,
    )
    expect(vals[0]).toEqual({ shout: 'BOB@EXAMPLE.COM', lbl: 'b20.0' })
    expect(r.validation?.equal).toBe(true)
  })

  it('leaves generated columns to PostgreSQL when a delta sync copies new and changed rows', async () => {
    const gfile = join(tmp.dir, 'generated.db')
    const gschema = schemaName('carrygen')
    const g = new Database(gfile)
    g.exec(`CREATE TABLE items (id INTEGER PRIMARY KEY, price REAL, qty INTEGER,
        total REAL GENERATED ALWAYS AS (price * qty) STORED, name TEXT,
        label TEXT AS (upper(name) || '!') VIRTUAL, updated_at TEXT);
      INSERT INTO items (id, price, qty, name, updated_at) VALUES
        (1, 2.5, 4, 'a', '2024-01-01T00:00:00Z'), (2, NULL, 3, NULL, '2024-01-01T00:00:00Z');`)
    try {
      const first = await migrate(gfile, gschema)
      expect(first.constraints.filter((c) => c.kind === 'generated').map((c) => c.status)).toEqual([
        'created',
        'created',
      ])
      g.exec(`UPDATE items SET qty = 10, name = 'zz', updated_at = '2024-02-01T00:00:00Z' WHERE id = 1;
        INSERT INTO items (id, price, qty, name, updated_at) VALUES (3, 1.5, 2, 'd', '2024-02-01T00:00:00Z');`)
      const d = await deltaSync({
        file: gfile,
        url: PG_URL,
        schema: gschema,
        dryRun: false,
        applyDeletes: false,
        signal: new AbortController().signal,
      })
      expect(d.tables[0]).toMatchObject({ newRows: 1, changedApplied: 1 })
      expect(
        await query(
          `SELECT id::int AS id, total::text AS total, label FROM ${qi(gschema, 'items')} ORDER BY id`,
        ),
      ).toEqual([
        { id: 1, total: '25', label: 'ZZ!' },
        { id: 2, total: null, label: null },
        { id: 3, total: '3', label: 'D!' },
      ])
      const v = await validateSqliteRun({
        file: gfile,
        url: PG_URL,
        schema: gschema,
        workers: 1,
        signal: new AbortController().signal,
      })
      expect(v.validation.equal).toBe(true)
    } finally {
      g.close()
      await dropSchema(gschema)
    }
  })

  it('carries COLLATE NOCASE as a case-insensitive ICU collation: equality, UNIQUE, GROUP BY and LIKE as in SQLite, values exact', async () => {
    const colls = await query<{ t: string; c: string; coll: string | null }>(
      "SELECT table_name AS t, column_name AS c, collation_name AS coll FROM information_schema.columns WHERE table_schema = $1 AND table_name IN ('accounts', 'tags') AND column_name IN ('email', 'label', 'kind') ORDER BY 1, 2",
      [schema],
    )
    expect(colls).toEqual([
      { t: 'accounts', c: 'email', coll: 'ferry_nocase' },
      { t: 'accounts', c: 'kind', coll: null },
      { t: 'tags', c: 'label', coll: 'ferry_nocase' },
    ])
    expect(finding('collation', 'email')).toBeUndefined()
    const email = r.columns.find((c) => c.table === 'accounts' && c.column === 'email')
    expect(email?.notes.join(' ')).toContain('COLLATE NOCASE → COLLATE ferry_nocase')
    // UNIQUE ignores case, as SQLite's NOCASE UNIQUE did.
    await expect(
      query(`INSERT INTO ${qi(schema, 'accounts')} (email) VALUES ('ann@EXAMPLE.com')`),
    ).rejects.toThrow(/duplicate key/)
    const eq = await query<{ id: number }>(
      `SELECT id::int AS id FROM ${qi(schema, 'accounts')} WHERE email = 'ANN@EXAMPLE.COM'`,
    )
    expect(eq).toEqual([{ id: 1 }])
    const groups = await query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${qi(schema, 'tags')} GROUP BY label ORDER BY 1`,
    )
    expect(groups.map((g) => g.n)).toEqual([1, 2, 3]) // blue; Écru/écru; Red/red/RED
    // The values themselves are kept exactly, and LIKE in the view and the CHECK still works.
    const labels = await query<{ label: string }>(
      `SELECT label FROM ${qi(schema, 'tags')} ORDER BY id`,
    )
    expect(labels.map((l) => l.label)).toEqual(['Red', 'red', 'RED', 'blue', 'Écru', 'écru'])
    expect(await query(`SELECT id::int AS id FROM ${qi(schema, 'ann_like')}`)).toEqual([{ id: 1 }])
    await expect(
      query(`INSERT INTO ${qi(schema, 'tags')} (label) VALUES ('bad!')`),
    ).rejects.toThrow(/check constraint/)
    expect(r.validation?.tables.find((t) => t.table === 'tags')?.equal).toBe(true)
    // An index's own COLLATE BINARY on the NOCASE column keeps SQLite's byte comparison: the
    // unique index is created (Red/red/RED are distinct bytes) and refuses only the exact text.
    expect(r.constraints.find((c) => c.name === 'tags_exact')).toMatchObject({ status: 'created' })
    await expect(
      query(`INSERT INTO ${qi(schema, 'tags')} (label) VALUES ('blue')`),
    ).rejects.toThrow(/tags_exact/)
    await query(`INSERT INTO ${qi(schema, 'tags')} (label) VALUES ('BLUE')`)
    // The NOCASE column's own UNIQUE (and tags_exact, BINARY) compare as in SQLite: not reported.
    expect(r.notCarried.filter((f) => f.kind === 'collation').map((f) => f.name)).toEqual([
      'people_code_rtrim',
    ])
    // An index's own COLLATE NOCASE on a plain column is case-insensitive too; the column is not.
    const def = await query<{ def: string }>(`SELECT pg_get_indexdef(to_regclass($1)) AS def`, [
      qi(schema, 'people_name_ci'),
    ])
    expect(def[0]?.def).toContain(`(name COLLATE ${schema}.ferry_nocase)`)
    await expect(
      query(`INSERT INTO ${qi(schema, 'people')} (name) VALUES ('BOB')`),
    ).rejects.toThrow(/people_name_ci/)
    expect(
      await query(`SELECT id::int AS id FROM ${qi(schema, 'people')} WHERE name = 'BOB'`),
    ).toEqual([])
  })

  it('without ICU on the server: NOCASE uniqueness kept by a unique index on lower(), the collation reported', () => {
    const db = openSqliteReadOnly(file)
    const plan = translateSchema(db, { schema: 'x', icu: false })
    const withIcu = translateSchema(db, { schema: 'x', icu: true })
    db.close()
    const accounts = plan.tables.find((t) => t.source === 'accounts')!
    expect(accounts.indexes.find((i) => i.name === 'accounts_email_lower_key')).toMatchObject({
      unique: true,
      exprs: ['lower("email")'],
    })
    expect(
      plan.notCarried.find((f) => f.kind === 'collation' && f.name === 'email')?.detail,
    ).toContain('accounts_email_lower_key')
    expect(plan.collations).toBeUndefined()
    expect(accounts.columns.find((c) => c.source === 'email')?.collation).toBeUndefined()
    expect(withIcu.collations).toEqual(['ferry_nocase'])
    expect(plan.notCarried.filter((f) => f.kind === 'collation').map((f) => f.name)).toEqual(
      expect.arrayContaining(['people_name_ci', 'people_code_rtrim']),
    )
    expect(
      withIcu.tables.find((t) => t.source === 'accounts')!.indexes.map((i) => i.name),
    ).not.toContain('accounts_email_lower_key')
  })

  it('creates partial, expression and DESC indexes it can translate and reports the rest', async () => {
    const idx = await query<{ n: string; def: string }>(
      'SELECT indexname AS n, indexdef AS def FROM pg_indexes WHERE schemaname = $1',
      [schema],
    )
    const def = (n: string) => idx.find((i) => i.n === n)?.def
    expect(def('idx_rich')).toMatch(/\(balance DESC\) WHERE \(balance > /)
    expect(def('idx_kind_lower')).toContain('lower(kind)')
    // A column that became boolean, tested as SQLite tested its 0/1: the same test on true/false
    // (Django writes WHERE "active" for a condition on a boolean field).
    expect(def('idx_active_email')).toMatch(/\(email\) WHERE \(?active = true\)?$/)
    expect(def('uniq_active_kind')).toMatch(/^CREATE UNIQUE INDEX .*\(kind, email\) WHERE active$/)
    expect(def('idx_active_rich')).toBeUndefined()
    expect(finding('index', 'idx_active_rich')?.detail).toContain('boolean')
  })

  it('creates translatable views, reports SQLite-only ones and triggers with their SQL', async () => {
    expect(await query(`SELECT email FROM ${qi(schema, 'admins')}`)).toEqual([
      { email: 'Ann@Example.com' },
    ])
    expect(await query(`SELECT id::int AS id FROM ${qi(schema, 'Rich Accounts')}`)).toEqual([
      { id: 1 },
    ])
    expect(r.constraints.filter((c) => c.kind === 'view').map((c) => [c.name, c.status])).toEqual([
      ['Rich Accounts', 'created'],
      ['admins', 'created'],
      ['ann_like', 'created'],
      ['meta_v', 'created'],
      ['pairs', 'created'],
      ['shorthand', 'created'],
      ['whole', 'created'],
    ])
    // ifnull → coalesce, instr → strpos, iif → CASE: the same rows as SQLite's view.
    const sqlite = new Database(file, { readonly: true })
    const expected = (
      sqlite.prepare('SELECT * FROM shorthand ORDER BY id').all() as Record<string, unknown>[]
    ).map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, String(v)])))
    sqlite.close()
    expect(expected).toHaveLength(3)
    expect(
      await query(
        `SELECT id::text AS id, k, m::text AS m, a FROM ${qi(schema, 'shorthand')} ORDER BY id`,
      ),
    ).toEqual(expected)
    // A view's columns keep SQLite's names: a column renamed in its table (xmin is a system
    // column there), a repeated name (id:1, which PostgreSQL would refuse as a second id), an
    // expression (count(*), which PostgreSQL would call count).
    expect(await query(`SELECT * FROM ${qi(schema, 'meta_v')} ORDER BY id`)).toEqual([
      { id: '1', xmin: '7' },
      { id: '2', xmin: '7' },
    ])
    expect(await query(`SELECT * FROM ${qi(schema, 'pairs')} ORDER BY id`)).toEqual([
      { id: '1', 'id:1': '1', 'count(*)': '1' },
      { id: '2', 'id:1': '2', 'count(*)': '1' },
    ])
    // CAST AS INTEGER: 64-bit and truncated toward zero, as SQLite computes it (PostgreSQL's own
    // ::integer would be 32-bit and round 500.5 up).
    expect(
      await query(
        `SELECT whole::text AS whole, big::text AS big FROM ${qi(schema, 'whole')} WHERE id = 1`,
      ),
    ).toEqual([{ whole: '500', big: '5005000000' }])
    expect(finding('view', 'bytes')?.detail).toContain('CAST(… AS BLOB)')
    expect(finding('view', 'recent')?.detail).toContain('datetime')
    expect(finding('view', 'recent')?.sql).toContain('CREATE VIEW recent')
    expect(finding('trigger', 'trg_touch')?.sql).toContain('AFTER UPDATE ON accounts')
  })

  it('copies no internal table as data and lists each one; the FTS table’s own rows are copied', async () => {
    for (const name of ['sqlite_sequence', 'sqlite_stat1'])
      expect(finding('internal', name), name).toBeDefined()
    expect(finding('table', 'docs')?.detail).toContain('full-text table (fts5)')
    for (const shadow of ['docs_data', 'docs_idx', 'docs_content', 'docs_docsize', 'docs_config'])
      expect(finding('table', shadow), shadow).toBeDefined()
    const tables = await query<{ t: string }>(
      "SELECT tablename AS t FROM pg_tables WHERE schemaname = $1 AND tablename NOT LIKE 'ferry%' ORDER BY 1",
      [schema],
    )
    expect(tables.map((t) => t.t)).toEqual(['accounts', 'docs', 'docs_meta', 'people', 'tags'])
    const docs = await query<{ rowid: string; body: string }>(
      `SELECT rowid::text AS rowid, body FROM ${qi(schema, 'docs')}`,
    )
    expect(docs).toEqual([{ rowid: '1', body: 'full text search body' }])
    expect(r.validation?.equal).toBe(true)
  })

  it('previews identifiers: what must be quoted under preserve, every spelling change under lower', async () => {
    const db = openSqliteReadOnly(namesFile)
    const preserve = casePreview(translateSchema(db, { schema: 'x' }))
    db.close()
    expect(preserve.changed).toEqual([])
    expect(preserve.mustQuote.map((m) => m.name)).toEqual(['Orders', 'OrderId', 'Name', 'Ship To'])
    expect(preserve.otherPolicy.sample).toEqual(
      expect.arrayContaining([
        { source: 'Orders', target: 'orders' },
        { source: 'Orders.Name', target: 'name' },
      ]),
    )
    const low = await migrate(namesFile, lowerSchema, { identifiers: 'lower' })
    expect(low.validation?.equal).toBe(true)
    expect(low.casePreview.policy).toBe('lower')
    expect(low.casePreview.changed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'table', source: 'Orders', target: 'orders' }),
        expect.objectContaining({ kind: 'column', source: 'OrderId', target: 'orderid' }),
        expect.objectContaining({ kind: 'column', source: 'Name', target: 'name' }),
        expect.objectContaining({ kind: 'column', source: 'Ship To', target: 'ship to' }),
        expect.objectContaining({
          kind: 'index',
          source: 'IX_Orders_Name',
          target: 'ix_orders_name',
        }),
      ]),
    )
    // SQLite names are case-insensitive, so lower-casing never merges two of them.
    expect(low.casePreview.mustQuote).toEqual([
      expect.objectContaining({ name: 'ship to', why: expect.stringContaining('characters') }),
    ])
    expect(low.casePreview.otherPolicy.changes).toBeGreaterThanOrEqual(3)
    const rows = await query(
      `SELECT orderid::int AS id, name, "ship to" AS ship FROM ${lowerSchema}.orders`,
    )
    expect(rows).toEqual([{ id: 1, name: 'Big', ship: 'small' }])
    expect(r.casePreview.policy).toBe('preserve')
    // Under preserve only what PostgreSQL cannot take changes: a system column's name.
    expect(r.casePreview.changed).toEqual([
      expect.objectContaining({
        kind: 'column',
        table: 'docs_meta',
        source: 'xmin',
        target: 'xmin_2',
      }),
    ])
  })
})
