// What the store needs from a database: run SQL inside one transaction, read outside one, and a
// few spellings that differ. SQL is written once with `?` placeholders and double-quoted
// identifiers; the PostgreSQL dialect numbers the placeholders and qualifies the schema.
import type { Snapshot, StoreBackend } from './types'

export type Row = Record<string, unknown>

export interface Exec {
  all(sql: string, params?: unknown[]): Promise<Row[]>
  /** Runs a statement and returns the number of rows it changed. */
  run(sql: string, params?: unknown[]): Promise<number>
}

export interface Dialect {
  readonly name: Exclude<StoreBackend, 'dual-write'>
  /** A table of the agent memory, quoted (and schema-qualified on PostgreSQL). */
  t(table: string): string
  /** A JSON column as read back: PostgreSQL hands jsonb over as text, so values parse exactly once. */
  json(column: string): string
  /** One write transaction (SQLite: BEGIN IMMEDIATE; PostgreSQL: a pooled client). */
  tx<T>(fn: (x: Exec) => Promise<T>): Promise<T>
  /** A read outside any explicit transaction. */
  read(sql: string, params?: unknown[]): Promise<Row[]>
  /** Serialises writers of one (agent, config key) inside a transaction (SQLite's write lock already does). */
  lockKey(x: Exec, key: string): Promise<void>
  loadSnapshot(snapshotId: number): Promise<Snapshot | null>
  /** Lock waits seen by this connection, where the dialect can see them (SQLite). */
  lockStats?(): { waits: number; maxMs: number }
  /** Creates the idempotency ledger if it is missing. */
  ensureLedger(): Promise<void>
  close(): Promise<void>
}

/** ISO-8601 in UTC with milliseconds, whatever the driver returned (Date, text). */
export function iso(v: unknown): string {
  if (v instanceof Date) return v.toISOString()
  return String(v)
}
export const isoOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : iso(v))

export const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v))
export const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v))
export const bool = (v: unknown): boolean => v === true || Number(v) === 1
export const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v))

/** A JSON column: parsed when it holds JSON, returned as text when an old writer stored plain text. */
export function parseJson(v: unknown): unknown {
  if (v === null || v === undefined) return null
  if (typeof v !== 'string') return v
  try {
    return JSON.parse(v)
  } catch {
    return v
  }
}
