// Context consolidation triggers (MIGRATION-PLAN §4.2): `context_session_summary` holds, per
// context session, the snapshot count, total snapshot bytes (content_size), the latest snapshot
// (by created_at, then snapshot_id) and the last activity (the latest of started_at, ended_at and
// the latest snapshot). Triggers on memory_snapshots and context_sessions keep it current
// incrementally — an insert is one primary-key UPDATE, never a scan; only deleting the latest
// snapshot of a session looks for the next one. Install is idempotent (triggers replaced, summary
// rebuilt from the rows) and runs under the write lock, so no write falls between backfill and
// triggers. The same statements serve both dialects; PostgreSQL wraps them in plpgsql functions.
import { FerryError } from '../../../shared/contract/envelope'
import { columnsOf, type SummaryDb } from './db'

export const SUMMARY_TABLE = 'context_session_summary'
const M = 'memory_snapshots'
const C = 'context_sessions'
const PREFIX = 'ferry_css_'
const TRIGGERS = ['snap_ins', 'snap_upd', 'snap_del', 'sess_ins', 'sess_upd', 'sess_del'] as const

/** The statements one trigger runs, in order, for the row named `r` ('NEW' or 'OLD'). */
function statements(db: SummaryDb, tsType: string): Record<(typeof TRIGGERS)[number], string[]> {
  const S = db.t(SUMMARY_TABLE)
  const MS = db.t(M)
  const CS = db.t(C)
  const ensure = (r: string) =>
    `INSERT INTO ${S} ("session_id", "snapshot_count", "total_snapshot_bytes") VALUES (${r}."session_id", 0, 0) ON CONFLICT ("session_id") DO NOTHING`
  const newer = (r: string) =>
    `("latest_snapshot_id" IS NULL OR ${r}."created_at" > "latest_snapshot_at" OR (${r}."created_at" = "latest_snapshot_at" AND ${r}."snapshot_id" > "latest_snapshot_id"))`
  const add = (r: string) =>
    `UPDATE ${S} SET "snapshot_count" = "snapshot_count" + 1, "total_snapshot_bytes" = "total_snapshot_bytes" + COALESCE(${r}."content_size", 0), ` +
    `"latest_snapshot_id" = CASE WHEN ${newer(r)} THEN ${r}."snapshot_id" ELSE "latest_snapshot_id" END, ` +
    `"latest_snapshot_at" = CASE WHEN ${newer(r)} THEN ${r}."created_at" ELSE "latest_snapshot_at" END WHERE "session_id" = ${r}."session_id"`
  const sub = (r: string) =>
    `UPDATE ${S} SET "snapshot_count" = "snapshot_count" - 1, "total_snapshot_bytes" = "total_snapshot_bytes" - COALESCE(${r}."content_size", 0) WHERE "session_id" = ${r}."session_id"`
  const next = (col: string, r: string) =>
    `(SELECT "${col}" FROM ${MS} WHERE "session_id" = ${r}."session_id" ORDER BY "created_at" DESC, "snapshot_id" DESC LIMIT 1)`
  const relatest = (r: string) =>
    `UPDATE ${S} SET "latest_snapshot_id" = ${next('snapshot_id', r)}, "latest_snapshot_at" = ${next('created_at', r)} WHERE "session_id" = ${r}."session_id" AND "latest_snapshot_id" = ${r}."snapshot_id"`
  const sess = (col: string, r: string) => `(SELECT "${col}" FROM ${CS} WHERE "session_id" = ${r}."session_id")`
  const a = '"latest_snapshot_at"'
  const activity = (r: string) => {
    const b = sess('started_at', r)
    const c = sess('ended_at', r)
    // The latest non-null of three; SQLite's scalar max() returns NULL on any NULL argument.
    const expr =
      db.kind === 'postgres'
        ? `GREATEST(${a}, CAST(${b} AS ${tsType}), CAST(${c} AS ${tsType}))`
        : `max(COALESCE(${a}, ${b}, ${c}), COALESCE(${b}, ${c}, ${a}), COALESCE(${c}, ${a}, ${b}))`
    return `UPDATE ${S} SET "last_activity" = ${expr} WHERE "session_id" = ${r}."session_id"`
  }
  const prune = (r: string) =>
    `DELETE FROM ${S} WHERE "session_id" = ${r}."session_id" AND "snapshot_count" = 0 AND NOT EXISTS (SELECT 1 FROM ${CS} WHERE "session_id" = ${r}."session_id")`
  return {
    snap_ins: [ensure('NEW'), add('NEW'), activity('NEW')],
    snap_upd: [sub('OLD'), relatest('OLD'), ensure('NEW'), add('NEW'), activity('NEW'), activity('OLD'), prune('OLD')],
    snap_del: [sub('OLD'), relatest('OLD'), activity('OLD'), prune('OLD')],
    sess_ins: [ensure('NEW'), activity('NEW')],
    sess_upd: [ensure('NEW'), activity('NEW'), activity('OLD'), prune('OLD')],
    sess_del: [activity('OLD'), prune('OLD')],
  }
}

