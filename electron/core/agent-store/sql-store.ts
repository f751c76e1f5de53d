// The agent store over one SQL dialect. Every write runs in one transaction that first claims its
// idempotency key in the ledger (ON CONFLICT DO NOTHING): if the key is already there, an earlier
// attempt committed (its acknowledgement was lost) and the stored row id is returned instead of
// writing again. So a retry after any failure — even a COMMIT that succeeded unseen — never
// duplicates a row. Updates are absolute (SET x = value), and ledgered the same way.
import { createHash, randomUUID } from 'node:crypto'
import { iso, num, parseJson, strOrNull, type Dialect, type Exec } from './dialect'
import { readSessionSummary } from './session-summary'
import { schemaError } from './schema'
import { toMessage, toSession, toTask, upsertConfig } from './rows'
import { withRetry, type RetryOptions } from './retry'
import {
  ConfigInput,
  EventInput,
  LEDGER_TABLE,
  MessageInput,
  SessionClose,
  SessionInput,
  SnapshotInput,
  TaskInput,
  TaskPatch,
  emptyStats,
  toJsonText,
  type AgentEvent,
  type AgentStore,
  type Message,
  type Session,
  type SessionSummary,
  type Snapshot,
  type StoreStats,
  type Task,
  type WriteOpts,
} from './types'

const MESSAGE_COLS = `"message_id", "from_agent", "to_agent", "message_type", "subject", "body", "is_read", "created_at", "read_at"`
const TASK_COLS = `"task_id", "agent_id", "parent_task_id", "title", "description", "status", "priority", "created_at", "updated_at", "completed_at"`
const SESSION_COLS = `"session_id", "agent_id", "title", "status", "token_count", "started_at", "ended_at", "summary"`

export class SqlAgentStore implements AgentStore {
  private readonly counters = emptyStats()
  readonly backend: Dialect['name']

  constructor(
    readonly agentId: string,
    private readonly d: Dialect,
    private readonly retryOpts: RetryOptions = {},
  ) {
    this.backend = d.name
  }

  stats(): StoreStats {
    const w = this.d.lockStats?.()
    return w
      ? { ...this.counters, lockWaits: w.waits, maxLockWaitMs: Math.round(w.maxMs * 1000) / 1000 }
      : { ...this.counters }
  }

