// Validation has to find every real difference and nothing else (issue 8): after a clean run on
// values that tempt false positives (-0.0, subnormals, timestamps in many spellings, numeric
// formatting), validate-sqlite says equal; after one changed value, one deleted row, one inserted
// row and one flipped bytea byte in PostgreSQL it names exactly those four keys.
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../support/paths'
import { ferryRunner, type Run } from '../support/faults/cli'
import { migrateArgs } from '../support/faults/migrate-case'
import { PG_URL, dropSchema, pgQuery, qi } from '../support/faults/pg'
import { score } from '../support/faults/scorecard'

const tmp = tempDir('ferry-faults-validate-')
const file = join(tmp.dir, 'values.db')
const ferry = ferryRunner(join(tmp.dir, 'config'))
const schema = `validate_${randomBytes(4).toString('hex')}`
const ROWS = 3000

const STAMPS = [
  '2024-01-01T10:00:00Z',
  '2024-01-01 10:00:00',
  '2024-01-01T10:00:00.123456Z',
  '2024-01-01T12:00:00+02:00',
  '2024-02-29 23:59:59.5',
  '1999-12-31T23:59:59.999999Z',
]
const REALS = [
  -0.0,
  0.0,
  0.1,
  1 / 3,
  1e-300,
  5e-324,
  -1.7976931348623157e308,
  123456789.125,
  2 ** 53,
]
const NUMS = ['19.90', '0.10', '100', '-0.50', '3.14']

function build(): void {
  const db = new Database(file)
  db.exec(`CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, amount REAL, price NUMERIC(10,2),
                               at DATETIME, doc TEXT, data BLOB)`)
  const ins = db.prepare('INSERT INTO items VALUES (?, ?, ?, ?, ?, ?, ?)')
  db.transaction(() => {
    for (let i = 1; i <= ROWS; i++)
      ins.run(
        i,
        `item ${i}`,
        REALS[i % REALS.length],
        Number(NUMS[i % NUMS.length]),
        STAMPS[i % STAMPS.length],
        JSON.stringify({ i, tags: ['a', 'b'], f: 1.5, nested: { z: null } }),
        randomBytes(8 + (i % 5)),
      )
  })()
  db.close()
}

const validate = (): Run =>
  ferry.run(['validate-sqlite', file, '--target', PG_URL, '--schema', schema, '--json'])

describe('validation: every difference, and only those', () => {
  beforeAll(() => {
    build()
    const r = ferry.run(migrateArgs(file, schema))
    expect(r.code, r.stderr.slice(-2000)).toBe(0)
  })
  afterAll(async () => {
    await dropSchema(schema)
    tmp.cleanup()
  })

  it('finds zero differences after a clean run (-0.0, subnormals, timestamps, numeric formatting)', () => {
    const v = validate()
    expect(v.code, v.stderr.slice(-2000)).toBe(0)
    expect(v.json.validation.equal).toBe(true)
    expect(v.json.rejects.total).toBe(0)
    score.badInput(
      'validation',
      'clean run with -0.0, 5e-324, 6 timestamp spellings, numeric(10,2)',
      '0 false positives',
    )
  })

  it('names exactly the changed, deleted, inserted and flipped-bytea keys', async () => {
    const t = qi(schema, 'items')
    await pgQuery(`UPDATE ${t} SET name = 'item 10 edited' WHERE id = 10`)
    await pgQuery(`DELETE FROM ${t} WHERE id = 20`)
    await pgQuery(`INSERT INTO ${t} (id, name) VALUES (${ROWS + 7}, 'not in the source')`)
    await pgQuery(`UPDATE ${t} SET data = set_byte(data, 3, get_byte(data, 3) # 1) WHERE id = 30`)
    const v = validate()
    expect(v.code).toBe(1)
    expect(v.json.validation.equal).toBe(false)
    expect(v.json.validation.differentTables).toEqual(['items'])
    const diffs = v.json.validation.tables[0].differences as { key: string; kind: string }[]
    expect([...diffs].sort((a, b) => Number(a.key) - Number(b.key))).toEqual([
      { key: '10', kind: 'different' },
      { key: '20', kind: 'missing-in-target' },
      { key: '30', kind: 'different' },
      { key: String(ROWS + 7), kind: 'extra-in-target' },
    ])
    score.badInput(
      'validation',
      'changed value, deleted row, inserted row, flipped bytea byte',
      'exactly 4 keys reported',
    )
  })
})
