// The migration framework on real SQLite files, through `ferry migrations …` and `ferry run
// p1.migration-framework`: the plan's legacy schema_migrations adopted, checksums enforced, one
// transaction per migration (a kill or an error leaves nothing half-applied), undo newest first.
import { spawnSync } from 'node:child_process'
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrationChecksum } from '../../electron/core/migrations/checksum'
import { FERRY_BIN, tempDir } from '../support/paths'

const t = tempDir('ferry-migrations-')
const env = {
  ...process.env,
  XDG_CONFIG_HOME: join(t.dir, 'config'),
  FERRY_FAULT_POINT: '',
  FERRY_FAULT_ACTION: '',
}

function ferry(args: string[], extraEnv: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [FERRY_BIN, ...args], {
    env: { ...env, ...extraEnv },
    encoding: 'utf8',
    timeout: 170_000,
  })
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr }
}

function query<T>(db: string, sql: string): T[] {
  const d = new Database(db, { readonly: true })
  const rows = d.prepare(sql).all() as T[]
  d.close()
  return rows
}

const tables = (db: string): string[] =>
  query<{ name: string }>(
    db,
    "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name",
  ).map((r) => r.name)

describe('ferry migrations on a state.db that already has the plan\u2019s schema_migrations', () => {
  const ws = join(t.dir, 'legacy')
  const db = join(ws, '.claude', 'state.db')
  const dir = join(ws, '.ferry', 'migrations', 'state')
  const migration = (name: string, up: string, down?: string): string => {
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, `${name}.sql`), up)
    if (down !== undefined) writeFileSync(join(dir, `${name}.down.sql`), down)
    return join(dir, `${name}.sql`)
  }

  beforeAll(() => {
    mkdirSync(join(ws, '.claude'), { recursive: true })
    const d = new Database(db)
    // Exactly what the plan's SchemaMigration class creates, with two versions it applied.
    d.exec('CREATE TABLE agents (agent_id TEXT PRIMARY KEY, status TEXT)')
    d.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY)')
    d.exec('INSERT INTO schema_migrations (version) VALUES (1), (2)')
    d.close()
  })
  afterAll(() => t.cleanup())

  it('adopts the legacy table: adds columns, keeps its rows, applies the next version with its checksum', () => {
    const file = migration(
      '0003_agent_notes',
      'CREATE TABLE agent_notes (id INTEGER PRIMARY KEY, agent_id TEXT, note TEXT);\r\nCREATE INDEX idx_agent_notes_agent_id ON agent_notes (agent_id);\r\n',
      'DROP TABLE agent_notes;\n',
    )
    const r = ferry(['migrations', 'apply', '-w', ws, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const out = JSON.parse(r.stdout)
    expect(out.ledger).toEqual({
      action: 'extended',
      columnsAdded: ['name', 'checksum', 'applied_at', 'duration_ms', 'success', 'applied_by'],
    })
    expect(typeof out.backupId).toBe('string')
    const rows = query<Record<string, unknown>>(
      db,
      'SELECT * FROM schema_migrations ORDER BY version',
    )
    expect(rows.map((x) => [x.version, x.checksum])).toEqual([
      [1, null],
      [2, null],
      [3, migrationChecksum(readFileSync(file, 'utf8'))],
    ])
    expect(rows[2]).toMatchObject({
      name: 'agent_notes',
      success: 1,
      applied_by: 'ferry migrations apply',
    })
    // CRLF in the file, LF in the hash: the same checksum sha256sum gives for the LF text.
    const lf = readFileSync(file, 'utf8').replace(/\r\n/g, '\n')
    expect(rows[2]!.checksum).toBe(migrationChecksum(lf))
    expect(tables(db)).toContain('agent_notes')
    // The plan's own code keeps working: its MAX(version) query sees Ferry's version too.
    expect(query<{ v: number }>(db, 'SELECT MAX(version) AS v FROM schema_migrations')[0]!.v).toBe(
      3,
    )
    const status = ferry(['migrations', 'status', '-w', ws, '--json'])
    expect(status.code).toBe(0)
    expect(JSON.parse(status.stdout).items.map((i: { status: string }) => i.status)).toEqual([
      'legacy',
      'legacy',
      'applied',
    ])
  })

  it('refuses to apply anything once an applied migration\u2019s file was edited, naming version, file and both hashes', () => {
    const file = join(dir, '0003_agent_notes.sql')
    const original = readFileSync(file, 'utf8')
    migration(
      '0004_more',
      'CREATE TABLE more_notes (id INTEGER PRIMARY KEY);\n',
      'DROP TABLE more_notes;\n',
    )
    appendFileSync(file, 'CREATE INDEX idx_sneaky ON agent_notes (note);\n')
    const r = ferry(['migrations', 'apply', '-w', ws])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('Checksum mismatch for migration 0003 (agent_notes)')
    expect(r.stderr).toContain('.ferry/migrations/state/0003_agent_notes.sql')
    expect(r.stderr).toContain(migrationChecksum(original))
    expect(r.stderr).toContain(migrationChecksum(readFileSync(file, 'utf8')))
    expect(tables(db)).not.toContain('more_notes')
    expect(ferry(['migrations', 'status', '-w', ws]).code).toBe(1)
    writeFileSync(file, original)
  })

  it('rolls back a migration that fails half-way: no table, no ledger row', () => {
    migration(
      '0005_broken',
      'CREATE TABLE half (id INTEGER PRIMARY KEY);\nCREATE INDEX idx_nope ON no_such_table (x);\n',
      'DROP TABLE half;\n',
    )
    const r = ferry(['migrations', 'apply', '-w', ws, '--json'])
    expect(r.code).toBe(1)
    const err = JSON.parse(r.stdout).error
    expect(err.code).toBe('MIGRATION_FAILED')
    expect(err.message).toContain('0005')
    expect(err.message).toContain('no_such_table')
    // 0004 (before it) is applied and recorded; 0005 left nothing.
    expect(tables(db)).toContain('more_notes')
    expect(tables(db)).not.toContain('half')
    expect(
      query<{ version: number }>(db, 'SELECT version FROM schema_migrations ORDER BY version').map(
        (x) => x.version,
      ),
    ).toEqual([1, 2, 3, 4])
  })

  it('refuses a script with its own BEGIN/COMMIT before running any of it', () => {
    writeFileSync(
      join(dir, '0005_broken.sql'),
      'BEGIN;\nCREATE TABLE half (id INTEGER PRIMARY KEY);\nCOMMIT;\n',
    )
    const r = ferry(['migrations', 'apply', '-w', ws, '--json'])
    expect(r.code).toBe(1)
    expect(JSON.parse(r.stdout).error.code).toBe('MIGRATION_HAS_TRANSACTION')
    expect(tables(db)).not.toContain('half')
  })

  it('leaves nothing behind when killed between the DDL and its ledger row, and applies it on the next run', () => {
    writeFileSync(join(dir, '0005_broken.sql'), 'CREATE TABLE half (id INTEGER PRIMARY KEY);\n')
    const killed = ferry(['migrations', 'apply', '-w', ws], {
      FERRY_FAULT_POINT: 'migrations:after-ddl',
      FERRY_FAULT_ACTION: 'kill',
    })
    expect(killed.signal).toBe('SIGKILL')
    expect(tables(db)).not.toContain('half')
    expect(
      query<{ n: number }>(db, 'SELECT count(*) AS n FROM schema_migrations WHERE version = 5')[0]!
        .n,
    ).toBe(0)
    expect(
      query<{ r: string }>(db, 'PRAGMA integrity_check').map((x) => Object.values(x)[0]),
    ).toEqual(['ok'])
    const again = ferry(['migrations', 'apply', '-w', ws])
    expect(again.code, again.stderr).toBe(0)
    expect(tables(db)).toContain('half')
  })

  it('undoes newest first with the down scripts, keeping the legacy rows', () => {
    const one = ferry(['migrations', 'undo', '-w', ws, '--json'])
    expect(one.code, one.stderr).toBe(0)
    expect(JSON.parse(one.stdout).reverted.map((x: { version: number }) => x.version)).toEqual([5])
    expect(tables(db)).not.toContain('half')
    const rest = ferry(['migrations', 'undo', '-w', ws, '--to', '2', '--json'])
    expect(rest.code, rest.stderr).toBe(0)
    expect(JSON.parse(rest.stdout).reverted.map((x: { version: number }) => x.version)).toEqual([
      4, 3,
    ])
    expect(tables(db)).toEqual(['agents', 'schema_migrations'])
    expect(
      query<{ version: number }>(db, 'SELECT version FROM schema_migrations').map((x) => x.version),
    ).toEqual([1, 2])
    const nothing = ferry(['migrations', 'undo', '-w', ws, '--to', '2'])
    expect(nothing.code).toBe(1)
    expect(nothing.stderr).toContain('No migration applied by Ferry above version 0002')
  })
})

