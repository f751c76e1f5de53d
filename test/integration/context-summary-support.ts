// Shared by the context-summary tests: the two tables on SQLite (the demo schema) and on
// PostgreSQL (agent_memory with timestamptz times and an identity snapshot_id, as p3.migrate may
// produce), a deterministic mix of agent writes, and the summary recomputed in JS from the rows.
import { createHash } from 'node:crypto'
import type { SummaryDb } from '../../electron/core/context-summary/db'

export const PG_TABLES = `
CREATE SCHEMA "agent_memory";
CREATE TABLE "agent_memory"."context_sessions" (
  "session_id" text PRIMARY KEY, "agent_id" text NOT NULL, "title" text, "status" text NOT NULL DEFAULT 'active',
  "token_count" integer NOT NULL DEFAULT 0, "started_at" timestamptz NOT NULL, "ended_at" timestamptz, "summary" text, "metadata" jsonb);
CREATE TABLE "agent_memory"."memory_snapshots" (
  "snapshot_id" bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "session_id" text NOT NULL, "snapshot_type" text NOT NULL,
  "content" text, "content_size" integer NOT NULL, "checksum" text NOT NULL, "is_pinned" boolean NOT NULL DEFAULT false,
  "created_at" timestamptz NOT NULL, "content_path" text);
`

export function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

const DAY = 86_400_000
const T0 = Date.parse('2026-11-01T00:00:00.000Z')

