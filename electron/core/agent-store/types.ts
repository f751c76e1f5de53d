// The agent store's one interface: what an agent does with its memory, the same on every backend.
// Values are plain JSON-able data so results compare equal across SQLite and PostgreSQL:
// timestamps are ISO-8601 strings (UTC, milliseconds), ids are numbers, payloads are JSON values.
import { z } from 'zod'

/** Where one agent's memory lives; `files` is the agent's own legacy code (no store). */
export const BACKENDS = ['files', 'sqlite', 'postgres', 'dual-write'] as const
export type Backend = (typeof BACKENDS)[number]
export const BackendSchema = z.enum(BACKENDS)
export type StoreBackend = Exclude<Backend, 'files'>

/**
 * Why a string cannot be stored the same on both backends, or null: PostgreSQL text refuses NUL,
 * and a lone UTF-16 surrogate has no UTF-8 form (either driver would write U+FFFD instead).
 * Refused at the API, so a write never lands on one side and fails or changes on the other.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

export function textProblem(s: string): string | null {
  if (s.includes('\u0000'))
    return 'holds a NUL character (U+0000), which PostgreSQL text cannot store'
  if (LONE_SURROGATE.test(s))
    return 'holds a lone UTF-16 surrogate, which has no UTF-8 form (it would be stored as U+FFFD)'
  return null
}

/** The same check on every string (and key) inside a JSON-able payload; the path of the first. */
export function payloadProblem(v: unknown, path = 'payload', depth = 0): string | null {
  if (typeof v === 'string') {
    const p = textProblem(v)
    return p ? `${path} ${p}` : null
  }
  if (v === null || typeof v !== 'object' || depth > 200) return null
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    const kp = textProblem(k)
    if (kp) return `a key in ${path} ${kp}`
    const inner = payloadProblem(x, `${path}.${k}`, depth + 1)
    if (inner) return inner
  }
  return null
}

/** A string both backends store exactly (textProblem). */
const Text = () =>
  z.string().superRefine((s, ctx) => {
    const p = textProblem(s)
    if (p) ctx.addIssue({ code: 'custom', message: p })
  })
const Payload = () =>
  z.unknown().superRefine((v, ctx) => {
    const p = payloadProblem(v)
    if (p) ctx.addIssue({ code: 'custom', message: p })
  })

/** Any write may carry `key`: the same key written twice (a retry, a re-run) is stored once. */
const Key = Text().min(1).max(200).optional()
const Iso = Text().min(1).max(64)

export const EventInput = z.object({
  type: Text().min(1),
  level: Text().min(1).default('info'),
  message: Text().nullable().default(null),
  payload: Payload().optional(),
  createdAt: Iso.optional(),
  key: Key,
})
export type EventInput = z.input<typeof EventInput>

export interface AgentEvent {
  eventId: number
  agentId: string | null
  type: string
  level: string
  message: string | null
  payload: unknown
  createdAt: string
}

export const MessageInput = z.object({
  to: Text().min(1).nullable(),
  type: Text().min(1),
  subject: Text().nullable().default(null),
  body: Text(),
  payload: Payload().optional(),
  key: Key,
})
export type MessageInput = z.input<typeof MessageInput>

export interface Message {
  messageId: number
  from: string
  to: string | null
  type: string
  subject: string | null
  body: string
  payload: unknown
  isRead: boolean
  createdAt: string
  readAt: string | null
}

export const TaskInput = z.object({
  title: Text().min(1),
  description: Text().nullable().default(null),
  status: Text().min(1).default('pending'),
  priority: z.number().int().default(3),
  parentTaskId: z.number().int().nullable().default(null),
  payload: Payload().optional(),
  key: Key,
})
export type TaskInput = z.input<typeof TaskInput>

export const TaskPatch = z
  .object({
    title: Text().min(1),
    description: Text().nullable(),
    status: Text().min(1),
    priority: z.number().int(),
    payload: Payload(),
    completedAt: Iso.nullable(),
  })
  .partial()
export type TaskPatch = z.input<typeof TaskPatch>

export interface Task {
  taskId: number
  agentId: string | null
  parentTaskId: number | null
  title: string
  description: string | null
  status: string
  priority: number
  payload: unknown
  createdAt: string
  updatedAt: string
  completedAt: string | null
}

export const SessionInput = z.object({
  /** Client-chosen id (a UUID when omitted): opening the same id twice opens it once. */
  sessionId: Text().min(1).max(200).optional(),
  title: Text().nullable().default(null),
  metadata: Payload().optional(),
})
export type SessionInput = z.input<typeof SessionInput>