describe('p1.migration-framework on the demo workspace', () => {
  const ws = join(t.dir, 'demo')
  const db = join(ws, '.claude', 'state.db')

  it('sets up the ledger, applies a pending file, and undo removes both', () => {
    expect(ferry(['demo-workspace', ws, '--events', '2000']).code).toBe(0)
    const before = query<Record<string, unknown>>(db, 'SELECT * FROM sqlite_schema ORDER BY name')
    const dir = join(ws, '.ferry', 'migrations', 'state')
    mkdirSync(dir, { recursive: true })
    writeFileSync(
      join(dir, '0001_agent_tags.sql'),
      'CREATE TABLE agent_tags (agent_id TEXT NOT NULL, tag TEXT NOT NULL, PRIMARY KEY (agent_id, tag));\n',
    )
    writeFileSync(join(dir, '0001_agent_tags.down.sql'), 'DROP TABLE agent_tags;\n')
    const r = ferry(['run', 'p1.migration-framework', '-w', ws, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const ev = JSON.parse(r.stdout).steps[0].evidence
    expect(ev.ledger).toMatchObject({
      table: 'schema_migrations',
      action: 'created',
      createdByFerry: true,
    })
    expect(ev).toMatchObject({ applied: 1, pending: 0, directory: '.ferry/migrations/state' })
    expect(ev.migrations).toEqual([
      expect.objectContaining({
        version: 1,
        name: 'agent_tags',
        status: 'applied',
        appliedNow: true,
        appliedBy: 'p1.migration-framework',
      }),
    ])
    expect(tables(db)).toContain('agent_tags')

    const again = ferry(['run', 'p1.migration-framework', '-w', ws, '--json'])
    expect(JSON.parse(again.stdout).steps[0].evidence).toMatchObject({ applied: 0, verified: 1 })

    const undo = ferry(['undo', 'p1.migration-framework', '-w', ws, '--json'])
    expect(undo.code, undo.stderr).toBe(0)
    expect(JSON.parse(undo.stdout).step.evidence.undo).toMatchObject({
      ledgerDropped: true,
      reverted: [{ version: 1, name: 'agent_tags' }],
    })
    expect(query<Record<string, unknown>>(db, 'SELECT * FROM sqlite_schema ORDER BY name')).toEqual(
      before,
    )
  })
})
