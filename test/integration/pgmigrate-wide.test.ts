// Wide tables: PostgreSQL passes at most 100 arguments to a function, so the row hash (one
// concat_ws argument per column) failed every table of 100+ columns with an INTERNAL error; and a
// row can hold at most 8,160 bytes, so a row setting a thousand bigint columns fails the load with
// "row is too big" after other tables were written. Now the first validates equal, the second is
// refused before anything is written (naming the table, the row and the sizes), and the same
// table whose rows leave half of those columns NULL migrates.
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { dropSchema, migrate, qi, query, schemaName } from './pgmigrate-support'
import { tempDir } from '../support/paths'

const t = tempDir('ferry-wide-')
const schemas = ['wide150', 'wideints', 'widenulls'].map(schemaName)
afterAll(async () => {
  for (const s of schemas) await dropSchema(s)
  t.cleanup()
})

function build(
  file: string,
  n: number,
  type: string,
  value: (row: number, col: number) => unknown,
): void {
  const db = new Database(file)
  db.exec(
    `CREATE TABLE w (id INTEGER PRIMARY KEY, ${Array.from({ length: n }, (_, i) => `c${i} ${type}`).join(', ')});
     CREATE TABLE small (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO small VALUES (1, 'kept');`,
  )
  const ins = db.prepare(
    `INSERT INTO w VALUES (${Array(n + 1)
      .fill('?')
      .join(', ')})`,
  )
  for (let r = 1; r <= 3; r++) ins.run(r, ...Array.from({ length: n }, (_, i) => value(r, i)))
  db.close()
}

describe('wide tables', () => {
  it('validates a 150-column table equal (the row hash joins its fields in groups)', async () => {
    const file = join(t.dir, 'w150.db')
    build(file, 150, 'TEXT', (r, i) => `v${r}_${i}`)
    const r = await migrate(file, schemas[0]!)
    expect(r.validation?.equal).toBe(true)
    const [row] = await query<{ c149: string }>(
      `SELECT c149 FROM ${qi(schemas[0]!, 'w')} WHERE id = 3`,
    )
    expect(row!.c149).toBe('v3_149')
  })

  it('refuses a table whose rows set more bigint columns than a PostgreSQL row holds, writing nothing', async () => {
    const file = join(t.dir, 'ints.db')
    build(file, 1100, 'INTEGER', (r, i) => r * 10_000 + i)
    await expect(migrate(file, schemas[1]!)).rejects.toMatchObject({
      code: 'ROW_TOO_WIDE',
      message: expect.stringContaining(
        'Table "w" cannot be loaded: 3 row(s) hold more fixed-width values',
      ),
    })
    const [s] = await query<{ n: number }>(
      'SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = $1',
      [schemas[1]!],
    )
    expect(s!.n).toBe(0)
  })

  it('migrates the same table when its rows leave half of those columns NULL', async () => {
    const file = join(t.dir, 'halfnull.db')
    build(file, 1100, 'INTEGER', (r, i) => (i % 2 ? null : r * 10_000 + i))
    const r = await migrate(file, schemas[2]!)
    expect(r.validation?.equal).toBe(true)
    const [row] = await query<{ c1098: string; c1099: string | null }>(
      `SELECT c1098::text, c1099::text FROM ${qi(schemas[2]!, 'w')} WHERE id = 2`,
    )
    expect(row).toEqual({ c1098: '21098', c1099: null })
  })
})
