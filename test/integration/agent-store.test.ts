// The agent store library on both backends, on a real memory.db and a real agent_memory schema
// (p1.snapshot-store moved the large snapshots to files first): every operation round-trips its
// exact values, a repeated key writes once, and file-stored snapshots read back byte for byte.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  openPgStore,
  openSqliteStore,
  type SqlAgentStore,
} from '../../electron/core/agent-store/index'
import { admin, buildFixture, type Fixture } from './agent-store-support'

let fx: Fixture
let memDb = ''

beforeAll(async () => {
  fx = await buildFixture('agentstore', { snapshotStore: true, events: 300 })
  memDb = join(fx.ws, '.claude', 'memory.db')
}, 170_000)

afterAll(async () => {
  await fx?.cleanup()
})

type Open = (agent: string) => Promise<SqlAgentStore>
const backends: [string, Open][] = [
  ['sqlite', (agent) => openSqliteStore(agent, { file: memDb })],
  ['postgres', (agent) => openPgStore(agent, { url: fx.url, claudeDir: join(fx.ws, '.claude') })],
]

describe.each(backends)('agent store on %s', (name, open) => {
  const A = `rt-${name}-a`
  const B = `rt-${name}-b`

  it('records and reads back events, messages, tasks, sessions, snapshots and configuration exactly', async () => {
    const a = await open(A)
    const b = await open(B)
    try {
      await a.ensureAgent('pm')
      await b.ensureAgent('pm')
      const payload = { n: 1, s: 'ünïcødé ✓', nested: { list: [1, 2.5, null, true], empty: {} } }
      const at = '2026-11-29T10:11:12.345Z'
      const { eventId } = await a.recordEvent({
        type: 'tool.call',
        level: 'warn',
        message: 'x "quoted"',
        payload,
        createdAt: at,
      })
      const events = await a.readEvents({ type: 'tool.call' })
      expect(events).toEqual([
        {
          eventId,
          agentId: A,
          type: 'tool.call',
          level: 'warn',
          message: 'x "quoted"',
          payload,
          createdAt: at,
        },
      ])

      const { messageId } = await a.sendMessage({
        to: B,
        type: 'request',
        subject: 'hi',
        body: 'line1\nline2',
        payload: [1, 'two'],
      })
      const inbox = await b.readMessages({ unreadOnly: true })
      expect(inbox).toHaveLength(1)
      expect(inbox[0]).toMatchObject({
        messageId,
        from: A,
        to: B,
        type: 'request',
        subject: 'hi',
        body: 'line1\nline2',
        payload: [1, 'two'],
        isRead: false,
        readAt: null,
      })
      await b.markRead(messageId)
      expect(await b.readMessages({ unreadOnly: true })).toEqual([])
      const read = (await b.readMessages())[0]!
      expect(read.isRead).toBe(true)
      expect(read.readAt).toMatch(/^\d{4}-\d\d-\d\dT/)

      const { taskId: parent } = await a.createTask({ title: 'parent' })
      const { taskId } = await a.createTask({
        title: 'child',
        description: 'd',
        priority: 1,
        parentTaskId: parent,
        payload: { k: 'v' },
      })
      await a.updateTask(taskId, { status: 'done', completedAt: at, payload: { k: 'w', n: [] } })
      expect(await a.getTask(taskId)).toMatchObject({
        taskId,
        agentId: A,
        parentTaskId: parent,
        title: 'child',
        description: 'd',
        status: 'done',
        priority: 1,
        payload: { k: 'w', n: [] },
        completedAt: at,
      })
      expect(await a.getTask(-1)).toBeNull()

      const { sessionId } = await a.openSession({
        title: 'ctx',
        metadata: { model: 'm', window: 200000 },
      })
      await a.closeSession(sessionId, { summary: 'done it', tokenCount: 1234 })
      expect(await a.getSession(sessionId)).toMatchObject({
        sessionId,
        agentId: A,
        title: 'ctx',
        status: 'closed',
        tokenCount: 1234,
        summary: 'done it',
        metadata: { model: 'm', window: 200000 },
      })

      // Canonical jsonb text, so a jsonb content column keeps it byte for byte too.
      const content = '{"a": 1, "b": [1, 2], "text": "snap ✓"}'
      const { snapshotId } = await a.saveSnapshot({
        sessionId,
        type: 'full',
        content,
        pinned: true,
      })
      const snap = (await a.loadSnapshot(snapshotId))!
      expect(snap).toMatchObject({
        snapshotId,
        sessionId,
        type: 'full',
        content,
        pinned: true,
        location: 'inline',
        exact: true,
      })
      expect(snap.checksum).toBe(createHash('sha256').update(content).digest('hex'))
      expect(snap.contentSize).toBe(Buffer.byteLength(content))

      await a.setConfig('model', 'opus')
      await a.setConfig('model', 'sonnet')
      await a.setConfig('token', 's3cret', { secret: true })
      expect(await a.getConfig('model')).toBe('sonnet')
      expect(await a.getConfig('token')).toBe('s3cret')
      expect(await b.getConfig('model')).toBeNull()
      expect(a.stats()).toMatchObject({ retries: 0, failures: 0 })
    } finally {
      await a.close()
      await b.close()
    }
  })

  it('writes a repeated idempotency key once and returns the first id', async () => {
    const a = await open(A)
    try {
      await a.ensureAgent('pm')
      const one = await a.recordEvent({ type: 'dup', key: 'same-key' })
      const two = await a.recordEvent({ type: 'dup', key: 'same-key' })
      expect(two).toEqual(one)
      expect(a.stats().deduplicated).toBe(1)
      expect((await a.readEvents({ type: 'dup' })).map((e) => e.eventId)).toEqual([one.eventId])
    } finally {
      await a.close()
    }
  })

  it('refuses text neither backend could store the same (NUL, a lone surrogate), writing nothing', async () => {
    const a = await open(A)
    try {
      await a.ensureAgent('pm')
      const before = (await a.readEvents({ limit: 1000 })).length
      await expect(a.recordEvent({ type: 'bad', message: 'before\u0000after' })).rejects.toThrow(
        /NUL character \(U\+0000\), which PostgreSQL text cannot store/,
      )
      await expect(
        a.recordEvent({ type: 'bad', payload: { nested: ['ok', 'half \ud800 pair'] } }),
      ).rejects.toThrow(/payload\.nested\.1 holds a lone UTF-16 surrogate/)
      await expect(a.sendMessage({ to: null, type: 'note', body: 'x\u0000' })).rejects.toThrow(
        /NUL character/,
      )
      await expect(a.setConfig('k\udc00', 'v')).rejects.toThrow(/lone UTF-16 surrogate/)
      expect((await a.readEvents({ limit: 1000 })).length).toBe(before)
      // A well-formed pair (an emoji) and a backslash-zero text are ordinary text.
      const ok = await a.recordEvent({
        type: 'ok',
        message: '😀 \\0 \\u0000',
        payload: { e: '😀' },
      })
      const [back] = await a.readEvents({ type: 'ok' })
      expect(back).toMatchObject({
        eventId: ok.eventId,
        message: '😀 \\0 \\u0000',
        payload: { e: '😀' },
      })
    } finally {
      await a.close()
    }
  })

  it('loads demo snapshots stored inline and in .claude/memory_snapshots/, as state.db held them', async () => {
    const mem = new Database(memDb, { readonly: true })
    const rows = mem
      .prepare(
        `SELECT "snapshot_id" AS id, "content_path" AS path, "checksum" AS sum FROM "memory_snapshots" WHERE "snapshot_id" IN (SELECT min("snapshot_id") FROM "memory_snapshots" WHERE "content_path" IS NULL UNION ALL SELECT min("snapshot_id") FROM "memory_snapshots" WHERE "content_path" IS NOT NULL)`,
      )
      .all() as { id: number; path: string | null; sum: string }[]
    mem.close()
    expect(rows).toHaveLength(2)
    const a = await open(A)
    try {
      for (const r of rows) {
        const s = (await a.loadSnapshot(r.id))!
        expect(s.location).toBe(r.path ? 'file' : 'inline')
        expect(s.checksum).toBe(r.sum)
        if (r.path) {
          const file = readFileSync(join(fx.ws, '.claude', r.path))
          expect(Buffer.from(s.content as string, 'utf8').equals(file)).toBe(true)
          expect(s.exact).toBe(true)
        }
        // Inline JSON in a jsonb column comes back as the same JSON value.
        expect(JSON.parse(String(s.content))).toBeTruthy()
      }
    } finally {
      await a.close()
    }
  })
})

