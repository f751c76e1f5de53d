// The grid's previews of large SQLite values, cut by SQLite itself (SQLITE.preview): the same
// cells as reading the whole value (sqliteCell), without bringing megabytes into the process.
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { sqliteCell } from '../../electron/core/inspect/cells'
import { SQLITE } from '../../electron/core/inspect/sqlite-source'

const db = new Database(':memory:')
afterAll(() => db.close())

/** The cell of `value` as the grid gets it (SQLITE.preview), and as sqliteCell gets it whole. */
function both(value: unknown): { cut: unknown; whole: unknown; meta: unknown } {
  db.exec('DROP TABLE IF EXISTS t; CREATE TABLE t (c)')
  db.prepare('INSERT INTO t VALUES (?)').run(value)
  const p = SQLITE.preview!.sql('"c"', null)!
  const [v, meta] = db.prepare(`SELECT ${p.value}, ${p.meta} FROM t`).raw(true).get() as unknown[]
  const [full] = db.prepare('SELECT c FROM t').raw(true).safeIntegers(true).get() as unknown[]
  return {
    cut: meta === null ? sqliteCell(v) : SQLITE.preview!.cell(v, String(meta)),
    whole: sqliteCell(full),
    meta,
  }
}

describe('previews of large values cut by SQLite', () => {
  it('gives the cell the whole value gives, for long text, JSON and blobs', () => {
    const cases: unknown[] = [
      'x'.repeat(5000),
      JSON.stringify({ k: Array.from({ length: 500 }, (_, i) => `value ${i}`) }),
      '  \n' + JSON.stringify(Array.from({ length: 2000 }, (_, i) => i)),
      '{' + 'not json '.repeat(1000),
      '"' + 's'.repeat(5000) + '"', // valid JSON, but a string: not flagged as JSON
      Buffer.alloc(10_000, 7),
      'é'.repeat(3000), // 6,000 bytes
    ]
    for (const value of cases) {
      const r = both(value)
      expect(r.meta, String(value).slice(0, 20)).not.toBeNull()
      expect(r.cut, String(value).slice(0, 20)).toEqual(r.whole)
    }
  })

  it('leaves values up to 4 KiB to be read whole, as before', () => {
    for (const value of ['short', 'y'.repeat(4096), Buffer.alloc(100, 1), 12n, 1.5, null]) {
      const r = both(value)
      expect(r.meta).toBeNull()
      expect(r.cut).toEqual(r.whole)
    }
  })

  it('checks a cut text for JSON only up to 1 MiB (each check reads the whole value)', () => {
    const small = both(JSON.stringify(Array.from({ length: 100_000 }, (_, i) => i)))
    expect(small.cut).toMatchObject({ t: 'long', json: true })
    const huge = both(JSON.stringify(Array.from({ length: 300_000 }, (_, i) => i))) // 1.9 MB
    expect(huge.cut).toMatchObject({ t: 'long', json: false, chars: 1_988_891 })
  })

  it('counts the characters of a long text as code points (an emoji is one)', () => {
    const r = both('😀'.repeat(2000))
    expect(r.cut).toMatchObject({ t: 'long', chars: 2000, v: '😀'.repeat(150) })
  })
})
