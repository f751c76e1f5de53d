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

// Tables whose rows are matched by their primary key's values, not an identity column: a
// WITHOUT ROWID table keyed by (text, integer) and a rowid table keyed by TEXT COLLATE NOCASE
// (their key order differs between SQLite and PostgreSQL, so rows are bucketed by key hash).
describe('validation of tables keyed by their values', () => {
  const ktmp = tempDir('ferry-faults-validate-keyed-')
  const keyed = join(ktmp.dir, 'keyed.db')
  const kschema = `validate_keyed_${randomBytes(4).toString('hex')}`
  const kvalidate = (): Run =>
    ferry.run(['validate-sqlite', keyed, '--target', PG_URL, '--schema', kschema, '--json'])

  beforeAll(() => {
    const db = new Database(keyed)
    db.exec(`CREATE TABLE pairs (region TEXT, n INTEGER, v REAL, PRIMARY KEY (region, n)) WITHOUT ROWID;
      CREATE TABLE agents (agent_id TEXT COLLATE NOCASE PRIMARY KEY, status TEXT, data BLOB);
      CREATE TABLE loose (a TEXT, b INTEGER);
      INSERT INTO loose VALUES ('x', 1), ('x', 1);`)
    const p = db.prepare('INSERT INTO pairs VALUES (?, ?, ?)')
    const a = db.prepare('INSERT INTO agents VALUES (?, ?, ?)')
    db.transaction(() => {
      for (let i = 1; i <= ROWS; i++) {
        p.run(['eu', 'US', 'apac', 'Éire'][i % 4], i, i / 7)
        a.run(`Agent-${i}`, i % 3 ? 'idle' : 'busy', randomBytes(6))
      }
    })()
    db.close()
    const r = ferry.run(migrateArgs(keyed, kschema))
    expect(r.code, r.stderr.slice(-2000)).toBe(0)
  })
  afterAll(async () => {
    await dropSchema(kschema)
    ktmp.cleanup()
  })

  it('names exactly the changed, deleted and inserted rows by their key values', async () => {
    expect(kvalidate().json.validation.equal).toBe(true)
    const pairs = qi(kschema, 'pairs')
    const agents = qi(kschema, 'agents')
    const loose = qi(kschema, 'loose')
    await pgQuery(`UPDATE ${pairs} SET v = v + 1 WHERE region = 'US' AND n = 9`)
    await pgQuery(`DELETE FROM ${pairs} WHERE region = 'Éire' AND n = 11`)
    await pgQuery(`INSERT INTO ${pairs} VALUES ('eu', ${ROWS + 1}, 0)`)
    await pgQuery(
      `UPDATE ${agents} SET data = set_byte(data, 0, get_byte(data, 0) # 1) WHERE agent_id = 'Agent-30'`,
    )
    await pgQuery(`DELETE FROM ${agents} WHERE agent_id = 'Agent-31'`)
    await pgQuery(`INSERT INTO ${agents} VALUES ('agent-new', 'idle', NULL)`)
    await pgQuery(`DELETE FROM ${loose} WHERE ctid = (SELECT min(ctid) FROM ${loose})`)
    const v = kvalidate()
    expect(v.code).toBe(1)
    const byTable = Object.fromEntries(
      (
        v.json.validation.tables as { table: string; differences: unknown; bisectNote: string }[]
      ).map((t) => [t.table, t]),
    )
    const sorted = (d: unknown) =>
      [...(d as { kind: string }[])].sort((x, y) => x.kind.localeCompare(y.kind))
    expect(sorted(byTable.pairs!.differences)).toEqual([
      { key: "(region='US', n=9)", kind: 'different' },
      { key: `(region='eu', n=${ROWS + 1})`, kind: 'extra-in-target' },
      { key: "(region='Éire', n=11)", kind: 'missing-in-target' },
    ])
    expect(sorted(byTable.agents!.differences)).toEqual([
      { key: "agent_id='Agent-30'", kind: 'different' },
      { key: "agent_id='agent-new'", kind: 'extra-in-target' },
      { key: "agent_id='Agent-31'", kind: 'missing-in-target' },
    ])
    expect(byTable.agents!.bisectNote).toMatch(/rows matched by agent_id: \d+ key-hash bucket/)
    // No key at all: the difference is found (count), the rows cannot be named.
    expect(byTable.loose!.differences).toBeNull()
    expect(byTable.loose!.bisectNote).toMatch(/no primary key nor UNIQUE columns/)
    score.badInput(
      'validation',
      'WITHOUT ROWID (text, int) key and TEXT COLLATE NOCASE key: changed, deleted, inserted rows',
      'exactly 6 keys reported by value',
    )
  })
})
