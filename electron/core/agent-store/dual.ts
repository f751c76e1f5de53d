// dual-write: the transition mode. Every write goes to the old side (SQLite, which still answers
// reads and whose ids the agent sees) and then to PostgreSQL with the same idempotency key. Ids
// differ between the two databases for rows created meanwhile, so the PostgreSQL row is found
// through the key both ledgers share; rows older than the switch (migrated by p3) share their id.
// A write that fails or lands differently on the PostgreSQL side is reported as a divergence, and
// never fails the agent's call: the old side is still the truth.
import { randomUUID } from 'node:crypto'
import type { SqlAgentStore } from './sql-store'
import type {
  AgentStore,
  EventInput,
  MessageInput,
  SessionClose,
  SessionInput,
  SnapshotInput,
  StoreStats,
  TaskInput,
  TaskPatch,
  WriteOpts,
} from './types'

export interface Divergence {
  at: string
  agentId: string
  op: string
  /** The id on the SQLite side (the one the agent holds). */
  primaryId: string | null
  detail: string
}

export class DualWriteStore implements AgentStore {
  readonly backend = 'dual-write' as const
  readonly agentId: string
  private readonly found: Divergence[] = []

  constructor(
    private readonly primary: SqlAgentStore,
    private readonly secondary: SqlAgentStore,
    private readonly onDivergence?: (d: Divergence) => void,
  ) {
    this.agentId = primary.agentId
  }

  /** Every divergence seen by this store so far. */
  divergences(): Divergence[] {
    return [...this.found]
  }

  stats(): StoreStats {
    const a = this.primary.stats()
    const b = this.secondary.stats()
    return {
      ops: a.ops,
      retries: a.retries + b.retries,
      transientErrors: a.transientErrors + b.transientErrors,
      failures: a.failures + b.failures,
      deduplicated: a.deduplicated + b.deduplicated,
      lockWaits: a.lockWaits + b.lockWaits,
      maxLockWaitMs: Math.max(a.maxLockWaitMs, b.maxLockWaitMs),
    }
  }

  private diverge(op: string, primaryId: string | null, detail: string): void {
    const d = { at: new Date().toISOString(), agentId: this.agentId, op, primaryId, detail }
    this.found.push(d)
    this.onDivergence?.(d)
  }

  /** Runs the PostgreSQL half; a failure becomes a divergence, not the agent's error. */
  private async mirror<T>(op: string, primaryId: string | null, fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn()
    } catch (err) {
      this.diverge(op, primaryId, `PostgreSQL write failed: ${(err as Error).message}`)
      return undefined
    }
  }

  /** The PostgreSQL id of a row the agent knows by its SQLite id. */
  private async secondaryId(table: string, id: string): Promise<string> {
    const key = await this.primary.insertKeyOf(table, id)
    if (!key) return id // older than dual-write: migrated with the same id
    return (await this.secondary.rowIdOf(key)) ?? id
  }

  private async mapped(op: string, table: string, id: number, fn: (secondaryId: number) => Promise<void>): Promise<void> {
    await this.mirror(op, String(id), async () => fn(Number(await this.secondaryId(table, String(id)))))
  }

  async ensureAgent(agentType?: string): Promise<void> {
    await this.primary.ensureAgent(agentType)
    await this.mirror('ensureAgent', this.agentId, () => this.secondary.ensureAgent(agentType))
  }

  async recordEvent(e: EventInput): Promise<{ eventId: number }> {
    const input = { ...e, key: e.key ?? randomUUID(), createdAt: e.createdAt ?? new Date().toISOString() }
    const r = await this.primary.recordEvent(input)
    await this.mirror('recordEvent', String(r.eventId), () => this.secondary.recordEvent(input))
    return r
  }

  readEvents(opts?: { type?: string; limit?: number }) {
    return this.primary.readEvents(opts)
  }

  async sendMessage(m: MessageInput): Promise<{ messageId: number }> {
    const input = { ...m, key: m.key ?? randomUUID() }
    const r = await this.primary.sendMessage(input)
    await this.mirror('sendMessage', String(r.messageId), () => this.secondary.sendMessage(input))
    return r
  }

  readMessages(opts?: { unreadOnly?: boolean; limit?: number }) {
    return this.primary.readMessages(opts)
  }

  async markRead(messageId: number, opts: WriteOpts = {}): Promise<void> {
    const w = { key: opts.key ?? randomUUID() }
    await this.primary.markRead(messageId, w)
    await this.mapped('markRead', 'agent_messages', messageId, (id) => this.secondary.markRead(id, w))
  }

  async createTask(t: TaskInput): Promise<{ taskId: number }> {
    const input = { ...t, key: t.key ?? randomUUID() }
    const r = await this.primary.createTask(input)
    await this.mirror('createTask', String(r.taskId), async () => {
      // A parent created during dual-write has another id on the PostgreSQL side.
      const parent = input.parentTaskId ?? null
      const parentTaskId = parent === null ? null : Number(await this.secondaryId('tasks', String(parent)))
      return this.secondary.createTask({ ...input, parentTaskId })
    })
    return r
  }

  async updateTask(taskId: number, patch: TaskPatch, opts: WriteOpts = {}): Promise<void> {
    const w = { key: opts.key ?? randomUUID() }
    await this.primary.updateTask(taskId, patch, w)
    await this.mapped('updateTask', 'tasks', taskId, (id) => this.secondary.updateTask(id, patch, w))
  }

  getTask(taskId: number) {
    return this.primary.getTask(taskId)
  }

  async openSession(s: SessionInput = {}): Promise<{ sessionId: string }> {
    const input = { ...s, sessionId: s.sessionId ?? randomUUID() }
    const r = await this.primary.openSession(input)
    await this.mirror('openSession', r.sessionId, () => this.secondary.openSession(input))
    return r
  }

  async closeSession(sessionId: string, c?: SessionClose, opts: WriteOpts = {}): Promise<void> {
    const w = { key: opts.key ?? randomUUID() }
    await this.primary.closeSession(sessionId, c, w)
    await this.mirror('closeSession', sessionId, () => this.secondary.closeSession(sessionId, c, w))
  }

  getSession(sessionId: string) {
    return this.primary.getSession(sessionId)
  }

  getSessionSummary(sessionId: string) {
    return this.primary.getSessionSummary(sessionId)
  }

  async saveSnapshot(s: SnapshotInput): Promise<{ snapshotId: number }> {
    const input = { ...s, key: s.key ?? randomUUID() }
    const r = await this.primary.saveSnapshot(input)
    await this.mirror('saveSnapshot', String(r.snapshotId), () => this.secondary.saveSnapshot(input))
    return r
  }

  loadSnapshot(snapshotId: number) {
    return this.primary.loadSnapshot(snapshotId)
  }

  getConfig(key: string) {
    return this.primary.getConfig(key)
  }

  async setConfig(key: string, value: string | null, opts: { secret?: boolean } & WriteOpts = {}): Promise<void> {
    const w = { ...opts, key: opts.key ?? randomUUID() }
    await this.primary.setConfig(key, value, w)
    await this.mirror('setConfig', key, () => this.secondary.setConfig(key, value, w))
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.primary.close(), this.secondary.close()])
  }
}
