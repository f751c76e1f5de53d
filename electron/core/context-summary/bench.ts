// `node --import tsx electron/core/context-summary/bench.ts [sessions] [perSession]`: the cost and
// the effect of the context-summary triggers and of retention, on a synthetic memory.db (demo
// schema) and on a scratch PostgreSQL database (FERRY_BENCH_PG, default the local server; the
// database is dropped afterwards). Prints a table; writes bench-results/context-summary.json.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { DEMO_SCHEMA_SQL } from '../workspace/demo/schema'
import { pgDb, sqliteDb, type SummaryDb } from './db'
import { applyRetention, previewRetention, restoreRetention } from './retention'
import { installSummary } from './summary'

const SESSIONS = Number(process.argv[2] ?? 500)
const PER = Number(process.argv[3] ?? 100)
const PG_URL = process.env.FERRY_BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const T0 = Date.parse('2026-10-01T00:00:00.000Z')

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b)
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! * 1000) / 1000
}
async function time<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now()
  const v = await fn()
  return [v, Math.round((performance.now() - t) * 10) / 10]
}

async function fill(db: SummaryDb): Promise<void> {
  const content = 'y'.repeat(400)
  await db.tx(async () => {
    await db.run(`INSERT INTO ${db.t('agents')} ("agent_id", "agent_type") VALUES ('a', 'bench')`)
    for (let s = 0; s < SESSIONS; s++) {
      await db.run(`INSERT INTO ${db.t('context_sessions')} ("session_id", "agent_id", "started_at") VALUES (?, 'a', ?)`, [`s${s}`, new Date(T0).toISOString()])
      for (let i = 0; i < PER; i++) {
        await db.run(
          `INSERT INTO ${db.t('memory_snapshots')} ("session_id", "snapshot_type", "content", "content_size", "checksum", "is_pinned", "created_at") VALUES (?, 'auto', ?, 400, 'x', ?, ?)`,
          [`s${s}`, content, db.kind === 'postgres' ? false : 0, new Date(T0 + i * 3_600_000).toISOString()],
        )
      }
    }
  })
}

async function inserts(db: SummaryDb, n: number): Promise<number[]> {
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const [, ms] = await time(() =>
      db.run(
        `INSERT INTO ${db.t('memory_snapshots')} ("session_id", "snapshot_type", "content", "content_size", "checksum", "is_pinned", "created_at") VALUES (?, 'auto', 'z', 1, 'x', ?, ?)`,
        [`s${i % SESSIONS}`, db.kind === 'postgres' ? false : 0, new Date(T0 + 400 * 86_400_000 + i).toISOString()],
      ),
    )
    out.push(ms)
  }
  return out
}

async function reads(db: SummaryDb, sql: string, n: number): Promise<number[]> {
  const out: number[] = []
  for (let i = 0; i < n; i++) out.push((await time(() => db.all(sql, [`s${(i * 7) % SESSIONS}`])))[1])
  return out
}

async function run(db: SummaryDb): Promise<Record<string, number>> {
  const r: Record<string, number> = {}
  await fill(db)
  const plain = await inserts(db, 300)
  r.insertP50MsNoTriggers = pct(plain, 50)
  r.insertP95MsNoTriggers = pct(plain, 95)
  const agg = await reads(db, `SELECT count(*), sum("content_size"), max("created_at") FROM ${db.t('memory_snapshots')} WHERE "session_id" = ?`, 50)
  r.sessionReadP50MsAggregate = pct(agg, 50)
  r.sessionReadP95MsAggregate = pct(agg, 95)
  r.installMs = (await time(() => installSummary(db)))[1]
  const withT = await inserts(db, 300)
  r.insertP50MsTriggers = pct(withT, 50)
  r.insertP95MsTriggers = pct(withT, 95)
  const sum = await reads(db, `SELECT * FROM ${db.t('context_session_summary')} WHERE "session_id" = ?`, 200)
  r.sessionReadP50MsSummary = pct(sum, 50)
  r.sessionReadP95MsSummary = pct(sum, 95)
  const [p, previewMs] = await time(() => previewRetention(db, { keep: 10, perDay: true }))
  r.previewMs = previewMs
  r.removeRows = p.totals.removeRows
  r.removeBytes = p.totals.removeBytes
  r.applyMs = (await time(() => applyRetention(db, { keep: 10, perDay: true })))[1]
  r.restoreMs = (await time(() => restoreRetention(db)))[1]
  return r
}

async function main(): Promise<void> {
  const results: Record<string, Record<string, number>> = {}
  const dir = mkdtempSync(join(tmpdir(), 'ferry-bench-ctxsum-'))
  try {
    const db = new Database(join(dir, 'memory.db'))
    db.pragma('journal_mode = WAL')
    db.exec(DEMO_SCHEMA_SQL)
    results.sqlite = await run(sqliteDb(db))
    db.close()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  const name = `ferry_bench_ctxsum_${process.pid}`
  const admin = new pg.Client({ connectionString: PG_URL })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`)
  const u = new URL(PG_URL)
  u.pathname = `/${name}`
  const c = new pg.Client({ connectionString: u.toString() })
  try {
    await c.connect()
    await c.query(`CREATE SCHEMA "agent_memory"`)
    await c.query(`SET search_path = "agent_memory"`)
    await c.query(DEMO_SCHEMA_SQL.replace(/INTEGER PRIMARY KEY/g, 'bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY'))
    await c.query(`ALTER TABLE "memory_snapshots" ALTER COLUMN "is_pinned" DROP DEFAULT, ALTER COLUMN "is_pinned" TYPE boolean USING "is_pinned" <> 0`)
    results.postgres = await run(pgDb(c, 'agent_memory'))
  } finally {
    await c.end().catch(() => undefined)
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`)
    await admin.end()
  }
  const keys = Object.keys(results.sqlite!)
  process.stdout.write(`context-summary bench: ${SESSIONS} sessions × ${PER} snapshots (+600 timed inserts)\n`)
  process.stdout.write(`${'measure'.padEnd(30)}${'sqlite'.padStart(12)}${'postgres'.padStart(12)}\n`)
  for (const k of keys) process.stdout.write(`${k.padEnd(30)}${String(results.sqlite![k]).padStart(12)}${String(results.postgres![k]).padStart(12)}\n`)
  mkdirSync('bench-results', { recursive: true })
  writeFileSync(join('bench-results', 'context-summary.json'), JSON.stringify({ sessions: SESSIONS, perSession: PER, at: new Date().toISOString(), results }, null, 2) + '\n')
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
  process.exit(1)
})
