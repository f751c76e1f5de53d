// The compare view for tables matched by their key values (no INTEGER PRIMARY KEY): a rowid table
// keyed by agent_id TEXT COLLATE NOCASE and a WITHOUT ROWID (region, n) table. Pages in the
// source's key order show each row beside the target row with the same key, differing cells
// named; a jump to the keys validation reports (key values) shows changed, deleted and inserted
// rows; a reject log key (the loader's) finds its row too.
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compareRows } from '../../electron/core/pgmigrate/compare'
import type { MigrationPlan } from '../../electron/core/pgmigrate/types'
import { openSqliteReadOnly } from '../../electron/core/sqlite/open'
import { tempDir } from '../support/paths'
import { PG_URL, dropSchema, migrate, qi, query, schemaName } from './pgmigrate-support'

const t = tempDir('ferry-cmpval-')
const file = join(t.dir, 'keyed.db')
const schema = schemaName('cmpval')
let plan: MigrationPlan
let client: pg.Client

beforeAll(async () => {
  const db = new Database(file)
  db.exec(`CREATE TABLE agents (agent_id TEXT COLLATE NOCASE PRIMARY KEY, status TEXT);
    CREATE TABLE pairs (region TEXT, n INTEGER, v REAL, PRIMARY KEY (region, n)) WITHOUT ROWID;`)
  const a = db.prepare('INSERT INTO agents VALUES (?, ?)')
  const p = db.prepare('INSERT INTO pairs VALUES (?, ?, ?)')
  for (let i = 1; i <= 250; i++) {
    a.run(`Agent-${i}`, i % 2 ? 'idle' : 'busy')
    p.run(i % 2 ? 'eu' : 'US', i, i / 4)
  }
  db.close()
  const r = await migrate(file, schema)
  expect(r.validation?.equal).toBe(true)
  const [run] = await query<{ plan: string }>(`SELECT plan FROM ${qi(schema, 'ferry_run')}`)
  plan = (typeof run!.plan === 'string' ? JSON.parse(run!.plan) : run!.plan) as MigrationPlan
  const agents = qi(schema, 'agents')
  await query(`UPDATE ${agents} SET status = 'gone fishing' WHERE agent_id = 'Agent-5'`)
  await query(`DELETE FROM ${agents} WHERE agent_id = 'Agent-7'`)
  await query(`INSERT INTO ${agents} VALUES ('agent-new', 'idle')`)
  client = new pg.Client({ connectionString: PG_URL })
  await client.connect()
})
afterAll(async () => {
  await client?.end()
  await dropSchema(schema)
  t.cleanup()
})

const compare = async (input: {
  table: string
  after?: string | null
  keys?: string[]
  limit?: number
}) => {
  const db = openSqliteReadOnly(file)
  try {
    return await compareRows(db, client, schema, plan, input, [], new Set())
  } finally {
    db.close()
  }
}

describe('compare by key values', () => {
  it('pages the source in key order beside the target rows of the same key', async () => {
    const first = await compare({ table: 'agents', limit: 10 })
    expect(first.keyed).toBe(true)
    expect(first.rows.map((r) => r.key).slice(0, 3)).toEqual([
      "agent_id='Agent-1'",
      "agent_id='Agent-2'",
      "agent_id='Agent-3'",
    ])
    const state = Object.fromEntries(first.rows.map((r) => [r.key, r.state]))
    expect(state["agent_id='Agent-5'"]).toBe('different')
    expect(state["agent_id='Agent-7'"]).toBe('missing-in-target')
    expect(state["agent_id='Agent-4'"]).toBe('equal')
    expect(first.rows.find((r) => r.key === "agent_id='Agent-5'")?.differentColumns).toEqual([
      'status',
    ])
    expect(first.nextAfter).toBe('10')
    const second = await compare({ table: 'agents', after: first.nextAfter, limit: 10 })
    expect(second.rows[0]!.key).toBe("agent_id='Agent-11'")
    expect(second.rows.every((r) => r.state === 'equal')).toBe(true)
  })

  it("jumps to the rows validation named, the target's own row included, and to a loader key", async () => {
    const named = await compare({
      table: 'agents',
      keys: ["agent_id='Agent-5'", "agent_id='Agent-7'", "agent_id='agent-new'"],
    })
    expect(named.rows.map((r) => [r.key, r.state])).toEqual([
      ["agent_id='Agent-5'", 'different'],
      ["agent_id='Agent-7'", 'missing-in-target'],
      ["agent_id='agent-new'", 'extra-in-target'],
    ])
    expect(named.rows[2]!.target).toEqual(['agent-new', 'idle'])
    // The reject log and the ledger name a row by the loader's key: here the hidden rowid.
    const byRowid = await compare({ table: 'agents', keys: ['5'] })
    expect(byRowid.rows.map((r) => [r.key, r.state])).toEqual([["agent_id='Agent-5'", 'different']])
  })

  it('pages a WITHOUT ROWID table by its primary key', async () => {
    const page = await compare({ table: 'pairs', limit: 3 })
    expect(page.rows.map((r) => [r.key, r.state])).toEqual([
      ["(region='US', n=2)", 'equal'],
      ["(region='US', n=4)", 'equal'],
      ["(region='US', n=6)", 'equal'],
    ])
    const next = await compare({ table: 'pairs', after: page.nextAfter, limit: 1 })
    expect(next.rows[0]!.key).toBe("(region='US', n=8)")
    const jump = await compare({ table: 'pairs', keys: ["(region='eu', n=249)"] })
    expect(jump.rows.map((r) => [r.key, r.state, r.source?.[2]])).toEqual([
      ["(region='eu', n=249)", 'equal', '62.25'],
    ])
  })
})
