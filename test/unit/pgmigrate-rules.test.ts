// The pure rules of the SQLite → PostgreSQL engine: type decisions from profiled counts, names
// over 63 bytes, DEFAULT translation, COPY escaping. (Agreement with the real server is checked
// in test/integration/pgmigrate-canonical.test.ts.)
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { copyField, encoderFor } from '../../electron/core/pgmigrate/canonical'
import { affinityOf, declaredBounds, decideType } from '../../electron/core/pgmigrate/decide'
import { translateDefault } from '../../electron/core/pgmigrate/defaults'
import { translateSchema } from '../../electron/core/pgmigrate/translate'
import { NameAllocator, nameReason, pgName } from '../../electron/core/pgmigrate/names'
import { parseForeignKeyTiming } from '../../electron/core/pgmigrate/sql-expr'
import { epochText } from '../../electron/core/pgmigrate/scalars'
import { ftsContent, virtualModule } from '../../electron/core/sqlite/virtual-module'
import type { ColumnStats } from '../../electron/core/pgmigrate/profile'

const stats = (s: Partial<ColumnStats>): ColumnStats => ({
  nulls: 0,
  ints: 0,
  reals: 0,
  texts: 0,
  blobs: 0,
  json: 0,
  timestamps: 0,
  zeroOne: 0,
  hugeInts: 0,
  fitsDeclared: null,
  ...s,
})

