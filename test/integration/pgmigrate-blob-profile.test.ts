// A column declared BLOB is bytes, kept exactly: never jsonb or timestamptz. Its text values (a
// raw JSON log line per row, as Ferry's own importer stores them) are therefore not tested for
// JSON or ISO-8601 times by the type profile — the costliest tests — and the plan says nothing
// about those types for it.
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { profileInputs, translateSchema } from '../../electron/core/pgmigrate/translate'
import { profileQuery, statsFromRows } from '../../electron/core/pgmigrate/profile'
import { profileLargeTables } from '../../electron/core/pgmigrate/profile-threads'
import { describeTable, listTables } from '../../electron/core/sqlite/introspect'
import { openSqliteReadOnly, type SqliteDb } from '../../electron/core/sqlite/open'
import { tempDir } from '../support/paths'

const cleanups: (() => void)[] = []
afterEach(() => cleanups.splice(0).forEach((c) => c()))

function logsDb(): string {
  const t = tempDir('ferry-blob-profile-')
  cleanups.push(t.cleanup)
  const file = join(t.dir, 'logs.db')
  const db = new Database(file)
  db.exec(`CREATE TABLE logs (id INTEGER PRIMARY KEY, raw BLOB NOT NULL, mixed BLOB, at BLOB,
    note TEXT)`)
  const ins = db.prepare('INSERT INTO logs (raw, mixed, at, note) VALUES (?, ?, ?, ?)')
  db.transaction(() => {
    for (let i = 0; i < 300; i++)
      ins.run(
        JSON.stringify({ ts: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(), i }),
        i === 7 ? 7n : JSON.stringify({ i }),
        new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
        JSON.stringify([i]),
      )
  })()
  db.close()
  return file
}

describe('the type profile of columns declared BLOB', () => {
  it('runs no JSON or time test on their values, and still counts every storage class', () => {
    const file = logsDb()
    const db = openSqliteReadOnly(file)
    cleanups.unshift(() => db.close())
    const calls = { json: 0, ts: 0 }
    ;(db as SqliteDb).function(
      'ferry_jsonb_ok',
      { deterministic: true },
      (_v: unknown) => (calls.json++, 1),
    )
    ;(db as SqliteDb).function(
      'ferry_is_iso_ts',
      { deterministic: true },
      (_v: unknown) => (calls.ts++, 1),
    )
    const info = describeTable(
      db,
      listTables(db).find((t) => t.name === 'logs')!,
    )
    const { cols, bounds, bytesOnly } = profileInputs(info)
    expect([...bytesOnly].sort()).toEqual(['at', 'mixed', 'raw'])
    const names = cols.map((c) => c.name)
    const stats = statsFromRows(
      names,
      bounds,
      profileQuery(db, 'logs', names, bounds, { bytesOnly }),
    )
    // Only the TEXT column's 300 JSON arrays reach the JSON test (no value there looks like a time).
    expect(calls).toEqual({ json: 300, ts: 0 })
    expect(stats.get('raw')).toMatchObject({ texts: 300, blobs: 0, json: 0, timestamps: 0 })
    expect(stats.get('mixed')).toMatchObject({ texts: 299, ints: 1, json: 0 })
    expect(stats.get('at')).toMatchObject({ texts: 300, timestamps: 0 })
    expect(stats.get('note')).toMatchObject({ texts: 300, json: 300 })
    // The wide form (used past 2^21 rows) gives the same figures.
    const wide = statsFromRows(
      names,
      bounds,
      profileQuery(db, 'logs', names, bounds, { bytesOnly, rowsHint: 2 ** 22 }),
    )
    expect(wide).toEqual(stats)
  })

  it('keeps them text, with no jsonb or timestamptz candidate in the report, in one scan or on threads', async () => {
    const file = logsDb()
    const db = openSqliteReadOnly(file)
    cleanups.unshift(() => db.close())
    const plan = translateSchema(db, { schema: 's' })
    const threaded = translateSchema(db, {
      schema: 's',
      profiles: await profileLargeTables(file, db, { threads: 2, minRows: 1 }),
    })
    expect(threaded).toEqual(plan)
    const col = (name: string) => plan.tables[0]!.columns.find((c) => c.source === name)!
    expect(col('raw').type).toBe('text')
    expect(col('raw').notes).toContain(
      'declared BLOB, only text values: kept as text, exactly (never jsonb)',
    )
    expect(col('at').type).toBe('text')
    // A number among JSON text: text, and no "stays text, not jsonb" (jsonb was never a candidate).
    expect(col('mixed').type).toBe('text')
    expect(col('mixed').rejected.map((r) => r.type)).not.toContain('jsonb')
    expect(col('note').type).toBe('jsonb')
  })
})
