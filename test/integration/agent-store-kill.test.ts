// The test: ten agents write through the library while their PostgreSQL connections are
// killed again and again (pg_terminate_backend by application_name). Afterwards every
// acknowledged write is in agent_memory exactly once, and nothing was written twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openPgStore, type SqlAgentStore } from '../../electron/core/agent-store/index'
import { admin, buildFixture, type Fixture } from './agent-store-support'

const AGENTS = 10
const WRITES = 60
let fx: Fixture

beforeAll(async () => {
  fx = await buildFixture('askill', { events: 300 })
}, 170_000)

afterAll(async () => {
  await fx?.cleanup()
})

describe('pg_terminate_backend while 10 agents write through the agent store', () => {
  it('keeps every acknowledged write exactly once', async () => {
    const stores: SqlAgentStore[] = []
    for (let i = 0; i < AGENTS; i++) {
      const s = await openPgStore(`kill-agent-${i}`, {
        url: fx.url,
        poolMax: 1,
        applicationName: `ferry-agent-store:kill-${i}`,
        retry: { attempts: 10, baseMs: 25, capMs: 2000 },
      })
      await s.ensureAgent('pm')
      stores.push(s)
    }
    const acked: { agent: string; seq: number; kind: string; id: number }[] = []
    let writing = true
    let kills = 0
    const killer = admin(fx.url, async (c) => {
      while (writing) {
        const r = await c.query(
          `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name LIKE 'ferry-agent-store:kill-%' AND pid <> pg_backend_pid()`,
        )
        kills += r.rows.filter((x: { ok: boolean }) => x.ok).length
        await new Promise((res) => setTimeout(res, 250 + Math.random() * 200))
      }
    })
    try {
      await Promise.all(
        stores.map(async (s) => {
          for (let seq = 0; seq < WRITES; seq++) {
            // Three kinds of insert, so every ledgered path is killed mid-flight at some point.
            if (seq % 3 === 0) {
              const { eventId } = await s.recordEvent({ type: 'kill.test', payload: { agent: s.agentId, seq } })
              acked.push({ agent: s.agentId, seq, kind: 'event', id: eventId })
            } else if (seq % 3 === 1) {
              const { taskId } = await s.createTask({ title: `kill ${s.agentId} ${seq}`, payload: { agent: s.agentId, seq } })
              acked.push({ agent: s.agentId, seq, kind: 'task', id: taskId })
            } else {
              const { messageId } = await s.sendMessage({ to: s.agentId, type: 'kill.test', body: `${s.agentId} ${seq}`, payload: { agent: s.agentId, seq } })
              acked.push({ agent: s.agentId, seq, kind: 'message', id: messageId })
            }
          }
        }),
      )
    } finally {
      writing = false
      await killer
    }
    const stats = stores.map((s) => s.stats())
    await Promise.all(stores.map((s) => s.close()))

    expect(kills).toBeGreaterThan(0)
    expect(stats.reduce((n, s) => n + s.retries, 0)).toBeGreaterThan(0)
    expect(stats.reduce((n, s) => n + s.failures, 0)).toBe(0)
    expect(acked).toHaveLength(AGENTS * WRITES)

    const rows = await admin(fx.url, async (c) => {
      const q = async (sql: string) => (await c.query<{ id: string; agent: string; seq: number }>(sql)).rows
      return {
        event: await q(`SELECT "event_id"::text AS id, "payload"::jsonb->>'agent' AS agent, ("payload"::jsonb->>'seq')::int AS seq FROM "agent_memory"."events" WHERE "event_type" = 'kill.test'`),
        task: await q(`SELECT "task_id"::text AS id, "payload"::jsonb->>'agent' AS agent, ("payload"::jsonb->>'seq')::int AS seq FROM "agent_memory"."tasks" WHERE "title" LIKE 'kill %'`),
        message: await q(`SELECT "message_id"::text AS id, "payload"::jsonb->>'agent' AS agent, ("payload"::jsonb->>'seq')::int AS seq FROM "agent_memory"."agent_messages" WHERE "message_type" = 'kill.test'`),
      }
    })
    for (const kind of ['event', 'task', 'message'] as const) {
      const found = rows[kind]
      const keys = found.map((r) => `${r.agent}/${r.seq}`)
      // None twice …
      expect(new Set(keys).size, `${kind}: duplicated rows`).toBe(keys.length)
      // … and every acknowledged one there, under the id the agent was given.
      const byKey = new Map(found.map((r) => [`${r.agent}/${r.seq}`, Number(r.id)]))
      for (const a of acked.filter((x) => x.kind === kind)) {
        expect(byKey.get(`${a.agent}/${a.seq}`), `${kind} ${a.agent}/${a.seq}`).toBe(a.id)
      }
      expect(found).toHaveLength(acked.filter((x) => x.kind === kind).length)
    }
    console.log(`kills=${kills} retries=${stats.reduce((n, s) => n + s.retries, 0)} deduplicated=${stats.reduce((n, s) => n + s.deduplicated, 0)}`)
  })
})
