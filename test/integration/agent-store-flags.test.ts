// Per-agent flags through the contract (agents.list / agents.setBackend on a real backend with a
// connected target): switching one demo agent from sqlite to postgres changes only that agent's
// flag, its next writes land in PostgreSQL (the other agents' still in memory.db), switching back
// reports what stays behind, and dual-write writes both sides.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AgentsView, SwitchResult } from '../../shared/contract/agents'
import { createBackend, type Backend } from '../../electron/core/backend'
import { BACKEND_FLAG_KEY, forAgent } from '../../electron/core/agent-store/index'
import { admin, buildFixture, type Fixture } from './agent-store-support'

let fx: Fixture
let backend: Backend
let memDb = ''

async function call<T>(method: string, input: unknown = {}): Promise<T> {
  const r = await backend.dispatch(method, input)
  if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`)
  return r.value as T
}

type ConfigRow = { agent_id: string | null; config_key: string; config_value: string | null }
const order = (rows: ConfigRow[]): string[] => rows.map((r) => `${r.agent_id}|${r.config_key}|${r.config_value}`).sort()

async function configs(): Promise<{ pg: string[]; sqlite: string[] }> {
  const pgRows = await admin(fx.url, async (c) => (await c.query<ConfigRow>(`SELECT "agent_id", "config_key", "config_value" FROM "agent_memory"."configurations"`)).rows)
  const db = new Database(memDb, { readonly: true })
  const sqliteRows = db.prepare(`SELECT "agent_id", "config_key", "config_value" FROM "configurations"`).all() as ConfigRow[]
  db.close()
  return { pg: order(pgRows), sqlite: order(sqliteRows) }
}

const countEvents = async (agent: string, type: string): Promise<{ pg: number; sqlite: number }> => {
  const pgN = await admin(fx.url, async (c) =>
    (await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM "agent_memory"."events" WHERE "agent_id" = $1 AND "event_type" = $2`, [agent, type])).rows[0]!.n,
  )
  const db = new Database(memDb, { readonly: true })
  const n = (db.prepare(`SELECT count(*) AS n FROM "events" WHERE "agent_id" = ? AND "event_type" = ?`).get(agent, type) as { n: number }).n
  db.close()
  return { pg: pgN, sqlite: n }
}

async function writeAs(agent: string, type: string): Promise<string> {
  const { backend: used, store } = await forAgent(agent, { workspace: fx.ws, postgresUrl: fx.url })
  await store!.recordEvent({ type })
  await store!.close()
  return used
}

beforeAll(async () => {
  fx = await buildFixture('asflags', { events: 300 })
  memDb = join(fx.ws, '.claude', 'memory.db')
  backend = await createBackend({ appDataDir: join(fx.dir, 'app'), version: 'test', workspace: fx.ws, rememberWorkspace: false })
  await call('target.configure', { kind: 'url', url: fx.url })
  await call('target.connect')
}, 170_000)

afterAll(async () => {
  await backend?.close()
  await fx?.cleanup()
})