describe('type decisions from the values present', () => {
  it('follows SQLite affinity rules for declared types', () => {
    expect(
      ['INTEGER', 'NVARCHAR(40)', '', 'BLOB', 'DOUBLE', 'DATETIME', 'BOOLEAN', 'NUMERIC(10,2)'].map(
        affinityOf,
      ),
    ).toEqual(['INTEGER', 'TEXT', 'BLOB', 'BLOB', 'REAL', 'NUMERIC', 'NUMERIC', 'NUMERIC'])
    expect(declaredBounds('NUMERIC(10,2)')).toEqual({ precision: 10, scale: 2 })
    expect(declaredBounds('DECIMAL(0,2)')).toBeNull()
  })

  it('keeps a safer type when one value blocks the candidate, and says how many', () => {
    expect(decideType('INTEGER', stats({ ints: 9, texts: 1 }), null)).toMatchObject({
      type: 'text',
      rejected: [{ type: 'bigint', count: 1 }],
    })
    expect(decideType('INTEGER', stats({ ints: 9, reals: 1 }), null)).toMatchObject({
      type: 'numeric',
      rejected: [{ type: 'bigint', count: 1 }],
    })
    expect(decideType('TEXT', stats({ texts: 10, json: 9 }), null)).toMatchObject({
      type: 'text',
      rejected: [{ type: 'jsonb', count: 1 }],
    })
    expect(decideType('TEXT', stats({ texts: 10, timestamps: 8 }), null)).toMatchObject({
      type: 'text',
      rejected: [{ type: 'timestamptz', count: 2 }],
    })
    // Numbers among the text of a DATETIME / JSON column: the report says what kept it text.
    expect(decideType('DATETIME', stats({ texts: 2, timestamps: 2, ints: 1 }), null)).toMatchObject(
      {
        type: 'text',
        rejected: [
          {
            type: 'timestamptz',
            count: 1,
            reason:
              '1 value is a number, or text that is not an ISO-8601 timestamp PostgreSQL stores unchanged',
          },
        ],
      },
    )
    expect(decideType('JSON', stats({ texts: 3, json: 2, reals: 1 }), null)).toMatchObject({
      type: 'text',
      rejected: [{ type: 'jsonb', count: 2 }],
    })
    expect(decideType('BOOLEAN', stats({ ints: 10, zeroOne: 9 }), null)).toMatchObject({
      type: 'bigint',
      rejected: [{ type: 'boolean', count: 1 }],
    })
    expect(decideType('BOOLEAN', stats({ ints: 2, zeroOne: 1, texts: 1 }), null)).toMatchObject({
      type: 'text',
      rejected: [
        { type: 'boolean', count: 2, reason: '2 values are text or numbers other than 0 and 1' },
      ],
    })
    expect(decideType('INTEGER', stats({ ints: 5, reals: 2, texts: 1 }), null)).toMatchObject({
      type: 'text',
      rejected: [{ type: 'bigint', count: 3, reason: '3 values are text or real numbers' }],
    })
    // The count covers what the sample rows show: the text and the number that does not fit.
    const bounds = { precision: 5, scale: 2 }
    expect(
      decideType('DECIMAL(5,2)', stats({ reals: 2, texts: 1, fitsDeclared: 1 }), bounds),
    ).toMatchObject({
      type: 'text',
      rejected: [
        {
          type: 'numeric',
          count: 2,
          reason: '2 values are text or numbers outside the declared precision or scale',
        },
      ],
    })
    expect(
      decideType('DECIMAL(5,2)', stats({ reals: 2, texts: 1, fitsDeclared: 2 }), bounds),
    ).toMatchObject({ rejected: [{ type: 'numeric', count: 1, reason: '1 value is text' }] })
    expect(decideType('REAL', stats({ reals: 5, ints: 1, hugeInts: 1 }), null)).toMatchObject({
      type: 'numeric',
    })
    expect(decideType('', stats({ blobs: 3, texts: 1 }), null)).toMatchObject({
      type: 'text',
      forecastRejects: 3,
    })
  })

  it('takes the candidate when every value passes', () => {
    expect(decideType('TEXT', stats({ texts: 10, json: 10, nulls: 4 }), null).type).toBe('jsonb')
    expect(decideType('TEXT', stats({ texts: 10, timestamps: 10 }), null).type).toBe('timestamptz')
    expect(decideType('BOOLEAN', stats({ ints: 10, zeroOne: 10 }), null).type).toBe('boolean')
    expect(decideType('BLOB', stats({ blobs: 2, nulls: 1 }), null).type).toBe('bytea')
    expect(
      decideType('NUMERIC(10,2)', stats({ reals: 4, ints: 1, fitsDeclared: 5 }), {
        precision: 10,
        scale: 2,
      }),
    ).toMatchObject({ type: 'numeric', precision: 10, scale: 2 })
    expect(
      decideType('NUMERIC(10,2)', stats({ reals: 4, fitsDeclared: 3 }), {
        precision: 10,
        scale: 2,
      }),
    ).toMatchObject({ type: 'numeric', precision: null })
    expect(decideType('INTEGER', stats({ nulls: 5 }), null)).toMatchObject({
      type: 'bigint',
      notes: [expect.stringContaining('no values')],
    })
  })

  it('types a column with no values by what its declared name says, text when it says nothing sure', () => {
    const empty = (declared: string): string => decideType(declared, stats({ nulls: 3 }), null).type
    expect(empty('DATETIME')).toBe('timestamptz')
    expect(empty('TIMESTAMP WITH TIME ZONE')).toBe('timestamptz')
    expect(empty('DATE')).toBe('date')
    // A time of day, and names SQLite gives NUMERIC affinity only for not knowing them.
    expect(empty('TIME')).toBe('text')
    expect(empty('STRING')).toBe('text')
    expect(empty('UUID')).toBe('text')
    expect(empty('NUMBER(10)')).toBe('numeric')
    expect(empty('DECIMAL(10,2)')).toBe('numeric')
    // A TIME column of '10:00' values is not a timestamptz that failed.
    expect(decideType('TIME', stats({ texts: 3 }), null)).toMatchObject({
      type: 'text',
      rejected: [],
    })
  })

  it('keeps an empty DATETIME column timestamptz in the plan, not date (it would drop future times)', () => {
    const db = new Database(':memory:')
    db.exec(`CREATE TABLE e (id INTEGER PRIMARY KEY, created_at DATETIME, d DATE, t TIME, day DATETIME);
      INSERT INTO e (id, day) VALUES (1, '2026-01-01');`)
    const plan = translateSchema(db, { schema: 'x' })
    db.close()
    const type = (c: string) => plan.tables[0]!.columns.find((x) => x.source === c)!.type
    expect([type('created_at'), type('d'), type('t'), type('day')]).toEqual([
      'timestamptz',
      'date',
      'text',
      'date', // every value a date alone: date, as before
    ])
  })

  it('keeps a column declared BLOB exact: bytea when blobs are mixed in, text when only text (never jsonb)', () => {
    // Ferry's own file_events.raw: raw lines as text, one invalid-UTF-8 line as a blob.
    const mixed = decideType('BLOB', stats({ texts: 9, json: 9, blobs: 1 }), null)
    expect(mixed).toMatchObject({ type: 'bytea', forecastRejects: 0, rejected: [] })
    expect(mixed.notes.join(' ')).toContain('9 text values among blobs stored as their UTF-8 bytes')
    // Only text (all of it JSON): text, exactly as stored — jsonb would rewrite it.
    expect(decideType('blob', stats({ texts: 4, json: 4 }), null).type).toBe('text')
    // Numbers are not bytes: the column keeps the older rules.
    expect(decideType('BLOB', stats({ texts: 2, ints: 1 }), null).type).toBe('text')
    // Numbers among blobs: the type that rejects fewer rows — bytea unless the numbers outnumber
    // the blobs and text (text would reject every blob).
    const bytes = decideType('BLOB', stats({ blobs: 2, texts: 1, ints: 1 }), null)
    expect(bytes).toMatchObject({ type: 'bytea', forecastRejects: 1 })
    expect(bytes.notes.join(' ')).toContain('1 number among 3 blob or text values')
    expect(decideType('BLOB', stats({ blobs: 1, ints: 5, reals: 1 }), null)).toMatchObject({
      type: 'text',
      forecastRejects: 1,
    })
    // Not declared BLOB: the text stays text, the blobs go to the reject log.
    expect(decideType('TEXT', stats({ texts: 2, blobs: 1 }), null)).toMatchObject({
      type: 'text',
      forecastRejects: 1,
      rejected: [],
    })
    // A STRICT table's ANY column: numbers next to the blobs are said to become text too.
    const any = decideType('ANY', stats({ texts: 1, ints: 1, reals: 1, blobs: 1 }), null)
    expect(any).toMatchObject({ type: 'text', forecastRejects: 1 })
    expect(any.notes.join(' ')).toContain('2 numbers among text values: written as their text form')
    expect(encoderFor({ type: 'bytea', precision: null, scale: null })('é\0')).toBe('c3a900')
    expect(encoderFor({ type: 'bytea', precision: null, scale: null })(1n)).toMatchObject({
      reason: expect.stringContaining('bytea'),
    })
  })
})

