// Snapshot retention (MIGRATION-PLAN §4.2): keep the last N snapshots of every session, plus
// (optionally) the latest one of each UTC day, plus every pinned one. `previewRetention` lists
// what the policy would remove, per session, changing nothing. `applyRetention` copies exactly
// those rows into memory_snapshots_archive (one batch id) and deletes from memory_snapshots only
// the rows the archive now holds, in one transaction, checking the counts match — nothing is
// ever deleted without its copy. `restoreRetention` moves a batch back, byte for byte.
import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import { FerryError } from '../../../shared/contract/envelope'
import { columnsOf, qi, type SummaryDb } from './db'
import { BULK_SETTING, SUMMARY_TABLE, rebuildSummary } from './summary'

export const ARCHIVE_TABLE = 'memory_snapshots_archive'
const M = 'memory_snapshots'

export const RetentionPolicy = z.object({
  keep: z.number().int().min(1).max(1_000_000).default(10),
  perDay: z.boolean().default(false),
})
export type RetentionPolicy = z.infer<typeof RetentionPolicy>

export interface SessionRemoval {
  sessionId: string
  snapshots: number
  bytes: number
  removeRows: number
  removeBytes: number
}

export interface RetentionPreview {
  backend: 'sqlite' | 'postgres'
  policy: RetentionPolicy
  sessions: SessionRemoval[]
  totals: { sessions: number; snapshots: number; bytes: number; removeRows: number; removeBytes: number }
}

export interface RetentionApplied extends RetentionPreview {
  batch: string
  archivedAt: string
}

async function dayExpr(db: SummaryDb): Promise<string> {
  const cols = await columnsOf(db, M)
  const t = cols.get('created_at') ?? ''
  if (db.kind === 'postgres' && t.startsWith('timestamp')) {
    return t.includes('with time zone') ? `to_char("created_at" AT TIME ZONE 'UTC', 'YYYY-MM-DD')` : `to_char("created_at", 'YYYY-MM-DD')`
  }
  return `substr(CAST("created_at" AS TEXT), 1, 10)`
}

/** SELECT of the rows the policy removes: ("snapshot_id", "session_id", "content_size"). */
async function victimsSql(db: SummaryDb, p: RetentionPolicy): Promise<{ sql: string; params: unknown[] }> {
  const cols = await columnsOf(db, M)
  if (!cols.has('created_at') || !cols.has('session_id')) {
    throw new FerryError(
      'RETENTION_SCHEMA',
      `memory_snapshots ${db.kind === 'sqlite' ? 'in memory.db' : `in schema ${db.schema}`} is missing (or lacks session_id/created_at)`,
      db.kind === 'sqlite' ? 'Run p2.import first.' : 'Run p3.migrate first.',
    )
  }
  const pinned = cols.has('is_pinned') ? `AND CAST("r"."is_pinned" AS INTEGER) = 0` : ''
  const pinCol = cols.has('is_pinned') ? ', "is_pinned"' : ''
  const perDay = p.perDay ? `AND "r"."dn" > 1` : ''
  const sql = `SELECT "r"."snapshot_id", "r"."session_id", "r"."content_size" FROM (
      SELECT "snapshot_id", "session_id", "content_size"${pinCol},
        ROW_NUMBER() OVER (PARTITION BY "session_id" ORDER BY "created_at" DESC, "snapshot_id" DESC) AS "rn",
        ROW_NUMBER() OVER (PARTITION BY "session_id", ${await dayExpr(db)} ORDER BY "created_at" DESC, "snapshot_id" DESC) AS "dn"
      FROM ${db.t(M)}) AS "r"
    WHERE "r"."rn" > ? ${perDay} ${pinned}`
  return { sql, params: [p.keep] }
}

function assemble(db: SummaryDb, policy: RetentionPolicy, rows: Record<string, unknown>[]): RetentionPreview {
  const sessions = rows.map((r) => ({
    sessionId: String(r.session_id),
    snapshots: Number(r.n),
    bytes: Number(r.b),
    removeRows: Number(r.rn),
    removeBytes: Number(r.rb),
  }))
  const sum = (k: keyof SessionRemoval) => sessions.reduce((n, s) => n + (s[k] as number), 0)
  return {
    backend: db.kind,
    policy,
    sessions: sessions.filter((s) => s.removeRows > 0).sort((a, b) => b.removeBytes - a.removeBytes || a.sessionId.localeCompare(b.sessionId)),
    totals: { sessions: sessions.length, snapshots: sum('snapshots'), bytes: sum('bytes'), removeRows: sum('removeRows'), removeBytes: sum('removeBytes') },
  }
}

