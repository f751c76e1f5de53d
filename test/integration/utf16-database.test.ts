// A SQLite file whose text encoding is UTF-16 (PRAGMA encoding): CAST(x AS BLOB) gives UTF-16
// bytes, so a check that reads them as UTF-8 called almost every value invalid. A real U+FFFD
// must load as it is; a lone surrogate (the only invalid UTF-16) is quarantined with the reason;
// the schema profile finds the one NUL byte and no invalid text where there is none.
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { countRows, describeTable, listTables } from '../../electron/core/sqlite/introspect'
import { addProfileFunctions, profileTable } from '../../electron/core/sqlite/profile'
import { decodeTextBytes, validTextBytes } from '../../electron/core/sqlite/text-encoding'
import { tempDir } from '../support/paths'
import { dropSchema, migrate, qi, query, schemaName } from './pgmigrate-support'

const t = tempDir('ferry-utf16db-')
const schema = schemaName('utf16db')
afterAll(async () => {
  await dropSchema(schema)
  t.cleanup()
})

let made = 0
function utf16Db(encoding: 'UTF-16le' | 'UTF-16be'): string {
  const file = join(t.dir, `${encoding}-${++made}.db`)
  const db = new Database(file)
  db.pragma(`encoding = '${encoding}'`)
  db.pragma('foreign_keys = OFF') // the orphans below are the point
  const lone = encoding === 'UTF-16le' ? "X'41003CD8'" : "X'0041D83C'"
  db.exec(`CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);
    INSERT INTO notes VALUES (1, 'plain'), (2, 'emoji 😀 and ü'), (3, 'a real � stays'),
      (4, CAST(${lone} AS TEXT)), (5, 'nul' || char(0) || 'inside');
    CREATE TABLE tags (id INTEGER PRIMARY KEY, note_id INTEGER REFERENCES notes(id),
      label TEXT REFERENCES labels(name));
    CREATE TABLE labels (name TEXT PRIMARY KEY);
    INSERT INTO labels VALUES ('keep');
    INSERT INTO tags VALUES (1, 1, 'keep'), (2, 42, 'keep'), (3, 2, 'gone ü');`)
  db.close()
  return file
}

describe('a UTF-16 SQLite database', () => {
  it('reads text bytes in the database encoding', () => {
    const le = Buffer.from('a😀\uFFFD', 'utf16le')
    expect(validTextBytes(le, 'UTF-16le')).toBe(true)
    expect(validTextBytes(Buffer.from(le).swap16(), 'UTF-16be')).toBe(true)
    expect(validTextBytes(le, 'UTF-8')).toBe(false)
    expect(validTextBytes(Buffer.from([0x41, 0x00, 0x3c, 0xd8]), 'UTF-16le')).toBe(false)
    expect(validTextBytes(Buffer.from([0x41, 0x00, 0x00, 0xdc]), 'UTF-16le')).toBe(false)
    expect(validTextBytes(Buffer.from([0x41, 0x00, 0x42]), 'UTF-16le')).toBe(false)
    expect(decodeTextBytes(Buffer.from([0x41, 0x00, 0x3c, 0xd8]), 'UTF-16le')).toBe('A\uFFFD')
    expect(decodeTextBytes(Buffer.from([0x00, 0x41, 0x00]), 'UTF-16be')).toBe('A\uFFFD')
  })

  it('migrates every valid value exactly, a real U+FFFD included, and quarantines the lone surrogate', async () => {
    for (const encoding of ['UTF-16le', 'UTF-16be'] as const) {
      const s = `${schema}_${encoding === 'UTF-16le' ? 'le' : 'be'}`
      try {
        const r = await migrate(utf16Db(encoding), s, { workers: 1 })
        expect(r.tables.find((x) => x.table === 'notes'), encoding).toMatchObject({ loadedRows: 3, rejectedRows: 2 })
        expect(r.validation?.equal, encoding).toBe(true)
        const rows = await query<{ id: string; body: string }>(
          `SELECT id::text, body FROM ${qi(s, 'notes')} ORDER BY id`,
        )
        expect(rows).toEqual([
          { id: '1', body: 'plain' },
          { id: '2', body: 'emoji 😀 and ü' },
          { id: '3', body: 'a real \uFFFD stays' },
        ])
        const rejects = await query<{ key: string; reason: string; raw_hex: string }>(
          `SELECT key, reason, raw_hex FROM ${qi(s, 'ferry_rejects')} ORDER BY key`,
        )
        expect(rejects[0]).toEqual({
          key: '4',
          reason: `invalid ${encoding} in text (a lone surrogate; SQLite hands it over as U+FFFD)`,
          raw_hex: encoding === 'UTF-16le' ? '41003cd8' : '0041d83c',
        })
        expect(rejects[1]).toMatchObject({ key: '5', reason: expect.stringContaining('NUL') })
      } finally {
        await dropSchema(s)
      }
    }
  })

  it('profiles it without false findings: one NUL byte, one invalid text, their rows', async () => {
    const db = new Database(utf16Db('UTF-16le'), { readonly: true })
    try {
      const fns = addProfileFunctions(db)
      const tables = listTables(db).map((row) => ({
        ...describeTable(db, row),
        ...countRows(db, row.name),
      }))
      const byName = new Map(tables.map((x) => [x.name, x]))
      const profile = (name: string) =>
        profileTable(db, fns, byName.get(name)!, byName, { chunkRows: 1000 })
      const notes = (await profile('notes')).findings.filter((f) => f.column === 'body')
      expect(notes.find((f) => f.kind === 'nul-bytes')).toMatchObject({ count: 1, samples: [5] })
      expect(notes.find((f) => f.kind === 'invalid-utf8')).toMatchObject({ count: 1, samples: [4] })
      // The dangling keys read back as the values they are, not as UTF-16 bytes.
      const orphans = (await profile('tags')).findings.filter((f) => f.kind === 'orphans')
      expect(orphans.map((f) => [f.column, f.samples]).sort()).toEqual([
        ['label', ['gone ü']],
        ['note_id', [42]],
      ])
    } finally {
      db.close()
    }
  })
})
