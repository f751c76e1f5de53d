// A key or index over values PostgreSQL cannot put in one btree entry (over 2,704 bytes, e.g. a
// long URL as a TEXT PRIMARY KEY): every row is still loaded, and the report says the values are
// too large — how many rows, which columns, and how to keep the uniqueness — instead of calling
// it a violation.
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { tempDir } from '../support/paths'
import { dropSchema, migrate, qi, query, schemaName } from './pgmigrate-support'

const t = tempDir('ferry-longkeys-')
const schema = schemaName('longkeys')
afterAll(async () => {
  await dropSchema(schema)
  t.cleanup()
})

/** Incompressible text: PostgreSQL cannot squeeze it under the btree limit. */
const noise = (bytes: number): string => randomBytes(bytes).toString('base64').slice(0, bytes)

describe('keys over values too large for a PostgreSQL index', () => {
  it('loads every row and says which values are too large and how to keep the uniqueness', async () => {
    const file = join(t.dir, 'long.db')
    const db = new Database(file)
    db.exec(`CREATE TABLE k (url TEXT PRIMARY KEY, v INTEGER) WITHOUT ROWID;
      CREATE TABLE u (id INTEGER PRIMARY KEY, path TEXT UNIQUE, note TEXT);
      CREATE INDEX u_note ON u (note);`)
    db.prepare('INSERT INTO k VALUES (?, ?)').run(`a${noise(9000)}`, 1) // sorts before 'short'
    db.prepare('INSERT INTO k VALUES (?, ?)').run('short', 2)
    // Between the btree limit and a page: PostgreSQL's other wording of the same refusal.
    db.prepare('INSERT INTO u (path, note) VALUES (?, ?)').run(noise(3000), noise(3000))
    db.prepare('INSERT INTO u (path, note) VALUES (?, ?)').run('a', 'b')
    db.close()
    const r = await migrate(file, schema)
    expect(r.tables.map((x) => [x.table, x.loadedRows, x.rejectedRows])).toEqual([
      ['k', 2, 0],
      ['u', 2, 0],
    ])
    expect(r.validation?.tables.every((x) => x.equal)).toBe(true)
    const failed = r.constraints.filter((c) => c.status === 'failed')
    expect(failed.map((c) => [c.table, c.kind, c.name])).toEqual([
      ['k', 'primary-key', 'k_pkey'],
      ['u', 'unique', 'u_path_key'],
      ['u', 'index', 'u_note'],
    ])
    expect(failed[0]?.detail).toContain(
      `not created: 1 row(s) hold a value over 2704 bytes in (url), too large for a PostgreSQL index entry`,
    )
    expect(failed[0]?.detail).toContain(
      `to keep it unique: CREATE UNIQUE INDEX ON ${qi(schema, 'k')} (md5("url"))`,
    )
    expect(failed[1]?.detail).toContain('1 row(s) hold a value over 2704 bytes in (path)')
    expect(failed[2]?.detail).toContain('index md5("note") or a prefix')
    for (const f of failed) expect(f.detail).not.toContain('do not satisfy')
    // A source changed under a finished load names the batch's keys shortened, not 9,000 characters.
    const again = new Database(file)
    again.prepare("UPDATE k SET v = 9 WHERE url = 'short'").run()
    again.close()
    const err = await migrate(file, schema).catch((e: Error) => e)
    expect((err as Error).message).toMatch(
      /^Table "k" changed since batch 1 was loaded \(keys '.{60}…' … 'short'/,
    )
    expect((err as Error).message.length).toBeLessThan(400)
    // The way out the report gives works on what was loaded.
    await query(`CREATE UNIQUE INDEX ON ${qi(schema, 'k')} (md5("url"))`)
    await expect(query(`INSERT INTO ${qi(schema, 'k')} VALUES ('short', 3)`)).rejects.toThrow(
      /duplicate key/,
    )
  })
})
