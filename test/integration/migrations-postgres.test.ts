// The PostgreSQL executor against a real server, in a database of its own: transactional DDL with
// its ledger row, CREATE INDEX CONCURRENTLY outside a transaction, checksum drift refused, the
// advisory lock keeping a second session out, undo newest first.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadMigrationFolder } from '../../electron/core/migrations/files'
import {
  applyPgMigrations,
  undoPgMigrations,
} from '../../electron/core/migrations/postgres-executor'
import { pgReadLedger } from '../../electron/core/migrations/postgres-ledger'
import { migrationChecksum } from '../../electron/core/migrations/checksum'
import { tempDir } from '../support/paths'

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const DB = `ferry_migrations_${process.pid}_${Date.now()}`
const t = tempDir('ferry-pg-migrations-')
const dir = join(t.dir, 'migrations')
let client: pg.Client

function urlFor(db: string): string {
  const u = new URL(ADMIN_URL)
  u.pathname = `/${db}`
  return u.toString()
}

const write = (name: string, sql: string): void => {
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, name), sql)
}

const folder = () => loadMigrationFolder(dir, t.dir)

async function exists(sql: string, params: unknown[] = []): Promise<boolean> {
  return (await client.query(sql, params)).rows.length > 0
}

describe('migrations on PostgreSQL', () => {
  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: ADMIN_URL })
    await admin.connect()
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(DB)}`)
    await admin.end()
    client = new pg.Client({ connectionString: urlFor(DB) })
    client.on('error', () => undefined)
    await client.connect()
    // The plan's own ledger shape, with one version it applied.
    await client.query('CREATE TABLE public.schema_migrations (version INTEGER PRIMARY KEY)')
    await client.query('INSERT INTO public.schema_migrations VALUES (1)')
  })

  afterAll(async () => {
    await client?.end()
    const admin = new pg.Client({ connectionString: ADMIN_URL })
    await admin.connect()
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(DB)} WITH (FORCE)`)
    await admin.end()
    t.cleanup()
  })

  it('applies a transactional migration and a CONCURRENTLY one, recording each with its checksum', async () => {
    write(
      '0002_agents.sql',
      'CREATE TABLE agents (agent_id text PRIMARY KEY);\nCREATE TABLE events (event_id bigint PRIMARY KEY, agent_id text REFERENCES agents);\n',
    )
    write('0002_agents.down.sql', 'DROP TABLE events;\nDROP TABLE agents;\n')
    write(
      '0003_events_agent_id.sql',
      '-- ferry:no-transaction\nCREATE INDEX CONCURRENTLY idx_events_agent_id ON events (agent_id);\n',
    )
    write(
      '0003_events_agent_id.down.sql',
      '-- ferry:no-transaction\nDROP INDEX CONCURRENTLY IF EXISTS idx_events_agent_id;\n',
    )
    const out = await applyPgMigrations(client, 'public', folder(), { appliedBy: 'test' })
    expect(out.setup).toEqual({
      action: 'extended',
      columnsAdded: ['name', 'checksum', 'applied_at', 'duration_ms', 'success', 'applied_by'],
    })
    expect(out.applied.map((a) => a.version)).toEqual([2, 3])
    const ledger = await pgReadLedger(client, 'public')
    expect(ledger.map((l) => [l.version, l.checksum, l.success])).toEqual([
      [1, null, null],
      [2, folder().migrations[0]!.checksum, true],
      [3, folder().migrations[1]!.checksum, true],
    ])
    expect(await exists("SELECT 1 FROM pg_indexes WHERE indexname = 'idx_events_agent_id'")).toBe(
      true,
    )
    const valid = (
      await client.query(
        "SELECT indisvalid FROM pg_index WHERE indexrelid = 'public.idx_events_agent_id'::regclass",
      )
    ).rows[0].indisvalid
    expect(valid).toBe(true)
  })

  it('rolls a failing transactional migration back entirely', async () => {
    write('0004_broken.sql', 'CREATE TABLE half (id int);\nCREATE INDEX ON no_such_table (x);\n')
    await expect(
      applyPgMigrations(client, 'public', folder(), { appliedBy: 'test' }),
    ).rejects.toMatchObject({ code: 'MIGRATION_FAILED' })
    expect(await exists("SELECT 1 FROM pg_tables WHERE tablename = 'half'")).toBe(false)
    expect((await pgReadLedger(client, 'public')).map((l) => l.version)).toEqual([1, 2, 3])
    write('0004_broken.sql', 'CREATE TABLE half (id int);\n')
    write('0004_broken.down.sql', 'DROP TABLE half;\n')
  })

  it('refuses when an applied file changed, and while another session holds the migration lock', async () => {
    write('0002_agents.sql', 'CREATE TABLE agents (agent_id text PRIMARY KEY, extra text);\n')
    await expect(
      applyPgMigrations(client, 'public', folder(), { appliedBy: 'test' }),
    ).rejects.toMatchObject({
      code: 'MIGRATION_CHECKSUM_MISMATCH',
      message: expect.stringContaining('0002'),
    })
    write(
      '0002_agents.sql',
      'CREATE TABLE agents (agent_id text PRIMARY KEY);\nCREATE TABLE events (event_id bigint PRIMARY KEY, agent_id text REFERENCES agents);\n',
    )
    expect(folder().migrations[0]!.checksum).toBe(
      migrationChecksum(
        'CREATE TABLE agents (agent_id text PRIMARY KEY);\nCREATE TABLE events (event_id bigint PRIMARY KEY, agent_id text REFERENCES agents);\n',
      ),
    )

    const other = new pg.Client({ connectionString: urlFor(DB) })
    other.on('error', () => undefined)
    await other.connect()
    await other.query("SELECT pg_advisory_lock(hashtext('ferry.migrations:public'))")
    await expect(
      applyPgMigrations(client, 'public', folder(), { appliedBy: 'test' }),
    ).rejects.toMatchObject({ code: 'MIGRATION_LOCKED' })
    await other.end() // the lock dies with its session
    const out = await applyPgMigrations(client, 'public', folder(), { appliedBy: 'test' })
    expect(out.applied.map((a) => a.version)).toEqual([4])
  })

  it('undoes newest first, the CONCURRENTLY drop outside a transaction, keeping the legacy row', async () => {
    expect((await undoPgMigrations(client, 'public', folder())).map((r) => r.version)).toEqual([4])
    expect(await exists("SELECT 1 FROM pg_tables WHERE tablename = 'half'")).toBe(false)
    expect(
      (await undoPgMigrations(client, 'public', folder(), { to: 1 })).map((r) => r.version),
    ).toEqual([3, 2])
    expect(await exists("SELECT 1 FROM pg_indexes WHERE indexname = 'idx_events_agent_id'")).toBe(
      false,
    )
    expect(await exists("SELECT 1 FROM pg_tables WHERE tablename IN ('agents', 'events')")).toBe(
      false,
    )
    expect((await pgReadLedger(client, 'public')).map((l) => l.version)).toEqual([1])
  })
})
