// The packed profile (profile.ts profileQuery: three counters per aggregate) gives exactly the
// figures of the wide form (ten sums per column), on every storage class and candidate test, and
// falls back to the wide form when a query covers too many rows to pack.
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import {
  PACK_LIMIT,
  profileQuery,
  profileSql,
  registerProfileFunctions,
  statsFromRows,
  type NumericBounds,
  type ProfileRow,
} from '../../electron/core/pgmigrate/profile'
import type { SqliteDb } from '../../electron/core/sqlite/open'
import { CHINOOK, tempDir } from '../support/paths'

const cleanups: (() => void)[] = []
afterEach(() => cleanups.splice(0).forEach((c) => c()))

const numbers = (rows: ProfileRow[]): number[][] => rows.map((r) => r.map((v) => Number(v ?? 0)))

function wide(
  db: Database.Database,
  table: string,
  cols: string[],
  bounds: Map<string, NumericBounds>,
  where = '',
  params: unknown[] = [],
): ProfileRow[] {
  return profileSql(table, cols, bounds, where).map(
    (sql) =>
      db
        .prepare(sql)
        .raw(true)
        .safeIntegers(true)
        .get(...params) as ProfileRow,
  )
}

function mixedDb(): Database.Database {
  const t = tempDir('ferry-packed-')
  cleanups.push(t.cleanup)
  const db = new Database(join(t.dir, 'mixed.db'))
  cleanups.unshift(() => db.close())
  registerProfileFunctions(db as unknown as SqliteDb)
  db.exec(`
    CREATE TABLE "Mixed ""t""" (id INTEGER PRIMARY KEY, v ANY, amount NUMERIC(6,2), flag BOOLEAN,
      doc TEXT COLLATE NOCASE, at TEXT);
    CREATE TABLE kv (k TEXT PRIMARY KEY, v) WITHOUT ROWID;
  `)
  const ins = db.prepare(`INSERT INTO "Mixed ""t""" VALUES (?, ?, ?, ?, ?, ?)`)
  const values: unknown[] = [
    null,
    0n,
    1n,
    2n,
    -1n,
    9007199254740993n,
    -9007199254740993n,
    9223372036854775807n,
    1.5,
    -0.0,
    'text',
    '{"a": 1}',
    '[1, 2]',
    '"just a string"',
    '{"cut": ',
    '2026-01-02T03:04:05Z',
    '2026-13-40',
    '2026-01-02 03:04:05.123456+02:00',
    Buffer.from([0, 1, 2]),
    Buffer.alloc(0),
  ]
  db.transaction(() => {
    for (let i = 0; i < 400; i++) {
      const v = values[i % values.length]
      ins.run(
        i + 1,
        v,
        i % 7 === 0 ? 1234.567 : i % 5 === 0 ? 'n/a' : i / 4,
        i % 9 === 0 ? 2n : BigInt(i % 2),
        i % 11 === 0 ? '{"k": 1, "k": 2}' : JSON.stringify({ i }),
        i % 13 === 0 ? null : new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
      )
      db.prepare('INSERT INTO kv VALUES (?, ?)').run(`k${i}`, values[(i * 3) % values.length])
    }
  })()
  return db
}

describe('the packed profile', () => {
  it('counts exactly what the wide form counts, whole tables and slices, rowid and WITHOUT ROWID', () => {
    const db = mixedDb()
    const cols = ['id', 'v', 'amount', 'flag', 'doc', 'at']
    const bounds = new Map([['amount', { precision: 6, scale: 2 }]])
    const sdb = db as unknown as SqliteDb
    const packed = profileQuery(sdb, 'Mixed "t"', cols, bounds)
    expect(numbers(packed)).toEqual(numbers(wide(db, 'Mixed "t"', cols, bounds)))
    const where = 'id >= ? AND id <= ?'
    expect(
      numbers(profileQuery(sdb, 'Mixed "t"', cols, bounds, { where, params: [37, 251] })),
    ).toEqual(numbers(wide(db, 'Mixed "t"', cols, bounds, where, [37, 251])))
    expect(numbers(profileQuery(sdb, 'kv', ['k', 'v'], new Map()))).toEqual(
      numbers(wide(db, 'kv', ['k', 'v'], new Map())),
    )
    // The figures themselves, not only their agreement: v cycles through 20 values 20 times
    // (its ANY type has NUMERIC affinity, so -0.0 is stored as the integer 0).
    const v = statsFromRows(cols, bounds, packed).get('v')!
    expect(v).toEqual({
      nulls: 20,
      ints: 8 * 20,
      reals: 20,
      texts: 8 * 20,
      blobs: 2 * 20,
      json: 2 * 20,
      timestamps: 2 * 20,
      zeroOne: 3 * 20,
      hugeInts: 3 * 20,
      fitsDeclared: null,
    })
    // An empty slice: all zeros, as the wide form's NULL sums read.
    const none = statsFromRows(
      cols,
      bounds,
      profileQuery(sdb, 'Mixed "t"', cols, bounds, { where, params: [1000, 2000] }),
    ).get('amount')!
    expect(none).toMatchObject({ nulls: 0, ints: 0, texts: 0, blobs: 0, fitsDeclared: 0 })
  })

  it('gives Chinook the same figures as the wide form', () => {
    const db = new Database(CHINOOK, { readonly: true })
    cleanups.push(() => db.close())
    registerProfileFunctions(db as unknown as SqliteDb)
    for (const t of ['Track', 'Invoice', 'Customer', 'PlaylistTrack']) {
      const cols = (
        db.prepare('SELECT name FROM pragma_table_info(?)').all(t) as { name: string }[]
      ).map((c) => c.name)
      const bounds = new Map([[cols[cols.length - 1]!, { precision: 10, scale: 2 }]])
      expect(numbers(profileQuery(db as unknown as SqliteDb, t, cols, bounds)), t).toEqual(
        numbers(wide(db, t, cols, bounds)),
      )
    }
  })

  it('falls back to the wide form over 2^21 rows, whether told the count or finding it out', () => {
    const t = tempDir('ferry-packed-big-')
    cleanups.push(t.cleanup)
    const db = new Database(join(t.dir, 'big.db'))
    cleanups.unshift(() => db.close())
    registerProfileFunctions(db as unknown as SqliteDb)
    const n = PACK_LIMIT + 2 // 2^21 + 1: packed counters of all-ones values would spill over
    // h: integers beyond 2^53 — their packed sum also overflows 64 bits, an error in SQLite.
    db.exec(`CREATE TABLE big (v INTEGER, h INTEGER);
      WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${n})
      INSERT INTO big SELECT 1, 4611686018427387904 FROM s;`)
    const none = { nulls: 0, reals: 0, texts: 0, blobs: 0, json: 0, timestamps: 0 }
    const expected = {
      v: { ...none, ints: n, zeroOne: n, hugeInts: 0, fitsDeclared: null },
      h: { ...none, ints: n, zeroOne: 0, hugeInts: n, fitsDeclared: null },
    }
    const sdb = db as unknown as SqliteDb
    for (const rowsHint of [n, undefined]) {
      for (const cols of [['v', 'h']]) {
        const stats = statsFromRows(
          cols,
          new Map(),
          profileQuery(sdb, 'big', cols, new Map(), { rowsHint }),
        )
        for (const c of cols)
          expect(stats.get(c), `${c} of ${cols.join(',')}, rowsHint ${rowsHint}`).toEqual(
            expected[c as 'v' | 'h'],
          )
      }
    }
  })
})