export const SessionClose = z.object({
  summary: Text().nullable().optional(),
  tokenCount: z.number().int().nonnegative().optional(),
  status: Text().min(1).default('closed'),
})
export type SessionClose = z.input<typeof SessionClose>

export interface Session {
  sessionId: string
  agentId: string
  title: string | null
  status: string
  tokenCount: number
  startedAt: string
  endedAt: string | null
  summary: string | null
  metadata: unknown
}

export interface SessionSummary {
  sessionId: string
  snapshotCount: number
  totalSnapshotBytes: number
  latestSnapshotId: number | null
  latestSnapshotAt: string | null
  lastActivity: string | null
  /** 'summary': read from context_session_summary; 'aggregate': computed (the triggers are not installed). */
  source: 'summary' | 'aggregate'
}

export const SnapshotInput = z.object({
  sessionId: Text().min(1),
  type: Text().min(1),
  content: Text(),
  pinned: z.boolean().default(false),
  key: Key,
})
export type SnapshotInput = z.input<typeof SnapshotInput>

export interface Snapshot {
  snapshotId: number
  sessionId: string
  type: string
  /** TEXT as a string, BLOB as a Buffer (file-stored content is read and checked first). */
  content: string | Buffer | null
  contentSize: number
  checksum: string
  pinned: boolean
  createdAt: string
  location: 'inline' | 'file'
  /**
   * The content's SHA-256 equals the recorded checksum. False where the backend normalised the
   * text (a PostgreSQL `jsonb` column keeps the JSON value, not its spacing or key order).
   */
  exact: boolean
}

export const ConfigInput = z.object({
  key: Text().min(1).max(500),
  value: Text().nullable(),
  secret: z.boolean().default(false),
})

/** Counters every store keeps; the concurrency test reads them. */
export interface StoreStats {
  ops: number
  retries: number
  transientErrors: number
  failures: number
  /** Writes whose key had already been stored (a retry after a lost acknowledgement). */
  deduplicated: number
  /** SQLite: waits for the write lock (BEGIN IMMEDIATE) longer than 100 ms, and the longest wait. */
  lockWaits: number
  maxLockWaitMs: number
}

/** An update's idempotency key (dual-write gives both sides the same one); generated when omitted. */
export interface WriteOpts {
  key?: string
}

export interface AgentStore {
  readonly agentId: string
  readonly backend: StoreBackend
  /** Registers the agent (agents row) if it is not there yet. */
  ensureAgent(agentType?: string): Promise<void>
  recordEvent(e: EventInput): Promise<{ eventId: number }>
  /** This agent's events, newest first (optionally of one type). */
  readEvents(opts?: { type?: string; limit?: number }): Promise<AgentEvent[]>
  sendMessage(m: MessageInput): Promise<{ messageId: number }>
  /** Messages addressed to this agent, newest first. */
  readMessages(opts?: { unreadOnly?: boolean; limit?: number }): Promise<Message[]>
  markRead(messageId: number, opts?: WriteOpts): Promise<void>
  createTask(t: TaskInput): Promise<{ taskId: number }>
  updateTask(taskId: number, patch: TaskPatch, opts?: WriteOpts): Promise<void>
  getTask(taskId: number): Promise<Task | null>
  openSession(s?: SessionInput): Promise<{ sessionId: string }>
  closeSession(sessionId: string, c?: SessionClose, opts?: WriteOpts): Promise<void>
  getSession(sessionId: string): Promise<Session | null>
  /** Snapshot count/bytes, latest snapshot and last activity of a session (context_session_summary). */
  getSessionSummary(sessionId: string): Promise<SessionSummary | null>
  saveSnapshot(s: SnapshotInput): Promise<{ snapshotId: number }>
  loadSnapshot(snapshotId: number): Promise<Snapshot | null>
  getConfig(key: string): Promise<string | null>
  setConfig(
    key: string,
    value: string | null,
    opts?: { secret?: boolean } & WriteOpts,
  ): Promise<void>
  stats(): StoreStats
  close(): Promise<void>
}

export const emptyStats = (): StoreStats => ({
  ops: 0,
  retries: 0,
  transientErrors: 0,
  failures: 0,
  deduplicated: 0,
  lockWaits: 0,
  maxLockWaitMs: 0,
})

/** The configurations key holding an agent's backend flag. */
export const BACKEND_FLAG_KEY = 'ferry.agent_store.backend'
/** The table (in memory.db and in agent_memory) recording every write's idempotency key. */
export const LEDGER_TABLE = 'ferry_agent_writes'

export const toJsonText = (v: unknown): string | null =>
  v === undefined ? null : JSON.stringify(v)
