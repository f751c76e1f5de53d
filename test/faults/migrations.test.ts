// Schema migrations on the source (issue 8, source protection): applied twice (the second run
// changes nothing), an applied file tampered with (refused by checksum, nothing changed), a
// migration failing half-way (nothing of it remains), and kill -9 between an index's creation and
// its version row (both present or both absent, never one without the other).
import { mkdirSync, appendFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../support/paths'
import { errorProblems, ferryRunner } from '../support/faults/cli'
import { integrityCheck, sqliteFingerprint } from '../support/faults/fingerprint'
import { score } from '../support/faults/scorecard'

const tmp = tempDir('ferry-faults-migr-')
const ws = join(tmp.dir, 'ws')
const db = join(ws, '.claude', 'state.db')
const dir = join(ws, '.ferry', 'migrations', 'state')
const ferry = ferryRunner(join(tmp.dir, 'config'))

const write = (name: string, up: string, down = ''): string => {
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, `${name}.sql`), up)
  if (down) writeFileSync(join(dir, `${name}.down.sql`), down)
  return join(dir, `${name}.sql`)
}

function schemaOf(): { names: string[]; versions: number[] } {
  const d = new Database(db, { readonly: true })
  try {
    return {
      names: d
        .prepare("SELECT name FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY name")
        .pluck()
        .all() as string[],
      versions: d
        .prepare('SELECT version FROM schema_migrations ORDER BY version')
        .pluck()
        .all() as number[],
    }
  } finally {
    d.close()
  }
}

describe('schema migrations under faults', () => {
  beforeAll(() => {
    mkdirSync(join(ws, '.claude'), { recursive: true })
    const d = new Database(db)
    d.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, agent TEXT, body TEXT)')
    const ins = d.prepare('INSERT INTO notes (agent, body) VALUES (?, ?)')
    d.transaction(() => {
      for (let i = 0; i < 5000; i++) ins.run(`agent-${i % 7}`, `note ${i}`)
    })()
    d.close()
  })
  afterAll(() => tmp.cleanup())

  it('applies a migration once; the second run changes nothing', () => {
    write(
      '0001_tags',
      'CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n',
      'DROP TABLE tags;\n',
    )
    const first = ferry.run(['migrations', 'apply', '-w', ws, '--json'])
    expect(first.code, first.stderr.slice(-1500)).toBe(0)
    const after1 = sqliteFingerprint(db)
    const shape1 = schemaOf()
    expect(shape1.names).toContain('tags')
    const second = ferry.run(['migrations', 'apply', '-w', ws, '--json'])
    expect(second.code, second.stderr.slice(-1500)).toBe(0)
    expect(sqliteFingerprint(db)).toEqual(after1)
    expect(schemaOf()).toEqual(shape1)
    score.fault('migration applied twice', true, 'idempotent apply')
  })

  it('refuses to apply anything once an applied file was tampered with, changing nothing', () => {
    const file = join(dir, '0001_tags.sql')
    write(
      '0002_more',
      'CREATE TABLE more_notes (id INTEGER PRIMARY KEY);\n',
      'DROP TABLE more_notes;\n',
    )
    const before = sqliteFingerprint(db)
    const shape = schemaOf()
    appendFileSync(file, 'CREATE INDEX sneaky ON tags (name);\n')
    const r = ferry.run(['migrations', 'apply', '-w', ws, '--json'])
    expect(errorProblems(r)).toEqual([])
    expect(r.json.error.message).toMatch(/Checksum mismatch for migration 0001/)
    expect(sqliteFingerprint(db)).toEqual(before)
    expect(schemaOf()).toEqual(shape)
    writeFileSync(file, 'CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n')
    score.badInput('migrations', 'applied migration file edited', `refused ${r.json.error.code}`)
  })

  it('leaves nothing of a migration that fails half-way', () => {
    // 0002 (pending from the test above) applies first; 0003 then fails on its second statement.
    const ok = ferry.run(['migrations', 'apply', '-w', ws, '--json'])
    expect(ok.code, ok.stderr.slice(-1500)).toBe(0)
    const before = sqliteFingerprint(db)
    const shape = schemaOf()
    write(
      '0003_broken',
      'CREATE TABLE half (id INTEGER PRIMARY KEY);\nINSERT INTO half VALUES (1);\nCREATE INDEX nope ON no_such_table (x);\n',
      'DROP TABLE half;\n',
    )
    const r = ferry.run(['migrations', 'apply', '-w', ws, '--json'])
    expect(errorProblems(r)).toEqual([])
    expect(r.json.error.code).toBe('MIGRATION_FAILED')
    expect(r.json.error.message).toContain('no_such_table')
    expect(schemaOf()).toEqual(shape)
    expect(sqliteFingerprint(db)).toEqual(before)
    expect(integrityCheck(db)).toBe('ok')
    writeFileSync(join(dir, '0003_broken.sql'), 'CREATE TABLE half (id INTEGER PRIMARY KEY);\n')
    score.fault('migration failing half-way', true, 'rolled back whole')
  })

  it('kill -9 between an index and its version row: both absent, then both present on the re-run', () => {
    const applied = ferry.run(['migrations', 'apply', '-w', ws, '--json'])
    expect(applied.code, applied.stderr.slice(-1500)).toBe(0)
    write(
      '0004_index',
      'CREATE INDEX idx_notes_agent ON notes (agent, body);\n',
      'DROP INDEX idx_notes_agent;\n',
    )
    const before = schemaOf()
    const killed = ferry.run(['migrations', 'apply', '-w', ws, '--json'], {
      FERRY_FAULT_POINT: 'migrations:after-ddl',
      FERRY_FAULT_ACTION: 'kill',
    })
    expect(killed.code).not.toBe(0)
    expect(schemaOf()).toEqual(before)
    expect(integrityCheck(db)).toBe('ok')
    const again = ferry.run(['migrations', 'apply', '-w', ws, '--json'])
    expect(again.code, again.stderr.slice(-1500)).toBe(0)
    const after = schemaOf()
    expect(after.names).toContain('idx_notes_agent')
    expect(after.versions).toContain(4)
    score.fault('kill -9 during index creation', true, 'index and version row together')
  })
})