describe('agent store writes', () => {
  it('name the plan CHECK PostgreSQL refuses an agent type by (AGENT_STORE_VALUE_REFUSED), writing nothing', async () => {
    const a = await openPgStore('rt-untyped', { url: fx.url })
    try {
      await expect(a.ensureAgent()).rejects.toMatchObject({
        code: 'AGENT_STORE_VALUE_REFUSED',
        message: expect.stringContaining('valid_agent_type CHECK'),
        hint: expect.stringContaining('service-mesh, integration, pm, frontend'),
      })
      const rows = await admin(fx.url, (c) =>
        c.query(`SELECT 1 FROM "agent_memory"."agents" WHERE "agent_id" = 'rt-untyped'`),
      )
      expect(rows.rowCount).toBe(0)
      await a.ensureAgent('frontend')
    } finally {
      await a.close()
    }
  })

  it('land in the expected database: the PostgreSQL ledger and row agree', async () => {
    const a = await openPgStore('rt-ledger', { url: fx.url })
    try {
      await a.ensureAgent('pm')
      const { eventId } = await a.recordEvent({ type: 'ledgered', key: 'k1' })
      const rows = await admin(fx.url, (c) =>
        c.query(
          `SELECT "row_id" FROM "agent_memory"."ferry_agent_writes" WHERE "idem_key" = 'rt-ledger:events:k1'`,
        ),
      )
      expect(rows.rows).toEqual([{ row_id: String(eventId) }])
    } finally {
      await a.close()
    }
  })
})
