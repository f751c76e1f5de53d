// What PostgreSQL will show in another form is said before anyone reads it there: jsonb keeps a
// JSON value's meaning, not its text (keys reordered, its own spacing, 1E+2 as 100), dates alone
// become date, epoch numbers become times. The notes reach the JSON result, the terminal summary
// and the UI's column list.
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { describeMigration } from '../../electron/core/pgmigrate/summary'
import { tempDir } from '../support/paths'
import { dropSchema, migrate, qi, query, schemaName } from './pgmigrate-support'

const t = tempDir('ferry-notes-')
const schema = schemaName('notes')
afterAll(async () => {
  await dropSchema(schema)
  t.cleanup()
})

describe('notes on values PostgreSQL prints in another form', () => {
  it('counts the JSON values jsonb respells and the timestamps written with an offset; the summary shows them', async () => {
    const file = join(t.dir, 'notes.db')
    const db = new Database(file)
    db.exec(`CREATE TABLE docs (id INTEGER PRIMARY KEY, body TEXT, tidy TEXT, day TEXT, at TEXT, utc TEXT, naive TEXT);
      INSERT INTO docs VALUES
        (1, '{"b":1,"a":2}', '{"a": 1}', '2024-01-01', '2024-01-01T10:00:00+05:30', '2024-01-01T10:00:00Z', '2024-01-01 10:00:00'),
        (2, '{"n": 1E+2}', '[1, 2]', '2024-01-02', '2024-01-01T10:00:00Z', '2024-01-01 10:00:00+00:00', '2024-01-02T10:00Z'),
        (3, '{"a": 1}', '{"a": "x", "bb": null}', NULL, '2024-01-01 23:00:00-0800', NULL, '2024-01-03 10:00');`)
    // Large documents: the sample stops after 16 MiB of text, whatever the count.
    db.exec(`CREATE TABLE big (id INTEGER PRIMARY KEY, doc TEXT)`)
    const ins = db.prepare('INSERT INTO big VALUES (?, ?)')
    for (let i = 1; i <= 3; i++)
      ins.run(i, JSON.stringify({ pad: 'x'.repeat(9 * 1024 * 1024), a: i }))
    db.close()
    const r = await migrate(file, schema)
    expect(r.validation?.tables.every((x) => x.equal)).toBe(true)
    const col = (c: string) => r.columns.find((x) => x.table === 'docs' && x.column === c)!
    expect(col('body').type).toBe('jsonb')
    expect(col('body').notes).toEqual([
      expect.stringMatching(
        /^jsonb keeps the JSON, not its spelling: 2 of the first 3 values will read differently .*--type docs\.body=text keeps the exact text$/,
      ),
    ])
    // Already in jsonb's own form: nothing to say.
    expect(col('tidy')).toMatchObject({ type: 'jsonb', notes: [] })
    expect(col('day').type).toBe('date')
    const big = r.columns.find((x) => x.table === 'big' && x.column === 'doc')!
    expect(big.notes.join(' ')).toContain('2 of the first 2 values will read differently')
    expect(col('at')).toMatchObject({
      type: 'timestamptz',
      notes: expect.arrayContaining([
        "timestamptz keeps the instant, not the offset: 2 of the first 3 values were written with an offset other than UTC and will print in the session's time zone; --type docs.at=text keeps the exact text",
      ]),
    })
    expect(col('utc').notes.join(' ')).not.toContain('keeps the instant')
    // Every value of "utc" says its zone; "naive" has two written without one: assumed UTC.
    expect(col('utc').notes.join(' ')).not.toContain('without an offset as UTC')
    expect(col('naive')).toMatchObject({
      type: 'timestamptz',
      notes: expect.arrayContaining([
        "timestamptz reads a time without an offset as UTC: 2 of the first 3 values have none (right for SQLite's datetime('now'); if the application wrote local times, --type docs.naive=text keeps the exact text)",
      ]),
    })
    const text = describeMigration(r)
    expect(text).toContain('Values PostgreSQL will show in another form (nothing is lost):')
    expect(text).toContain(
      'docs.body (jsonb): jsonb keeps the JSON, not its spelling: 2 of the first 3',
    )
    expect(text).toContain('docs.day (date): ISO-8601 dates without a time of day')
    expect(text).toContain('docs.at (timestamptz): timestamptz keeps the instant, not the offset')
    expect(text).not.toContain('docs.tidy (jsonb)')
    expect(text).not.toContain('docs.utc (timestamptz)')
    expect(text).toContain('docs.naive (timestamptz): timestamptz reads a time without an offset')
    // What the note announces is what PostgreSQL prints.
    expect(await query(`SELECT body::text AS b FROM ${qi(schema, 'docs')} ORDER BY id`)).toEqual([
      { b: '{"a": 2, "b": 1}' },
      { b: '{"n": 100}' },
      { b: '{"a": 1}' },
    ])
  })
})