const EVENTS: Record<(typeof TRIGGERS)[number], { table: string; event: string }> = {
  snap_ins: { table: M, event: 'INSERT' },
  // Only columns the summary depends on: Phase 1's offload (content, content_path) costs nothing.
  snap_upd: { table: M, event: 'UPDATE OF "session_id", "created_at", "snapshot_id", "content_size"' },
  snap_del: { table: M, event: 'DELETE' },
  sess_ins: { table: C, event: 'INSERT' },
  sess_upd: { table: C, event: 'UPDATE OF "session_id", "started_at", "ended_at"' },
  sess_del: { table: C, event: 'DELETE' },
}

/**
 * Rebuilds the summary rows of the sessions `filter` selects (SQL yielding session ids, with its
 * `?` params), or of every session. Used by install and after a bulk change made with the
 * triggers muted (PostgreSQL retention): one set-based pass instead of a trigger per row.
 */
export async function rebuildSummary(db: SummaryDb, filter?: { sql: string; params: unknown[] }): Promise<void> {
  const S = db.t(SUMMARY_TABLE)
  const only = (col: string) => (filter ? ` WHERE ${col} IN (${filter.sql})` : '')
  const p = filter?.params ?? []
  await db.run(`DELETE FROM ${S}${only('"session_id"')}`, p)
  await db.run(
    `WITH "agg" AS (SELECT "session_id", count(*) AS "n", COALESCE(sum("content_size"), 0) AS "b" FROM ${db.t(M)}${only('"session_id"')} GROUP BY "session_id"),
     "ranked" AS (SELECT "session_id", "snapshot_id", "created_at", ROW_NUMBER() OVER (PARTITION BY "session_id" ORDER BY "created_at" DESC, "snapshot_id" DESC) AS "rn" FROM ${db.t(M)}${only('"session_id"')}),
     "ids" AS (SELECT "session_id" FROM ${db.t(C)}${only('"session_id"')} UNION SELECT "session_id" FROM ${db.t(M)}${only('"session_id"')})
     INSERT INTO ${S} ("session_id", "snapshot_count", "total_snapshot_bytes", "latest_snapshot_id", "latest_snapshot_at")
     SELECT "ids"."session_id", COALESCE("agg"."n", 0), COALESCE("agg"."b", 0), "ranked"."snapshot_id", "ranked"."created_at"
       FROM "ids" LEFT JOIN "agg" ON "agg"."session_id" = "ids"."session_id"
       LEFT JOIN "ranked" ON "ranked"."session_id" = "ids"."session_id" AND "ranked"."rn" = 1`,
    [...p, ...p, ...p, ...p],
  )
  // last_activity through the same expression the triggers use.
  const types = await requireTables(db)
  const act = statements(db, types.tsType)
    .sess_ins[1]!.replace(/ WHERE "session_id" = NEW\."session_id"$/, '')
    .replaceAll('NEW."session_id"', `${S}."session_id"`)
  await db.run(act + only(`${S}."session_id"`), p)
}

/** PostgreSQL: the trigger functions do nothing in a transaction that set this (SET LOCAL). */
export const BULK_SETTING = 'ferry.css_bulk'

export interface InstallResult {
  backend: 'sqlite' | 'postgres'
  sessions: number
  snapshots: number
  bytes: number
  triggers: string[]
}

async function requireTables(db: SummaryDb): Promise<{ idType: string; sidType: string; tsType: string }> {
  const m = await columnsOf(db, M)
  const c = await columnsOf(db, C)
  const where = db.kind === 'sqlite' ? 'memory.db' : `schema ${db.schema}`
  for (const [cols, table, need] of [
    [m, M, ['snapshot_id', 'session_id', 'content_size', 'created_at']],
    [c, C, ['session_id', 'started_at', 'ended_at']],
  ] as const) {
    const missing = need.filter((n) => !cols.has(n))
    if (missing.length > 0) {
      throw new FerryError(
        'CONTEXT_SUMMARY_SCHEMA',
        `${table} in ${where} lacks column(s) ${missing.join(', ')} (or the table is missing)`,
        db.kind === 'sqlite' ? 'Run p2.import first so memory.db holds the agent memory tables.' : 'Run p3.migrate first so agent_memory holds the tables.',
      )
    }
  }
  return { idType: m.get('snapshot_id')!, sidType: m.get('session_id')!, tsType: m.get('created_at')! }
}