/** Inserts, updates and deletes on both tables, as agents and cleanup jobs would. */
export async function churn(db: SummaryDb, seed: number, ops: number): Promise<void> {
  const r = rng(seed)
  const pick = <T>(a: T[]): T => a[Math.floor(r() * a.length)]!
  const S = db.t('context_sessions')
  const M = db.t('memory_snapshots')
  const pinned = (p: boolean): unknown => (db.kind === 'postgres' ? p : p ? 1 : 0)
  const sessions: string[] = []
  const ts = (): string => new Date(T0 + Math.floor(r() * 10) * DAY + Math.floor(r() * 4) * 3_600_000).toISOString()
  for (let i = 0; i < 8; i++) {
    const id = `s${seed}-${i}`
    sessions.push(id)
    await db.run(`INSERT INTO ${S} ("session_id", "agent_id", "started_at") VALUES (?, ?, ?)`, [id, 'agent-1', ts()])
  }
  const ids = async (): Promise<number[]> => (await db.all(`SELECT "snapshot_id" FROM ${M}`)).map((x) => Number(x.snapshot_id))
  for (let i = 0; i < ops; i++) {
    const k = r()
    if (k < 0.6) {
      const content = 'x'.repeat(Math.floor(r() * 500))
      await db.run(
        `INSERT INTO ${M} ("session_id", "snapshot_type", "content", "content_size", "checksum", "is_pinned", "created_at") VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [pick(sessions), 'auto', content, Buffer.byteLength(content), createHash('sha256').update(content).digest('hex'), pinned(r() < 0.05), ts()],
      )
    } else if (k < 0.72) {
      const all = await ids()
      if (all.length) await db.run(`UPDATE ${M} SET "content_size" = ? WHERE "snapshot_id" = ?`, [Math.floor(r() * 900), pick(all)])
    } else if (k < 0.78) {
      const all = await ids()
      if (all.length) await db.run(`UPDATE ${M} SET "session_id" = ?, "created_at" = ? WHERE "snapshot_id" = ?`, [pick(sessions), ts(), pick(all)])
    } else if (k < 0.8) {
      const all = await ids()
      if (all.length) await db.run(`UPDATE ${M} SET "content" = ?, "content_path" = ? WHERE "snapshot_id" = ?`, ['[moved]', 'memory_snapshots/x', pick(all)])
    } else if (k < 0.92) {
      // Deleting the latest snapshot of a session is the case that makes the trigger look again.
      const latest = await db.all(`SELECT "snapshot_id" FROM ${M} WHERE "session_id" = ? ORDER BY "created_at" DESC, "snapshot_id" DESC LIMIT 1`, [pick(sessions)])
      const all = await ids()
      const victim = r() < 0.5 && latest[0] ? Number(latest[0].snapshot_id) : all.length ? pick(all) : null
      if (victim !== null) await db.run(`DELETE FROM ${M} WHERE "snapshot_id" = ?`, [victim])
    } else if (k < 0.97) {
      await db.run(`UPDATE ${S} SET "ended_at" = ? WHERE "session_id" = ?`, [ts(), pick(sessions)])
    } else {
      const id = `s${seed}-n${i}`
      sessions.push(id)
      await db.run(`INSERT INTO ${S} ("session_id", "agent_id", "started_at") VALUES (?, ?, ?)`, [id, 'agent-2', ts()])
    }
  }
}

const isoOf = (v: unknown): string | null => (v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : String(v))

export interface SummaryRow {
  session_id: string
  snapshot_count: number
  total_snapshot_bytes: number
  latest_snapshot_id: number | null
  latest_snapshot_at: string | null
  last_activity: string | null
}

/** What the summary must say, computed in JS from every row of both tables. */
export async function expectedSummary(db: SummaryDb): Promise<SummaryRow[]> {
  const snaps = await db.all(`SELECT "snapshot_id", "session_id", "content_size", "created_at" FROM ${db.t('memory_snapshots')}`)
  const sess = await db.all(`SELECT "session_id", "started_at", "ended_at" FROM ${db.t('context_sessions')}`)
  const out = new Map<string, SummaryRow>()
  const row = (id: string): SummaryRow => {
    let x = out.get(id)
    if (!x) out.set(id, (x = { session_id: id, snapshot_count: 0, total_snapshot_bytes: 0, latest_snapshot_id: null, latest_snapshot_at: null, last_activity: null }))
    return x
  }
  for (const s of sess) row(String(s.session_id))
  for (const m of snaps) {
    const x = row(String(m.session_id))
    const at = isoOf(m.created_at)!
    const id = Number(m.snapshot_id)
    x.snapshot_count++
    x.total_snapshot_bytes += Number(m.content_size)
    if (x.latest_snapshot_at === null || at > x.latest_snapshot_at || (at === x.latest_snapshot_at && id > x.latest_snapshot_id!)) {
      x.latest_snapshot_at = at
      x.latest_snapshot_id = id
    }
  }
  const bySess = new Map(sess.map((s) => [String(s.session_id), s]))
  for (const x of out.values()) {
    const s = bySess.get(x.session_id)
    const cands = [x.latest_snapshot_at, isoOf(s?.started_at), isoOf(s?.ended_at)].filter((v): v is string => v !== null)
    x.last_activity = cands.length ? cands.sort().at(-1)! : null
  }
  return [...out.values()].sort((a, b) => a.session_id.localeCompare(b.session_id))
}

export async function actualSummary(db: SummaryDb): Promise<SummaryRow[]> {
  const rows = await db.all(`SELECT * FROM ${db.t('context_session_summary')} ORDER BY "session_id"`)
  return rows
    .map((r) => ({
      session_id: String(r.session_id),
      snapshot_count: Number(r.snapshot_count),
      total_snapshot_bytes: Number(r.total_snapshot_bytes),
      latest_snapshot_id: r.latest_snapshot_id === null ? null : Number(r.latest_snapshot_id),
      latest_snapshot_at: isoOf(r.latest_snapshot_at),
      last_activity: isoOf(r.last_activity),
    }))
    .sort((a, b) => a.session_id.localeCompare(b.session_id))
}

/** SHA-256 over every column of the given snapshot rows, in id order (bytes as hex). */
export async function snapshotChecksum(db: SummaryDb, table = 'memory_snapshots', where = ''): Promise<{ sha: string; rows: number }> {
  const rows = await db.all(
    `SELECT "snapshot_id", "session_id", "snapshot_type", "content", "content_size", "checksum", "is_pinned", "created_at", "content_path" FROM ${db.t(table)} ${where} ORDER BY "snapshot_id"`,
  )
  const h = createHash('sha256')
  for (const r of rows) h.update(JSON.stringify(Object.values(r).map((v) => (v instanceof Date ? v.toISOString() : Buffer.isBuffer(v) ? v.toString('hex') : v))) + '\n')
  return { sha: h.digest('hex'), rows: rows.length }
}
