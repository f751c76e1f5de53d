// A SQLite file whose schema names a collation only its application registers at run time
// (Android's LOCALIZED/UNICODE, a Python app's create_collation): healthy, yet PRAGMA
// integrity_check, counts through its indexes and comparisons on its columns all stop with "no
// such collation sequence", and better-sqlite3 cannot register collations. Ferry must neither
// call it damaged nor fail: backup, Phase 2 and migrate-sqlite go through, saying what they did.
// The file is made by building the schema with NOCASE and renaming the collation in
// sqlite_schema (writable_schema), which is what such a file looks like to anyone but its app.
import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { JobContext } from '../../electron/core/jobs/job'
import { migrationScriptsStep, validateStep } from '../../electron/core/import/steps'
import { adviseFkIndexes } from '../../electron/core/sqlite/fk-advisor'
import { SqliteSource } from '../../electron/core/inspect/sqlite-source'
import { checkIntegrity } from '../../electron/core/sqlite/integrity'
import { workspacePaths } from '../../electron/core/workspace/resolve'
import { ferryCli } from '../support/ferry-cli'
import { tempDir } from '../support/paths'
import { dropSchema, migrate, qi, query, schemaName, sha256File } from './pgmigrate-support'

const tmp = tempDir('ferry-appcoll-')
const ws = join(tmp.dir, 'ws')
const stateDb = join(ws, '.claude', 'state.db')
const keyedDb = join(tmp.dir, 'keyed.db')
const schema = schemaName('appcoll')
const ctx: JobContext = { progress: () => undefined, log: () => undefined, signal: new AbortController().signal }

/** Renames COLLATE NOCASE to COLLATE unicode_ci in the schema of `file`. */
function renameCollation(file: string): void {
  const db = new Database(file)
  db.unsafeMode(true) // lifts SQLITE_DBCONFIG_DEFENSIVE, which refuses writable_schema
  db.pragma('writable_schema = ON')
  db.prepare("UPDATE sqlite_schema SET sql = replace(sql, 'NOCASE', 'unicode_ci') WHERE sql LIKE '%NOCASE%'").run()
  db.pragma('writable_schema = OFF')
  db.close()
}

function createDbs(): void {
  mkdirSync(join(ws, '.claude'), { recursive: true })
  const db = new Database(stateDb)
  db.pragma('ignore_check_constraints = ON')
  db.pragma('foreign_keys = OFF')
  db.exec(`
    CREATE TABLE parent (id INTEGER PRIMARY KEY, code TEXT COLLATE NOCASE UNIQUE);
    CREATE TABLE child (id INTEGER PRIMARY KEY, pcode TEXT REFERENCES parent (code),
      kind TEXT COLLATE NOCASE CHECK (kind IN ('x', 'y')), owner_id TEXT COLLATE NOCASE REFERENCES parent (code));
    CREATE INDEX idx_child_kind ON child (kind COLLATE NOCASE);
    INSERT INTO parent VALUES (1, 'A'), (2, 'b');
    INSERT INTO child VALUES (1, 'A', 'x', NULL), (2, 'b', 'Y', NULL), (3, 'zz', 'x', NULL), (4, NULL, 'outside the CHECK', 'A');
  `)
  db.close()
  renameCollation(stateDb)
  const keyed = new Database(keyedDb)
  keyed.exec(`CREATE TABLE k (name TEXT COLLATE NOCASE PRIMARY KEY, v INTEGER) WITHOUT ROWID;
    INSERT INTO k VALUES ('a', 1), ('B', 2);`)
  keyed.close()
  renameCollation(keyedDb)
}