/** Creates (or replaces) the summary table and its triggers and rebuilds the summary. Idempotent. */
export async function installSummary(db: SummaryDb): Promise<InstallResult> {
  return db.tx(async () => {
    const types = await requireTables(db)
    const pgTypes = db.kind === 'postgres'
    if (pgTypes) await db.exec(`LOCK TABLE ${db.t(M)}, ${db.t(C)} IN SHARE ROW EXCLUSIVE MODE`)
    const ts = pgTypes ? types.tsType : 'TEXT'
    // Derived data, rebuilt below anyway: re-created so its types always match the source's
    // (a copy carried over by p3.migrate from memory.db would hold text timestamps).
    await db.exec(`DROP TABLE IF EXISTS ${db.t(SUMMARY_TABLE)}`)
    await db.exec(
      `CREATE TABLE ${db.t(SUMMARY_TABLE)} (
        "session_id" ${pgTypes ? types.sidType : 'TEXT'} PRIMARY KEY,
        "snapshot_count" ${pgTypes ? 'bigint' : 'INTEGER'} NOT NULL DEFAULT 0,
        "total_snapshot_bytes" ${pgTypes ? 'bigint' : 'INTEGER'} NOT NULL DEFAULT 0,
        "latest_snapshot_id" ${pgTypes ? types.idType : 'INTEGER'},
        "latest_snapshot_at" ${ts},
        "last_activity" ${ts}
      )`,
    )
    const stmts = statements(db, types.tsType)
    const names: string[] = []
    for (const name of TRIGGERS) {
      const trig = `${PREFIX}${name}`
      const { table, event } = EVENTS[name]
      names.push(trig)
      if (db.kind === 'sqlite') {
        await db.exec(`DROP TRIGGER IF EXISTS "${trig}"`)
        await db.exec(`CREATE TRIGGER "${trig}" AFTER ${event} ON "${table}" FOR EACH ROW BEGIN\n${stmts[name].join(';\n')};\nEND`)
      } else {
        const fn = db.t(trig)
        await db.exec(
          `CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $fn$\nBEGIN\nIF current_setting('${BULK_SETTING}', true) = 'on' THEN RETURN NULL; END IF;\n${stmts[name].join(';\n')};\nRETURN NULL;\nEND\n$fn$`,
        )
        await db.exec(`DROP TRIGGER IF EXISTS "${trig}" ON ${db.t(table)}`)
        await db.exec(`CREATE TRIGGER "${trig}" AFTER ${event} ON ${db.t(table)} FOR EACH ROW EXECUTE FUNCTION ${fn}()`)
      }
    }
    await rebuildSummary(db)
    const tot = await db.all(
      `SELECT count(*) AS "s", COALESCE(sum("snapshot_count"), 0) AS "n", COALESCE(sum("total_snapshot_bytes"), 0) AS "b" FROM ${db.t(SUMMARY_TABLE)}`,
    )
    return { backend: db.kind, sessions: Number(tot[0]!.s), snapshots: Number(tot[0]!.n), bytes: Number(tot[0]!.b), triggers: names }
  })
}

/** Drops the triggers, their functions and the summary table. Idempotent. */
export async function uninstallSummary(db: SummaryDb): Promise<void> {
  await db.tx(async () => {
    for (const name of TRIGGERS) {
      const trig = `${PREFIX}${name}`
      if (db.kind === 'sqlite') await db.exec(`DROP TRIGGER IF EXISTS "${trig}"`)
      else {
        await db.exec(`DROP TRIGGER IF EXISTS "${trig}" ON ${db.t(EVENTS[name].table)}`)
        await db.exec(`DROP FUNCTION IF EXISTS ${db.t(trig)}()`)
      }
    }
    await db.exec(`DROP TABLE IF EXISTS ${db.t(SUMMARY_TABLE)}`)
  })
}

export async function summaryInstalled(db: SummaryDb): Promise<boolean> {
  return (await columnsOf(db, SUMMARY_TABLE)).size > 0
}