/** Per session: snapshots and bytes now, and the rows/bytes the policy would remove. Read-only. */
export async function previewRetention(db: SummaryDb, input: Partial<RetentionPolicy> = {}): Promise<RetentionPreview> {
  const policy = RetentionPolicy.parse(input)
  const v = await victimsSql(db, policy)
  const rows = await db.all(
    `WITH "v" AS (${v.sql}),
     "vs" AS (SELECT "session_id", count(*) AS "rn", COALESCE(sum("content_size"), 0) AS "rb" FROM "v" GROUP BY "session_id"),
     "all" AS (SELECT "session_id", count(*) AS "n", COALESCE(sum("content_size"), 0) AS "b" FROM ${db.t(M)} GROUP BY "session_id")
     SELECT "all"."session_id", "all"."n", "all"."b", COALESCE("vs"."rn", 0) AS "rn", COALESCE("vs"."rb", 0) AS "rb"
       FROM "all" LEFT JOIN "vs" ON "vs"."session_id" = "all"."session_id"`,
    v.params,
  )
  return assemble(db, policy, rows)
}

/** Creates the archive (memory_snapshots' columns + batch and time) or checks it still fits. */
async function ensureArchive(db: SummaryDb): Promise<string[]> {
  const src = await columnsOf(db, M)
  const have = await columnsOf(db, ARCHIVE_TABLE)
  if (have.size === 0) {
    const cols = [...src].map(([n, t]) => `${qi(n)} ${db.kind === 'sqlite' ? t : t}`)
    await db.exec(
      `CREATE TABLE ${db.t(ARCHIVE_TABLE)} ("archive_batch" TEXT NOT NULL, "archived_at" TEXT NOT NULL, ${cols.join(', ')})`,
    )
    await db.exec(`CREATE INDEX ${qi(`idx_${ARCHIVE_TABLE}_batch`)} ON ${db.t(ARCHIVE_TABLE)} ("archive_batch")`)
  } else {
    // memory_snapshots gained a column since the archive was made: add it (NULL for old rows).
    for (const [n, t] of src) if (!have.has(n)) await db.exec(`ALTER TABLE ${db.t(ARCHIVE_TABLE)} ADD COLUMN ${qi(n)} ${t}`)
  }
  return [...src.keys()]
}

/** Archives then deletes what `previewRetention` lists for the same policy, in one transaction. */
export async function applyRetention(
  db: SummaryDb,
  input: Partial<RetentionPolicy> = {},
  opts: { now?: Date; expectRows?: number } = {},
): Promise<RetentionApplied> {
  const policy = RetentionPolicy.parse(input)
  const now = opts.now ?? new Date()
  return db.tx(async () => {
    const preview = await previewRetention(db, policy)
    if (opts.expectRows !== undefined && opts.expectRows !== preview.totals.removeRows) {
      throw new FerryError(
        'RETENTION_PREVIEW_STALE',
        `The preview you confirmed removed ${opts.expectRows} snapshot(s); the same policy now removes ${preview.totals.removeRows} — nothing was changed`,
        'Agents wrote since the preview: look at the new preview and apply again.',
      )
    }
    const cols = await ensureArchive(db)
    const list = cols.map(qi).join(', ')
    const batch = `${now.toISOString().replace(/[-:.]/g, '')}-${randomUUID().slice(0, 8)}`
    const at = now.toISOString()
    const v = await victimsSql(db, policy)
    const archived = await db.run(
      `INSERT INTO ${db.t(ARCHIVE_TABLE)} ("archive_batch", "archived_at", ${list})
       SELECT ?, ?, ${list} FROM ${db.t(M)} WHERE "snapshot_id" IN (SELECT "snapshot_id" FROM (${v.sql}) AS "v")`,
      [batch, at, ...v.params],
    )
    // The delete names the archive, not the policy: a row leaves only if its copy is there.
    const deleted = await bulk(db, { sql: `SELECT "session_id" FROM ${db.t(ARCHIVE_TABLE)} WHERE "archive_batch" = ?`, params: [batch] }, () =>
      db.run(`DELETE FROM ${db.t(M)} WHERE "snapshot_id" IN (SELECT "snapshot_id" FROM ${db.t(ARCHIVE_TABLE)} WHERE "archive_batch" = ?)`, [batch]),
    )
    if (archived !== deleted || archived !== preview.totals.removeRows) {
      throw new FerryError(
        'RETENTION_MISMATCH',
        `Retention batch ${batch}: the preview listed ${preview.totals.removeRows} snapshot(s), ${archived} were archived and ${deleted} deleted — rolled back, nothing changed`,
        'An agent may have written during the run; preview again and re-apply.',
      )
    }
    return { ...preview, batch, archivedAt: at }
  })
}

export interface ArchiveBatch {
  batch: string
  archivedAt: string
  rows: number
  bytes: number
}

export async function listArchive(db: SummaryDb): Promise<ArchiveBatch[]> {
  if ((await columnsOf(db, ARCHIVE_TABLE)).size === 0) return []
  const rows = await db.all(
    `SELECT "archive_batch", min("archived_at") AS "at", count(*) AS "n", COALESCE(sum("content_size"), 0) AS "b"
       FROM ${db.t(ARCHIVE_TABLE)} GROUP BY "archive_batch" ORDER BY min("archived_at") DESC, "archive_batch" DESC`,
  )
  return rows.map((r) => ({ batch: String(r.archive_batch), archivedAt: String(r.at), rows: Number(r.n), bytes: Number(r.b) }))
}