describe('a SQLite file naming a collation only its application defines', () => {
  let before: string
  beforeAll(() => {
    createDbs()
    before = sha256File(stateDb)
  })
  afterAll(async () => {
    await dropSchema(schema)
    tmp.cleanup()
  })

  it('is checked by reading every table, not called damaged; a table keyed on it is named', () => {
    const db = new Database(stateDb, { readonly: true })
    expect(() => db.pragma('quick_check')).toThrow(/no such collation sequence: unicode_ci/)
    expect(checkIntegrity(db, 'quick_check')).toEqual({
      problems: [],
      method: 'table-scan',
      appCollations: ['unicode_ci'],
      unreadable: [],
    })
    db.close()
    const keyed = new Database(keyedDb, { readonly: true })
    expect(checkIntegrity(keyed, 'integrity_check').unreadable).toEqual([
      { table: 'k', reason: expect.stringMatching(/keyed on .*unicode_ci/) },
    ])
    keyed.close()
  })

  it('p1.fk-indexes lists a key on such a column instead of proposing an index SQLite cannot build', () => {
    const db = new Database(stateDb, { readonly: true })
    const advice = adviseFkIndexes(db)
    db.close()
    expect(advice.proposals.map((p) => `${p.table}(${p.column})`)).toEqual(['child(pcode)'])
    expect(advice.unbuildable).toEqual([
      { table: 'child', column: 'owner_id', reason: expect.stringContaining('COLLATE unicode_ci') },
    ])
  })

  it('backs it up, noting how its integrity was checked', () => {
    const r = ferryCli(join(tmp.dir, 'config'))(['backup', '--workspace', ws, '--json'])
    expect(r.stderr).not.toMatch(/cannot be checked/)
    expect(r.code).toBe(0)
    const out = (JSON.parse(r.stdout) as { backup: { warnings: string[]; integrityOk: boolean } }).backup
    expect(out.integrityOk).toBe(true)
    expect(out.warnings.join('\n')).toMatch(/needs the collation\(s\) unicode_ci.*read in full/)
  })

  it('Phase 2 copies it into memory.db exactly, COLLATE BINARY there, the CHECK-breaking row included', async () => {
    const paths = workspacePaths(ws)
    await migrationScriptsStep(paths, ctx)
    const ev = (await validateStep(paths, ctx)) as unknown as {
      stateTables: { table: string; digestMatch: boolean }[]
      stateNotes: { name: string; note: string }[]
    }
    expect(ev.stateTables.map((t) => [t.table, t.digestMatch])).toEqual(
      expect.arrayContaining([
        ['child', true],
        ['parent', true],
      ]),
    )
    expect(ev.stateNotes.map((n) => n.name).sort()).toEqual(['child', 'idx_child_kind', 'parent'])
    const mem = new Database(join(ws, '.claude', 'memory.db'), { readonly: true })
    expect(mem.prepare("SELECT sql FROM sqlite_schema WHERE name = 'child'").pluck().get()).toContain(
      'kind TEXT COLLATE BINARY',
    )
    expect(mem.prepare('SELECT id, pcode, kind FROM child ORDER BY id').raw(true).all()).toEqual([
      [1, 'A', 'x'],
      [2, 'b', 'Y'],
      [3, 'zz', 'x'],
      [4, null, 'outside the CHECK'],
    ])
    mem.close()
  })

  it('migrate-sqlite loads and validates it; constraints SQLite cannot evaluate are validated by PostgreSQL', async () => {
    const r = await migrate(stateDb, schema)
    expect(r.validation?.equal).toBe(true)
    const unchecked = r.preflight!.constraints.filter((c) => c.unchecked).map((c) => c.kind)
    expect(unchecked.sort()).toEqual(['check', 'foreign-key', 'foreign-key'])
    expect(await query(`SELECT count(*)::int AS n FROM ${qi(schema, 'child')}`)).toEqual([{ n: 4 }])
    // PostgreSQL compares by bytes: 'Y' and the long value break the CHECK, 'zz' has no parent.
    const status = Object.fromEntries(
      r.constraints.filter((c) => c.kind === 'check' || c.kind === 'foreign-key').map((c) => [c.name, c.status]),
    )
    // owner_id's one value 'A' has its parent: valid; the others as above.
    expect(status).toEqual({
      child_kind_check: 'not-valid',
      child_pcode_fkey: 'not-valid',
      child_owner_id_fkey: 'created',
    })
    expect(sha256File(stateDb)).toBe(before)
  })

  it('the Tables screen lists and counts its tables (counts never go through an index on the collation)', async () => {
    const src = new SqliteSource(stateDb)
    try {
      const tables = await src.tables()
      expect(tables.map((t) => [t.name, t.rows])).toEqual([
        ['child', 4],
        ['parent', 2],
      ])
    } finally {
      await src.close()
    }
  })

  it('refuses a table keyed on the collation with a clear error, not "damaged"', async () => {
    await expect(migrate(keyedDb, schemaName('keyed'))).rejects.toMatchObject({
      code: 'SOURCE_APP_COLLATION',
      message: expect.stringContaining('Table "k"'),
    })
  })
})
