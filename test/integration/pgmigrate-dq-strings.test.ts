// SQLite reads a double-quoted word that names no column as a string (its legacy rule for
// schemas): CHECK (status IN ("open", "closed")) is common in hand-written schemas. Ferry's own
// SQLite has that rule off, so the pre-flight must see the strings single-quoted, and PostgreSQL
// gets the CHECK with the two strings — not "column open does not exist", not "not translated".
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { withSingleQuotedStrings } from '../../electron/core/pgmigrate/sql-expr'
import { tempDir } from '../support/paths'
import { dropSchema, migrate, qi, query, schemaName } from './pgmigrate-support'

const t = tempDir('ferry-dq-')
const schema = schemaName('dq')
afterAll(async () => {
  await dropSchema(schema)
  t.cleanup()
})

describe('double-quoted strings in a source CHECK', () => {
  it('single-quotes only the words that name no column', () => {
    const isCol = (n: string) => ['status', 'it'].includes(n.toLowerCase())
    expect(withSingleQuotedStrings(`"status" IN ("open", "it's", \`x\`, [y])`, isCol)).toBe(
      `"status" IN ('open', 'it''s', \`x\`, [y])`,
    )
    expect(withSingleQuotedStrings(`"t"."z" = "Status"`, isCol)).toBe(`"t"."z" = "Status"`)
  })

  it('pre-flights it on the source, lists the row outside the list, and PostgreSQL enforces it', async () => {
    const file = join(t.dir, 'dq.db')
    // The application's SQLite (the sqlite3 shell, Python) accepts the schema as written.
    const db = new Database(file)
    db.exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, status TEXT)`)
    db.prepare('INSERT INTO t (status) VALUES (?)').run('open')
    db.prepare('INSERT INTO t (status) VALUES (?)').run('bogus')
    db.prepare('INSERT INTO t (status) VALUES (?)').run('closed')
    db.unsafeMode(true) // lets writable_schema put the schema text in place as the shell would
    db.pragma('writable_schema = ON')
    db.prepare("UPDATE sqlite_schema SET sql = ? WHERE name = 't'").run(
      'CREATE TABLE t (id INTEGER PRIMARY KEY, status TEXT CHECK (status IN ("open", "closed")))',
    )
    db.close()
    const r = await migrate(file, schema)
    expect(r.preflight?.constraints.find((c) => c.kind === 'check')).toMatchObject({
      table: 't',
      violations: 1,
      sampleKeys: ['2'],
      action: 'not-valid',
    })
    expect(r.notCarried.filter((f) => f.kind === 'check')).toEqual([])
    expect(r.validation?.tables.every((x) => x.equal)).toBe(true)
    const [ck] = await query<{ def: string }>(
      `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = to_regclass($1) AND contype = 'c'`,
      [qi(schema, 't')],
    )
    expect(ck?.def).toBe("CHECK ((status = ANY (ARRAY['open'::text, 'closed'::text]))) NOT VALID")
    await query(`INSERT INTO ${qi(schema, 't')} (status) VALUES ('open')`)
    await expect(query(`INSERT INTO ${qi(schema, 't')} (status) VALUES ('nope')`)).rejects.toThrow(
      /check constraint/,
    )
  })
})