  private async retry<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await withRetry(fn, this.counters, this.retryOpts)
    } catch (err) {
      throw await schemaError(this.d, err, this.d.name === 'postgres' ? pgSchemaOf(this.d) : undefined)
    }
  }

  private idem(table: string, key: string | undefined): string {
    return `${this.agentId}:${table}:${key ?? randomUUID()}`
  }

  /**
   * One ledgered write: claims `idem`, runs `apply` (which returns the row's id), records the id.
   * When the key was already claimed, returns the id stored then without applying anything.
   */
  private write(
    table: string,
    op: string,
    idem: string,
    apply: (x: Exec) => Promise<string>,
  ): Promise<string> {
    return this.retry(() =>
      this.d.tx(async (x) => {
        const claimed = await x.run(
          `INSERT INTO ${this.d.t(LEDGER_TABLE)} ("idem_key", "agent_id", "table_name", "op", "written_at") VALUES (?, ?, ?, ?, ?) ON CONFLICT ("idem_key") DO NOTHING`,
          [idem, this.agentId, table, op, new Date().toISOString()],
        )
        if (claimed === 0) {
          const rows = await x.all(
            `SELECT "row_id" FROM ${this.d.t(LEDGER_TABLE)} WHERE "idem_key" = ?`,
            [idem],
          )
          this.counters.deduplicated++
          return String(rows[0]?.row_id ?? '')
        }
        const id = await apply(x)
        await x.run(`UPDATE ${this.d.t(LEDGER_TABLE)} SET "row_id" = ? WHERE "idem_key" = ?`, [
          id,
          idem,
        ])
        await x.run(`UPDATE ${this.d.t('agents')} SET "last_activity" = ? WHERE "agent_id" = ?`, [
          new Date().toISOString(),
          this.agentId,
        ])
        return id
      }),
    )
  }

  private async insertReturning(
    x: Exec,
    table: string,
    idCol: string,
    cols: Record<string, unknown>,
  ): Promise<string> {
    const names = Object.keys(cols)
    const rows = await x.all(
      `INSERT INTO ${this.d.t(table)} (${names.map((n) => `"${n}"`).join(', ')}) VALUES (${names.map(() => '?').join(', ')}) RETURNING "${idCol}" AS "id"`,
      names.map((n) => cols[n]),
    )
    return String(rows[0]!.id)
  }

  async ensureAgent(agentType = 'agent'): Promise<void> {
    const now = new Date().toISOString()
    await this.retry(() =>
      this.d.tx((x) =>
        x.run(
          `INSERT INTO ${this.d.t('agents')} ("agent_id", "agent_type", "status", "created_at", "last_activity") VALUES (?, ?, 'idle', ?, ?) ON CONFLICT ("agent_id") DO NOTHING`,
          [this.agentId, agentType, now, now],
        ),
      ),
    )
  }

  async recordEvent(input: EventInput): Promise<{ eventId: number }> {
    const e = EventInput.parse(input)
    const id = await this.write('events', 'insert', this.idem('events', e.key), (x) =>
      this.insertReturning(x, 'events', 'event_id', {
        agent_id: this.agentId,
        event_type: e.type,
        level: e.level,
        message: e.message,
        payload: toJsonText(e.payload),
        created_at: e.createdAt ?? new Date().toISOString(),
      }),
    )
    return { eventId: Number(id) }
  }

  async readEvents(opts: { type?: string; limit?: number } = {}): Promise<AgentEvent[]> {
    const limit = Math.max(1, Math.min(1000, opts.limit ?? 50))
    const byType = opts.type === undefined ? '' : ' AND "event_type" = ?'
    const params: unknown[] =
      opts.type === undefined ? [this.agentId, limit] : [this.agentId, opts.type, limit]
    const rows = await this.retry(() =>
      this.d.read(
        `SELECT "event_id", "agent_id", "event_type", "level", "message", "created_at", ${this.d.json('payload')} FROM ${this.d.t('events')} WHERE "agent_id" = ?${byType} ORDER BY "created_at" DESC, "event_id" DESC LIMIT ?`,
        params,
      ),
    )
    return rows.map((r) => ({
      eventId: num(r.event_id),
      agentId: strOrNull(r.agent_id),
      type: String(r.event_type),
      level: String(r.level),
      message: strOrNull(r.message),
      payload: parseJson(r.payload),
      createdAt: iso(r.created_at),
    }))
  }

  async sendMessage(input: MessageInput): Promise<{ messageId: number }> {
    const m = MessageInput.parse(input)
    const id = await this.write(
      'agent_messages',
      'insert',
      this.idem('agent_messages', m.key),
      (x) =>
        this.insertReturning(x, 'agent_messages', 'message_id', {
          from_agent: this.agentId,
          to_agent: m.to,
          message_type: m.type,
          subject: m.subject,
          body: m.body,
          payload: toJsonText(m.payload),
          is_read: 0,
          created_at: new Date().toISOString(),
        }),
    )
    return { messageId: Number(id) }
  }

  async readMessages(opts: { unreadOnly?: boolean; limit?: number } = {}): Promise<Message[]> {
    const limit = Math.max(1, Math.min(1000, opts.limit ?? 50))
    const unread = opts.unreadOnly ? ` AND "is_read" = ?` : ''
    const params: unknown[] = opts.unreadOnly ? [this.agentId, 0, limit] : [this.agentId, limit]
    const rows = await this.retry(() =>
      this.d.read(
        `SELECT ${MESSAGE_COLS}, ${this.d.json('payload')} FROM ${this.d.t('agent_messages')} WHERE "to_agent" = ?${unread} ORDER BY "created_at" DESC, "message_id" DESC LIMIT ?`,
        params,
      ),
    )
    return rows.map(toMessage)
  }

  async markRead(messageId: number, opts: WriteOpts = {}): Promise<void> {
    await this.write(
      'agent_messages',
      'update',
      this.idem('agent_messages', opts.key),
      async (x) => {
        await x.run(
          `UPDATE ${this.d.t('agent_messages')} SET "is_read" = ?, "read_at" = ? WHERE "message_id" = ? AND "is_read" = ?`,
          [1, new Date().toISOString(), messageId, 0],
        )
        return String(messageId)
      },
    )
  }

  async createTask(input: TaskInput): Promise<{ taskId: number }> {
    const t = TaskInput.parse(input)
    const now = new Date().toISOString()
    const id = await this.write('tasks', 'insert', this.idem('tasks', t.key), (x) =>
      this.insertReturning(x, 'tasks', 'task_id', {
        agent_id: this.agentId,
        parent_task_id: t.parentTaskId,
        title: t.title,
        description: t.description,
        status: t.status,
        priority: t.priority,
        payload: toJsonText(t.payload),
        created_at: now,
        updated_at: now,
      }),
    )
    return { taskId: Number(id) }
  }

  async updateTask(taskId: number, input: TaskPatch, opts: WriteOpts = {}): Promise<void> {
    const p = TaskPatch.parse(input)
    const sets: [string, unknown][] = [['updated_at', new Date().toISOString()]]
    if (p.title !== undefined) sets.push(['title', p.title])
    if (p.description !== undefined) sets.push(['description', p.description])
    if (p.status !== undefined) sets.push(['status', p.status])
    if (p.priority !== undefined) sets.push(['priority', p.priority])
    if ('payload' in p) sets.push(['payload', toJsonText(p.payload)])
    if (p.completedAt !== undefined) sets.push(['completed_at', p.completedAt])
    await this.write('tasks', 'update', this.idem('tasks', opts.key), async (x) => {
      await x.run(
        `UPDATE ${this.d.t('tasks')} SET ${sets.map(([c]) => `"${c}" = ?`).join(', ')} WHERE "task_id" = ?`,
        [...sets.map(([, v]) => v), taskId],
      )
      return String(taskId)
    })
  }

  async getTask(taskId: number): Promise<Task | null> {
    const rows = await this.retry(() =>
      this.d.read(
        `SELECT ${TASK_COLS}, ${this.d.json('payload')} FROM ${this.d.t('tasks')} WHERE "task_id" = ?`,
        [taskId],
      ),
    )
    return rows[0] ? toTask(rows[0]) : null
  }

  async openSession(input: SessionInput = {}): Promise<{ sessionId: string }> {
    const s = SessionInput.parse(input)
    const sessionId = s.sessionId ?? randomUUID()
    const id = await this.write(
      'context_sessions',
      'insert',
      this.idem('context_sessions', `open:${sessionId}`),
      async (x) => {
        await x.run(
          `INSERT INTO ${this.d.t('context_sessions')} ("session_id", "agent_id", "title", "status", "token_count", "started_at", "metadata") VALUES (?, ?, ?, 'active', 0, ?, ?) ON CONFLICT ("session_id") DO NOTHING`,
          [sessionId, this.agentId, s.title, new Date().toISOString(), toJsonText(s.metadata)],
        )
        return sessionId
      },
    )
    return { sessionId: id }
  }

  async closeSession(
    sessionId: string,
    input: SessionClose = {},
    opts: WriteOpts = {},
  ): Promise<void> {
    const c = SessionClose.parse(input)
    const sets: [string, unknown][] = [
      ['status', c.status],
      ['ended_at', new Date().toISOString()],
    ]
    if (c.summary !== undefined) sets.push(['summary', c.summary])
    if (c.tokenCount !== undefined) sets.push(['token_count', c.tokenCount])
    await this.write(
      'context_sessions',
      'update',
      this.idem('context_sessions', opts.key),
      async (x) => {
        await x.run(
          `UPDATE ${this.d.t('context_sessions')} SET ${sets.map(([col]) => `"${col}" = ?`).join(', ')} WHERE "session_id" = ?`,
          [...sets.map(([, v]) => v), sessionId],
        )
        return sessionId
      },
    )
  }

  async getSession(sessionId: string): Promise<Session | null> {
    const rows = await this.retry(() =>
      this.d.read(
        `SELECT ${SESSION_COLS}, ${this.d.json('metadata')} FROM ${this.d.t('context_sessions')} WHERE "session_id" = ?`,
        [sessionId],
      ),
    )
    return rows[0] ? toSession(rows[0]) : null
  }

  /** One primary-key read of context_session_summary (see session-summary.ts). */
  getSessionSummary(sessionId: string): Promise<SessionSummary | null> {
    return this.retry(() => readSessionSummary(this.d, sessionId))
  }

  async saveSnapshot(input: SnapshotInput): Promise<{ snapshotId: number }> {
    const s = SnapshotInput.parse(input)
    const bytes = Buffer.from(s.content, 'utf8')
    const id = await this.write(
      'memory_snapshots',
      'insert',
      this.idem('memory_snapshots', s.key),
      (x) =>
        this.insertReturning(x, 'memory_snapshots', 'snapshot_id', {
          session_id: s.sessionId,
          snapshot_type: s.type,
          content: s.content,
          content_size: bytes.length,
          checksum: createHash('sha256').update(bytes).digest('hex'),
          is_pinned: s.pinned ? 1 : 0,
          created_at: new Date().toISOString(),
        }),
    )
    return { snapshotId: Number(id) }
  }

  loadSnapshot(snapshotId: number): Promise<Snapshot | null> {
    return this.retry(() => this.d.loadSnapshot(snapshotId))
  }

  async getConfig(key: string): Promise<string | null> {
    const rows = await this.retry(() =>
      this.d.read(
        `SELECT "config_value" FROM ${this.d.t('configurations')} WHERE "agent_id" = ? AND "config_key" = ? ORDER BY "updated_at" DESC, "config_id" DESC LIMIT 1`,
        [this.agentId, key],
      ),
    )
    return rows[0] ? strOrNull(rows[0].config_value) : null
  }

  async setConfig(
    key: string,
    value: string | null,
    opts: { secret?: boolean } & WriteOpts = {},
  ): Promise<void> {
    ConfigInput.parse({ key, value, secret: opts.secret ?? false })
    await this.write('configurations', 'upsert', this.idem('configurations', opts.key), (x) =>
      upsertConfig(this.d, x, this.agentId, key, value, opts.secret ?? false),
    )
  }

  /** The idempotency key that inserted row `rowId` of `table` (dual-write maps ids through it). */
  async insertKeyOf(table: string, rowId: string): Promise<string | null> {
    const rows = await this.retry(() =>
      this.d.read(
        `SELECT "idem_key" FROM ${this.d.t(LEDGER_TABLE)} WHERE "table_name" = ? AND "row_id" = ? AND "op" = 'insert' LIMIT 1`,
        [table, rowId],
      ),
    )
    return rows[0] ? String(rows[0].idem_key) : null
  }

  /** The row a ledgered write produced, by its full key (as insertKeyOf returns it). */
  async rowIdOf(idemKey: string): Promise<string | null> {
    const rows = await this.retry(() =>
      this.d.read(`SELECT "row_id" FROM ${this.d.t(LEDGER_TABLE)} WHERE "idem_key" = ?`, [idemKey]),
    )
    return rows[0] ? strOrNull(rows[0].row_id) : null
  }

  close(): Promise<void> {
    return this.d.close()
  }
}

/** The PostgreSQL dialect's schema (postgres.ts PgDialect.schema). */
const pgSchemaOf = (d: Dialect): string | undefined => (d as { schema?: string }).schema