/** Moves one batch (default: the newest) back into memory_snapshots, with the ids it had. */
export async function restoreRetention(db: SummaryDb, batch?: string): Promise<ArchiveBatch> {
  return db.tx(async () => {
    const batches = await listArchive(db)
    const b = batch === undefined ? batches[0] : batches.find((x) => x.batch === batch)
    if (!b) {
      throw new FerryError(
        'RETENTION_BATCH_NOT_FOUND',
        batch === undefined ? `${ARCHIVE_TABLE} holds no archived snapshots` : `There is no retention batch "${batch}" in ${ARCHIVE_TABLE}`,
        'List the batches with "ferry retention restore --list".',
      )
    }
    const cols = [...(await columnsOf(db, M)).keys()]
    const list = cols.map(qi).join(', ')
    const clash = await db.all(
      `SELECT count(*) AS "n" FROM ${db.t(M)} WHERE "snapshot_id" IN (SELECT "snapshot_id" FROM ${db.t(ARCHIVE_TABLE)} WHERE "archive_batch" = ?)`,
      [b.batch],
    )
    if (Number(clash[0]!.n) > 0) {
      throw new FerryError(
        'RETENTION_RESTORE_CLASH',
        `${clash[0]!.n} snapshot id(s) of batch ${b.batch} already exist in memory_snapshots`,
        'Those rows were re-created since the batch was archived; resolve them by hand before restoring.',
      )
    }
    const override = db.kind === 'postgres' && (await identityAlways(db)) ? ' OVERRIDING SYSTEM VALUE' : ''
    const inserted = await bulk(db, { sql: `SELECT "session_id" FROM ${db.t(ARCHIVE_TABLE)} WHERE "archive_batch" = ?`, params: [b.batch] }, () =>
      db.run(`INSERT INTO ${db.t(M)} (${list})${override} SELECT ${list} FROM ${db.t(ARCHIVE_TABLE)} WHERE "archive_batch" = ?`, [b.batch]),
    )
    const removed = await db.run(`DELETE FROM ${db.t(ARCHIVE_TABLE)} WHERE "archive_batch" = ?`, [b.batch])
    if (inserted !== b.rows || removed !== b.rows) {
      throw new FerryError('RETENTION_MISMATCH', `Restoring batch ${b.batch}: ${b.rows} archived, ${inserted} restored — rolled back`, 'Try again; report it if it repeats.')
    }
    return b
  })
}

/**
 * A bulk change to memory_snapshots. On PostgreSQL with the summary installed, the row triggers
 * are muted for this transaction only (SET LOCAL; other agents' writes still fire them) and the
 * touched sessions are rebuilt in one set-based pass — row by row, tens of thousands of updates
 * to the same few summary rows in one transaction cost seconds. SQLite's row triggers are cheap.
 */
async function bulk(db: SummaryDb, sessions: { sql: string; params: unknown[] }, fn: () => Promise<number>): Promise<number> {
  if (db.kind !== 'postgres' || (await columnsOf(db, SUMMARY_TABLE)).size === 0) return fn()
  await db.all(`SELECT set_config('${BULK_SETTING}', 'on', true)`)
  const n = await fn()
  await db.all(`SELECT set_config('${BULK_SETTING}', 'off', true)`)
  await rebuildSummary(db, sessions)
  return n
}

export interface SessionSize {
  sessionId: string
  snapshots: number
  bytes: number
  lastActivity: string | null
}

/** The largest sessions by snapshot bytes: from context_session_summary when installed. */
export async function largestSessions(db: SummaryDb, limit = 20): Promise<{ source: 'summary' | 'aggregate'; sessions: SessionSize[] }> {
  const fromSummary = (await columnsOf(db, 'context_session_summary')).size > 0
  const rows = fromSummary
    ? await db.all(
        `SELECT "session_id", "snapshot_count" AS "n", "total_snapshot_bytes" AS "b", "last_activity" AS "at" FROM ${db.t('context_session_summary')} ORDER BY "total_snapshot_bytes" DESC, "session_id" LIMIT ?`,
        [limit],
      )
    : await db.all(
        `SELECT "session_id", count(*) AS "n", COALESCE(sum("content_size"), 0) AS "b", max("created_at") AS "at" FROM ${db.t(M)} GROUP BY "session_id" ORDER BY 3 DESC, 1 LIMIT ?`,
        [limit],
      )
  return {
    source: fromSummary ? 'summary' : 'aggregate',
    sessions: rows.map((r) => ({
      sessionId: String(r.session_id),
      snapshots: Number(r.n),
      bytes: Number(r.b),
      lastActivity: r.at === null || r.at === undefined ? null : r.at instanceof Date ? r.at.toISOString() : String(r.at),
    })),
  }
}

async function identityAlways(db: SummaryDb): Promise<boolean> {
  const r = await db.all(
    `SELECT a.attidentity AS "i" FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ? AND c.relname = ? AND a.attname = 'snapshot_id'`,
    [db.schema, M],
  )
  return r[0]?.i === 'a'
}