describe('per-agent backend flags', () => {
  let agent = ''
  let other = ''

  it('lists every demo agent on sqlite (memory.db exists, no flag set) with its last activity', async () => {
    const view = await call<AgentsView>('agents.list')
    expect(view.flagStore).toBe('postgres')
    expect(view.targetConnected).toBe(true)
    expect(view.agents.length).toBeGreaterThan(2)
    for (const a of view.agents) {
      expect(a.backend).toBe('sqlite')
      expect(a.flagSource).toBe('default')
    }
    expect(view.agents.some((a) => a.lastActivity !== null)).toBe(true)
    agent = view.agents[0]!.agentId
    other = view.agents[1]!.agentId
  })

  it('switching one agent to postgres changes only its flag; its next writes land in PostgreSQL', async () => {
    const before = await configs()
    const r = await call<SwitchResult>('agents.setBackend', { agentId: agent, backend: 'postgres' })
    expect(r).toMatchObject({ agentId: agent, previous: 'sqlite', backend: 'postgres' })
    const after = await configs()
    const flagRow = `${agent}|${BACKEND_FLAG_KEY}|postgres`
    // Exactly one row more on each side — this agent's flag — and nothing else changed.
    expect(after.pg.filter((x) => !before.pg.includes(x))).toEqual([flagRow])
    expect(before.pg.filter((x) => !after.pg.includes(x))).toEqual([])
    expect(after.sqlite.filter((x) => !before.sqlite.includes(x))).toEqual([flagRow])
    expect(before.sqlite.filter((x) => !after.sqlite.includes(x))).toEqual([])

    const view = await call<AgentsView>('agents.list')
    for (const a of view.agents) expect(a.backend, a.agentId).toBe(a.agentId === agent ? 'postgres' : 'sqlite')

    expect(await writeAs(agent, 'flag.test')).toBe('postgres')
    expect(await writeAs(other, 'flag.test')).toBe('sqlite')
    expect(await countEvents(agent, 'flag.test')).toEqual({ pg: 1, sqlite: 0 })
    expect(await countEvents(other, 'flag.test')).toEqual({ pg: 0, sqlite: 1 })
  })

  it('switching back reports the writes that stay only in PostgreSQL', async () => {
    await writeAs(agent, 'flag.test')
    const r = await call<SwitchResult>('agents.setBackend', { agentId: agent, backend: 'sqlite' })
    expect(r.previous).toBe('postgres')
    expect(r.leftBehind).toHaveLength(1)
    expect(r.leftBehind[0]).toMatchObject({ side: 'postgres', writes: 2, byTable: { events: 2 } })
    expect(r.note).toContain('2 write(s)')
    expect(await writeAs(agent, 'flag.back')).toBe('sqlite')
    expect(await countEvents(agent, 'flag.back')).toEqual({ pg: 0, sqlite: 1 })
  })

  it('dual-write writes both sides, with no divergence; leaving it keeps both', async () => {
    await call('agents.setBackend', { agentId: other, backend: 'dual-write' })
    const diverged: unknown[] = []
    const { backend: used, store } = await forAgent(other, { workspace: fx.ws, postgresUrl: fx.url, onDivergence: (d) => diverged.push(d) })
    expect(used).toBe('dual-write')
    const { taskId } = await store!.createTask({ title: 'dual task' })
    await store!.updateTask(taskId, { status: 'completed' })
    await store!.recordEvent({ type: 'flag.dual' })
    await store!.close()
    expect(diverged).toEqual([])
    expect(await countEvents(other, 'flag.dual')).toEqual({ pg: 1, sqlite: 1 })
    const pgStatus = await admin(fx.url, async (c) =>
      (await c.query<{ status: string }>(`SELECT "status" FROM "agent_memory"."tasks" WHERE "title" = 'dual task' AND "agent_id" = $1`, [other])).rows,
    )
    expect(pgStatus).toEqual([{ status: 'completed' }])
    const r = await call<SwitchResult>('agents.setBackend', { agentId: other, backend: 'postgres' })
    expect(r.leftBehind).toEqual([expect.objectContaining({ side: 'sqlite', writes: 0 })])
  })

  it('refuses an unknown agent', async () => {
    const r = await backend.dispatch('agents.setBackend', { agentId: 'no-such-agent', backend: 'postgres' })
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error.code).toBe('UNKNOWN_AGENT')
  })
})

describe('agents.list on a memory.db of another shape', () => {
  it('lists its agents with the facts it has, and none where there is no agents table', async () => {
    const ws = join(fx.dir, 'other-shape-list')
    mkdirSync(join(ws, '.claude'), { recursive: true })
    const db = new Database(join(ws, '.claude', 'memory.db'))
    // No agent_type, no last_activity, and a configurations table the flags cannot live in.
    db.exec(`CREATE TABLE agents (agent_id TEXT PRIMARY KEY, status TEXT);
      INSERT INTO agents VALUES ('b-agent', 'idle'), ('a-agent', NULL);
      CREATE TABLE configurations (key TEXT, value TEXT)`)
    db.close()
    const other = await createBackend({ appDataDir: join(fx.dir, 'app-other'), version: 'test', workspace: ws, rememberWorkspace: false })
    try {
      const r = await other.dispatch('agents.list', {})
      expect(r.ok, r.ok ? '' : `${r.error.code} ${r.error.message}`).toBe(true)
      const view = (r as { value: AgentsView }).value
      expect(view.agents.map((a) => [a.agentId, a.agentType, a.status, a.lastActivity, a.flagSource])).toEqual([
        ['a-agent', null, null, null, 'default'],
        ['b-agent', null, 'idle', null, 'default'],
      ])
      const bare = new Database(join(ws, '.claude', 'memory.db'))
      bare.exec('DROP TABLE agents')
      bare.close()
      const empty = await other.dispatch('agents.list', {})
      expect(empty.ok && (empty.value as AgentsView).agents).toEqual([])
    } finally {
      await other.close()
    }
  })
})