describe('names, defaults and COPY text', () => {
  it('shortens names over 63 bytes to a prefix and 8 hex of their SHA-256, never splitting a character', () => {
    const long = 'é'.repeat(40)
    const short = pgName(long)
    expect(Buffer.byteLength(short)).toBeLessThanOrEqual(63)
    expect(short).toMatch(/^(é)+_[0-9a-f]{8}$/)
    expect(pgName(long)).toBe(short)
    expect(pgName('Mixed Case "x"')).toBe('Mixed Case "x"')
    const a = new NameAllocator()
    a.reserve('t_pkey')
    expect(a.allocate('t_pkey')).toBe('t_pkey_2')
  })

  it('renames what PostgreSQL refuses as a column name: the empty name and system columns, case-sensitively', () => {
    const cols = NameAllocator.forColumns()
    expect(cols.allocate('')).toBe('unnamed')
    expect(cols.allocate('unnamed')).toBe('unnamed_2')
    expect(cols.allocate('xmin')).toBe('xmin_2')
    expect(cols.allocate('Xmin')).toBe('Xmin') // quoted, so not the system column
    expect(cols.allocate('oid')).toBe('oid') // a plain column since PostgreSQL 12
    expect(nameReason('xmin', 'xmin_2', 'preserve', 'column')).toMatch(/system column/)
    expect(nameReason('XMIN', 'xmin_2', 'lower', 'column')).toMatch(/lower-cased.*system column/)
    expect(nameReason('', 'unnamed', 'preserve', 'column')).toMatch(/empty name/)
    expect(new NameAllocator().allocate('xmin')).toBe('xmin') // a table may be called xmin
  })

  it('reads epoch seconds as UTC times only within 1973…9999 and to the microsecond', () => {
    expect(epochText(1700000000n)).toBe('2023-11-14T22:13:20.000000Z')
    expect(epochText(1700000000.123456)).toBe('2023-11-14T22:13:20.123456Z')
    expect(epochText(253402300799n)).toBe('9999-12-31T23:59:59.000000Z')
    expect(epochText(100000000)).toBe('1973-03-03T09:46:40.000000Z')
    expect(epochText(99999999n)).toBeNull() // 0, 1 and small counters are not times
    expect(epochText(1700000000123n)).toBeNull() // milliseconds: past year 9999 as seconds
    expect(epochText(1700000000.1234567)).toBeNull() // finer than PostgreSQL's microseconds
    expect(epochText('1700000000')).toBeNull()
  })

  it('reads which foreign keys SQLite defers (only DEFERRABLE INITIALLY DEFERRED)', () => {
    expect(
      parseForeignKeyTiming(`CREATE TABLE c (id INTEGER PRIMARY KEY,
        a INT REFERENCES "P" (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        b INT REFERENCES p DEFERRABLE INITIALLY IMMEDIATE, d INT NOT NULL REFERENCES p NOT DEFERRABLE INITIALLY DEFERRED,
        e INT, f INT, CONSTRAINT k FOREIGN KEY (E, "f") REFERENCES q (x, y) MATCH FULL DEFERRABLE INITIALLY DEFERRED,
        CHECK (a > 0))`),
    ).toEqual([
      { columns: ['a'], refTable: 'p', deferred: true },
      { columns: ['b'], refTable: 'p', deferred: false },
      { columns: ['d'], refTable: 'p', deferred: false },
      { columns: ['e', 'f'], refTable: 'q', deferred: true },
    ])
  })

  it('reads a virtual table’s module and FTS content= option', () => {
    expect(virtualModule("CREATE VIRTUAL TABLE t USING fts5(a, b, tokenize = 'porter')")).toEqual({
      module: 'fts5',
      args: "a, b, tokenize = 'porter'",
    })
    expect(virtualModule('CREATE VIRTUAL TABLE t USING "RTree"(id, x0, x1)')?.module).toBe('rtree')
    expect(virtualModule('CREATE VIRTUAL TABLE t USING dbstat')?.module).toBe('dbstat')
    expect(ftsContent("a, content='docs', content_rowid='id'")).toBe('docs')
    expect(ftsContent('a, content="it""s"')).toBe('it"s')
    expect(ftsContent("a, content=''")).toBe('')
    expect(ftsContent('a, content=docs')).toBe('docs')
    expect(ftsContent("a, tokenize='porter'")).toBeUndefined()
    expect(ftsContent('mycontent, b')).toBeUndefined()
  })

  it('translates literals and current-time defaults for the chosen type, and explains the rest', () => {
    expect(translateDefault("'it''s'", 'text').sql).toBe("'it''s'")
    // SQLite stores DEFAULT "dq" as the text dq (a double-quoted word there is a string).
    expect(translateDefault('"dq"', 'text').sql).toBe("'dq'")
    expect(translateDefault('"say ""hi"""', 'text').sql).toBe(`'say "hi"'`)
    expect(translateDefault('CURRENT_TIMESTAMP', 'timestamptz').sql).toBe('CURRENT_TIMESTAMP')
    expect(translateDefault("(datetime('now'))", 'text').sql).toContain("'YYYY-MM-DD HH24:MI:SS'")
    expect(translateDefault('1', 'boolean').sql).toBe('true')
    // Hex integer literals, as SQLite reads them (64-bit two's complement).
    expect(translateDefault('0x10', 'bigint').sql).toBe('16')
    expect(translateDefault('(-0x10)', 'bigint').sql).toBe('-16')
    expect(translateDefault('0xFFFFFFFFFFFFFFFF', 'bigint').sql).toBe('-1')
    expect(translateDefault('0x7fffffffffffffff', 'bigint').sql).toBe('9223372036854775807')
    expect(translateDefault("X'00FF'", 'bytea').sql).toBe("decode('00ff', 'hex')")
    // A constant expression: the value SQLite gives every row that omits the column.
    expect(translateDefault('(1+2)', 'bigint').sql).toBe('3')
    expect(translateDefault('(1/2)', 'bigint').sql).toBe('0') // integer division, as in SQLite
    expect(translateDefault('(10 * 60)', 'text').sql).toBe("'600'")
    expect(translateDefault("(lower('ABC') || 'é')", 'text').sql).toBe("'abcé'")
    expect(translateDefault('(0.1 + 0.2)', 'double precision').sql).toBe('0.30000000000000004')
    expect(translateDefault("(json_object('b', 1, 'a', 2))", 'jsonb').sql).toBe(
      `'{"a": 2, "b": 1}'`,
    )
    // Not deterministic, not evaluable, or a value PostgreSQL would refuse: reported.
    for (const raw of ['(random())', '(nosuch(1))', "(x'00' || 'a')", "(CAST(x'ff' AS TEXT))"])
      expect(translateDefault(raw, 'text'), raw).toMatchObject({
        sql: null,
        problem: expect.stringContaining(`DEFAULT ${raw} not carried over`),
      })
    expect(translateDefault('(1e308 * 10)', 'double precision').sql).toBeNull()
    // A date column: SQLite's date('now') is the UTC date (CURRENT_DATE is the session's).
    for (const d of ["date('now')", 'CURRENT_DATE', "strftime('%Y-%m-%d', 'now')"])
      expect(translateDefault(d, 'date').sql).toBe("(CURRENT_TIMESTAMP AT TIME ZONE 'UTC')::date")
    expect(translateDefault("'2024-02-29'", 'date').sql).toBe("'2024-02-29'")
    expect(translateDefault("'2023-02-29'", 'date').problem).toMatch(/not an ISO-8601 date/)
    const date = encoderFor({ type: 'date', precision: null, scale: null })
    expect([date('2024-02-29'), date(null)]).toEqual(['2024-02-29', null])
    for (const bad of ['2023-02-29', '2024-01-01 10:00', '2024-1-1', 20240101n])
      expect(date(bad)).toMatchObject({ reason: expect.any(String) })
    expect(translateDefault('\'{"b":1, "a":2}\'', 'jsonb').sql).toBe('\'{"a": 2, "b": 1}\'')
    expect(translateDefault("(lower('X'))", 'text')).toMatchObject({ sql: "'x'", problem: null })
    expect(translateDefault('(abs(random()))', 'bigint')).toMatchObject({
      sql: null,
      problem: expect.stringContaining('not carried over'),
    })
    expect(translateDefault("'idle'", 'bigint')).toMatchObject({
      sql: null,
      problem: expect.any(String),
    })
  })

  it('escapes COPY text and refuses values PostgreSQL would reject or change', () => {
    expect(copyField('a\\b\tc\nd\re', 'text')).toBe('a\\\\b\\tc\\nd\\re')
    expect(copyField(null, 'text')).toBe('\\N')
    expect(copyField('00ff', 'bytea')).toBe('\\\\x00ff')
    const text = encoderFor({ type: 'text', precision: null, scale: null })
    expect(text('a\u0000b')).toMatchObject({ reason: expect.stringContaining('NUL') })
    expect(text(Buffer.from('x'))).toMatchObject({ reason: expect.any(String) })
    expect(text(12n)).toBe('12')
    // A real among texts reads as SQLite's CAST(x AS TEXT) does: 2.0 apart from the integer 2.
    expect([text(2), text(-0), text(0.1), text(2.5e300), text(1e-320)]).toEqual([
      '2.0',
      '-0.0',
      '0.1',
      '2.5e+300',
      '1e-320',
    ])
    const money = encoderFor({ type: 'numeric', precision: 10, scale: 2 })
    expect(money(0.99)).toBe('0.99')
    expect(money(0.999)).toMatchObject({ reason: expect.stringContaining('without rounding') })
    expect(
      encoderFor({ type: 'double precision', precision: null, scale: null })(2n ** 60n),
    ).toMatchObject({ reason: expect.any(String) })
    expect(encoderFor({ type: 'bigint', precision: null, scale: null })(9223372036854775807n)).toBe(
      '9223372036854775807',
    )
  })
})
