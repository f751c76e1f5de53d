// A foreign key whose two sides got different types from their values: SQLite compares '2' with 2
// and a reference column with no declared type can hold both; PostgreSQL cannot implement such a
// key (42804). It is reported with both columns' types and the --type choice that gives them one,
// and that choice, taken, creates the key (the value that fits neither goes to the reject log).
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { dropSchema, migrate, qi, query, schemaName } from './pgmigrate-support'
import { tempDir } from '../support/paths'

const t = tempDir('ferry-fktypes-')
const first = schemaName('fktypes')
const second = schemaName('fktypes2')
afterAll(async () => {
  await dropSchema(first)
  await dropSchema(second)
  t.cleanup()
})

describe('a foreign key between columns of different types', () => {
  const file = join(t.dir, 'fk.db')
  const db = new Database(file)
  // Agents write with foreign keys off, as SQLite's default is: 'two' references nothing.
  db.pragma('foreign_keys = OFF')
  db.exec(`CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT);
    CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id REFERENCES parent (id), note TEXT);
    INSERT INTO parent VALUES (1, 'a'), (2, 'b');
    INSERT INTO child VALUES (1, 1, 'x'), (2, 2, 'y'), (3, 'two', 'z'), (4, NULL, 'w');`)
  db.close()

  it('is reported with both types and the --type that gives them one', async () => {
    const r = await migrate(file, first)
    const fk = r.constraints.find((c) => c.name === 'child_parent_id_fkey')!
    expect(fk.status).toBe('failed')
    expect(fk.detail).toContain(
      `the columns' types differ ("child"."parent_id" is text, "parent"."id" is bigint)`,
    )
    expect(fk.detail).toContain('--type "child.parent_id=bigint"')
    // Every row is there, the reference values as they were.
    expect(await query(`SELECT parent_id FROM ${qi(first, 'child')} ORDER BY id`)).toEqual([
      { parent_id: '1' },
      { parent_id: '2' },
      { parent_id: 'two' },
      { parent_id: null },
    ])
  })

  it('is created once that choice is made; the value that is no id goes to the reject log', async () => {
    const r = await migrate(file, second, { types: { 'child.parent_id': 'bigint' } })
    expect(r.constraints.find((c) => c.name === 'child_parent_id_fkey')?.status).toBe('created')
    expect(r.rejects.rows.map((x) => [x.table, x.key, x.column])).toEqual([
      ['child', '3', 'parent_id'],
    ])
    expect(r.validation?.equal).toBe(true)
  })
})
