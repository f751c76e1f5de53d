// The pure parts of the carry-over: DEFAULT time forms, CHECK expressions, view bodies, --type specs.
import { describe, expect, it } from 'vitest'
import { translateDefault } from '../../electron/core/pgmigrate/defaults'
import {
  parseCreateTable,
  tokenize,
  translateExpr,
  translateView,
} from '../../electron/core/pgmigrate/sql-expr'
import { checkOverrideType, parseTypeSpec } from '../../electron/core/pgmigrate/type-override'

const cols = new Map([
  ['status', { target: 'status', type: 'text' }],
  ['n', { target: 'N', type: 'bigint' }],
  ['flag', { target: 'flag', type: 'boolean' }],
])

describe('carry-over translations', () => {
  it('translates the strftime / unixepoch / julianday DEFAULT forms by column type', () => {
    expect(translateDefault("(strftime('%s', 'now'))", 'bigint').sql).toBe(
      'floor(extract(epoch from CURRENT_TIMESTAMP))::bigint',
    )
    expect(translateDefault("(CAST(strftime('%s','now') AS INTEGER))", 'bigint').sql).toContain(
      'extract(epoch',
    )
    expect(translateDefault('(unixepoch())', 'text').sql).toBe(
      'floor(extract(epoch from CURRENT_TIMESTAMP))::bigint::text',
    )
    expect(translateDefault("(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))", 'text').sql).toBe(
      `to_char(CURRENT_TIMESTAMP AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
    )
    // '%S' is the seconds field, not the epoch.
    expect(translateDefault("(strftime('%S', 'now'))", 'text').sql).toBe(
      `to_char(CURRENT_TIMESTAMP AT TIME ZONE 'UTC', 'SS')`,
    )
    expect(translateDefault("(julianday('now'))", 'double precision').sql).toContain('2440587.5')
    expect(translateDefault("(datetime('now', 'localtime'))", 'text').problem).toContain(
      'not carried over',
    )
    expect(translateDefault("(strftime('%W', 'now'))", 'text').problem).toContain(
      'not carried over',
    )
  })

  it('translates plain CHECK expressions and refuses SQLite-only ones with the reason', () => {
    const [a, b, c, d] = parseCreateTable(
      `CREATE TABLE t (status TEXT CHECK (status IN ('a', 'b''c')), n INTEGER, flag BOOLEAN,
        CONSTRAINT pos CHECK (n >= 0 AND n != 7), CHECK (typeof(n) = 'integer'), CHECK (flag = 1))`,
    ).checks
    expect(translateExpr(a!.toks, cols)).toEqual({ ok: true, sql: `"status" IN ('a', 'b''c')` })
    expect(a!.column).toBe('status')
    expect(b!.name).toBe('pos')
    expect(translateExpr(b!.toks, cols)).toEqual({ ok: true, sql: '"N" >= 0 AND "N" <> 7' })
    expect(translateExpr(c!.toks, cols)).toMatchObject({
      ok: false,
      reason: 'SQLite function typeof()',
    })
    // 0/1 in a column that became boolean: true/false (booleanTest); other uses are refused.
    expect(translateExpr(d!.toks, cols, { condition: true })).toEqual({
      ok: true,
      sql: '"flag" = true',
    })
    expect(translateExpr(tokenize('flag + 1 = 2'), cols, { condition: true })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('boolean'),
    })
    // SQLite's legacy rule: a double-quoted word naming no column is a string; "status" is the column.
    expect(translateExpr(tokenize('"status" IN ("open", "it\'s")'), cols)).toEqual({
      ok: true,
      sql: `"status" IN ('open', 'it''s')`,
    })
    expect(translateExpr(tokenize('other.status = 1'), cols)).toMatchObject({ ok: false })
    expect(translateExpr(tokenize(`status LIKE 'x%'`), cols)).toEqual({
      ok: true,
      sql: `"status" ILIKE 'x%'`,
    })

    // A column whose type changed (timestamptz, jsonb …) may still be tested for NULL — the usual
    // partial index, WHERE deleted_at IS NULL — but not compared.
    const typed = new Map([
      ['deleted_at', { target: 'deleted_at', type: 'timestamptz' }],
      ['doc', { target: 'Doc', type: 'jsonb' }],
      ['n', { target: 'n', type: 'bigint' }],
    ])
    const tr = (e: string) => translateExpr(tokenize(e), typed)
    expect(tr('deleted_at IS NULL')).toEqual({ ok: true, sql: '"deleted_at" IS NULL' })
    expect(tr('(doc IS NOT NULL) AND n > 0')).toEqual({
      ok: true,
      sql: '("Doc" IS NOT NULL) AND "n" > 0',
    })
    expect(tr('NOT deleted_at ISNULL OR doc NOTNULL')).toEqual({
      ok: true,
      sql: 'NOT "deleted_at" ISNULL OR "Doc" NOTNULL',
    })
    for (const e of [
      "deleted_at > '2024'",
      'deleted_at IS NULL = 0',
      'n = deleted_at IS NULL',
      'deleted_at IS 5',
    ])
      expect(tr(e)).toMatchObject({ ok: false, reason: expect.stringContaining('becomes') })

    // A column that became boolean, where the test means the same: Django's partial index
    // WHERE "is_superuser", SQLAlchemy's CHECK (flag IN (0, 1)).
    const flags = new Map([
      ['is_su', { target: 'Is_SU', type: 'boolean' }],
      ['n', { target: 'n', type: 'bigint' }],
    ])
    const fl = (e: string) => translateExpr(tokenize(e), flags, { condition: true })
    expect(fl('"is_su"')).toEqual({ ok: true, sql: '"Is_SU"' })
    expect(fl('NOT is_su AND n > 0')).toEqual({ ok: true, sql: 'NOT "Is_SU" AND "n" > 0' })
    expect(fl('is_su IN (0, 1)')).toEqual({ ok: true, sql: '"Is_SU" IN (false, true)' })
    expect(fl('(is_su NOT IN (1)) OR n = 2')).toEqual({
      ok: true,
      sql: '("Is_SU" NOT IN (true)) OR "n" = 2',
    })
    expect(fl('is_su == 1')).toEqual({ ok: true, sql: '"Is_SU" = true' })
    // Not as a value (an index item, a generated column's expression): 0/1 there is a number.
    expect(translateExpr(tokenize('is_su'), flags)).toMatchObject({ ok: false })
    expect(fl('is_su != 0')).toEqual({ ok: true, sql: '"Is_SU" <> false' })
    for (const e of [
      'is_su + 1 > 1',
      'is_su = 2',
      'is_su IN (0, 2)',
      'n > 0 AND is_su = 1 + 0',
      'is_su = n',
      'is_su = 1 = 1',
      'CASE WHEN is_su THEN 1 END',
    ])
      expect(fl(e), e).toMatchObject({ ok: false })

    // A column with a nondeterministic collation (NOCASE on an ICU server): ILIKE under "default",
    // the collation before a NOT of NOT LIKE (PostgreSQL < 18 refuses LIKE under a nondeterministic one).
    const nocase = new Map([
      ['label', { target: 'Label', type: 'text', collation: 'ferry_nocase' }],
    ])
    expect(translateExpr(tokenize(`label LIKE 'x%'`), nocase)).toEqual({
      ok: true,
      sql: `"Label" COLLATE "default" ILIKE 'x%'`,
    })
    expect(translateExpr(tokenize(`label NOT LIKE 'x%'`), nocase)).toEqual({
      ok: true,
      sql: `"Label" COLLATE "default" NOT ILIKE 'x%'`,
    })
    expect(
      translateView(`CREATE VIEW v AS SELECT id FROM t WHERE label not like 'a%'`, (n) => n, true),
    ).toMatchObject({
      ok: true,
      sql: expect.stringContaining(`COLLATE "default" not ILIKE 'a%'`),
    })
  })

  it('translates simple views with target names and refuses SQLite-only functions', () => {
    const names = new Map([
      ['orders', 'Orders'],
      ['total', 'total'],
    ])
    const rename = (n: string) => names.get(n.toLowerCase()) ?? null
    expect(
      translateView(
        'CREATE VIEW v AS SELECT o.total, count(*) FROM orders AS o GROUP BY o.total;',
        rename,
      ),
    ).toEqual({
      ok: true,
      sql: 'SELECT o."total", count(*) FROM "Orders" AS o GROUP BY o."total"',
    })
    expect(
      translateView('CREATE VIEW v AS SELECT group_concat(total) FROM orders', rename),
    ).toMatchObject({
      ok: false,
      reason: 'uses the SQLite function group_concat()',
    })
    expect(
      translateView('CREATE VIEW v AS SELECT max(total, 1) FROM orders', rename),
    ).toMatchObject({ ok: false })
    expect(
      translateView(
        "CREATE VIEW v AS SELECT ifnull(total, 0), instr(total, '.'), iif(total > 1, 'a', ifnull(total, 'b')) FROM orders",
        rename,
      ),
    ).toEqual({
      ok: true,
      sql: `SELECT coalesce("total", 0), strpos("total", '.'), (CASE WHEN "total" > 1 THEN 'a' ELSE coalesce("total", 'b') END) FROM "Orders"`,
    })
    // Other arities are not SQLite's iif/ifnull/instr: refused, not guessed.
    expect(
      translateView('CREATE VIEW v AS SELECT iif(total, 1) FROM orders', rename),
    ).toMatchObject({ ok: false, reason: 'uses the SQLite function iif()' })
    expect(
      translateView(
        'CREATE VIEW v AS SELECT CAST(total * 2 AS INTEGER), CAST(total AS VARCHAR(9)) FROM orders',
        rename,
      ),
    ).toEqual({
      ok: true,
      sql: 'SELECT trunc(("total" * 2 )::numeric)::bigint, ("total" )::text FROM "Orders"',
    })
    expect(
      translateView('CREATE VIEW v AS SELECT CAST(CAST(total AS REAL) AS INT) FROM orders', rename),
    ).toMatchObject({ ok: true })
    expect(
      translateView('CREATE VIEW v AS SELECT CAST(total AS NUMERIC) FROM orders', rename),
    ).toMatchObject({ ok: false })
    expect(
      translateView('CREATE VIEW v AS SELECT CAST(substr(total, 2) AS INT) FROM orders', rename),
    ).toMatchObject({
      ok: false,
      reason: 'uses the SQLite function substr()',
    })
  })

  it('parses --type specs and refuses unknown types', () => {
    expect(parseTypeSpec('my.table.col=numeric(10,2)')).toEqual({
      table: 'my.table',
      column: 'col',
      type: 'numeric(10,2)',
    })
    expect(checkOverrideType('NUMERIC( 10 , 2 )', 'x')).toBe('numeric(10,2)')
    expect(checkOverrideType('int8', 'x')).toBe('bigint')
    expect(() => checkOverrideType('varchar(3)', 't.c')).toThrow(
      /Unknown or unsupported type "varchar\(3\)" for t.c/,
    )
    expect(() => parseTypeSpec('nocolumn=jsonb')).toThrow(/table.column=type/)
  })
})
