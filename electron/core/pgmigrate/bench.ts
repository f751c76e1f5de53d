// The migration benchmark (issue 5 "Performance"): migrate-sqlite's load and validation timed on a
// SQLite file, alternating in one run with the reference pipe `sqlite3 -csv | psql \copy` into
// tables of the same target types (and pgloader when installed), so a noisy machine shifts both
// sides alike and the ratio stays meaningful. Not a test: it prints a table and writes
// bench-results/migrate.json; it asserts nothing.
//   npm run bench:migrate -- [file.db] [--target URL] [--runs 3] [--workers 2] [--events 1000000]
// Without a file it generates (or reuses) the demo workspace with --events events in
// $FERRY_BENCH_DIR (default: the temp folder), builds its memory.db (p2.validate) and migrates that.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { redactUrl } from '../postgres/redact'
import { urlForDatabase } from '../backup/sandbox-db'
import { migrateSqlite } from './migrate'
import { q, qq } from './names'

export interface BenchTable {
  table: string
  rows: number
  mib: number
  ms: number
  rowsPerSec: number
  mibPerSec: number
}

export interface BenchRun {
  run: number
  /** Which side ran first in this run (they alternate). */
  first: 'ferry' | 'pipe'
  /** Before the first row moves: integrity check, type profile, pre-flight, DDL. */
  planMs: number
  loadMs: number
  validateMs: number
  totalMs: number
  rows: number
  rowsPerSec: number
  /** MiB of COPY text sent per second of load. */
  mibPerSec: number
  pipeMs: number | null
  /** pgloader on the same file (when installed): time and the rows it really loaded. */
  pgloader: PgloaderRun | null
  /** Load time relative to the pipe's (≤ 1.0 is the target). */
  ratioToPipe: number | null
  /** pgloader's whole run relative to the pipe (the issue's reference: 3.31×). */
  pgloaderToPipe: number | null
  /** Validation time relative to the load's (≤ 0.5 is the target). */
  validateRatio: number
  peakRssMb: number
  tables: BenchTable[]
}

export interface BenchOptions {
  file: string
  url: string
  runs: number
  workers: number
  log?: (line: string) => void
}

const REPO = fileURLToPath(new URL('../../../', import.meta.url))
const has = (bin: string): boolean => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0
const round = (n: number, digits = 0): number => Math.round(n * 10 ** digits) / 10 ** digits

async function sql(url: string, text: string): Promise<pg.QueryResult> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    return await c.query(text)
  } finally {
    await c.end()
  }
}

/** The reference: one `sqlite3 -csv | psql \copy` pipe per table, into tables LIKE the migrated ones. */
async function pipeRun(file: string, url: string, from: string, to: string): Promise<number> {
  await sql(url, `DROP SCHEMA IF EXISTS ${q(to)} CASCADE; CREATE SCHEMA ${q(to)}`)
  const plan = JSON.parse(
    (await sql(url, `SELECT plan FROM ${qq(from, 'ferry_run')}`)).rows[0].plan,
  ) as { tables: { source: string; target: string; columns: { source: string; type: string }[] }[] }
  for (const t of plan.tables)
    await sql(url, `CREATE TABLE ${qq(to, t.target)} (LIKE ${qq(from, t.target)})`)
  const started = Date.now()
  for (const t of plan.tables) {
    // Bytes go as bytea's hex input: the CSV of a raw BLOB is not text PostgreSQL accepts.
    const cols = t.columns.map((c) => {
      const col = `"${c.source.replace(/"/g, '""')}"`
      return c.type === 'bytea' ? `CASE WHEN ${col} IS NOT NULL THEN '\\x' || hex(${col}) END` : col
    })
    const select = `SELECT ${cols.join(', ')} FROM "${t.source.replace(/"/g, '""')}"`
    const copy = `\\copy ${qq(to, t.target)} FROM STDIN WITH (FORMAT csv)`
    await new Promise<void>((resolve, reject) => {
      const p = spawn(
        'sh',
        [
          '-c',
          'sqlite3 -csv "$1" "$2" | psql -X -q -v ON_ERROR_STOP=1 -d "$3" -c "$4"',
          'sh',
          file,
          select,
          url,
          copy,
        ],
        { stdio: ['ignore', 'ignore', 'inherit'] },
      )
      p.once('error', reject)
      p.once('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`pipe for ${t.source} exited with ${code}`)),
      )
    })
  }
  const ms = Date.now() - started
  await sql(url, `DROP SCHEMA IF EXISTS ${q(to)} CASCADE`)
  return ms
}

/** What pgloader did with the file: its time, and the rows that reached PostgreSQL, counted there. */
export interface PgloaderRun {
  ms: number
  exitCode: number | null
  /** Rows counted in the tables pgloader created, against the source's. */
  rows: number
  sourceRows: number
  /** Source tables that arrived with fewer rows than SQLite holds (or not at all). */
  short: { table: string; rows: number; sourceRows: number }[]
  /** pgloader's own output, kept for reading (bench-results/). */
  log: string
}

/**
 * The second reference: `pgloader --type sqlite FILE URL` into a database of its own (it creates
 * its tables in the target's default schema, so never the caller's database), timed, then checked:
 * pgloader exits 0 after refusing a whole table (a BLOB column it cannot convert) or the schema
 * itself ("FATAL Failed to create the schema"), so its time only counts beside the rows it loaded.
 */
async function pgloaderRun(
  file: string,
  url: string,
  sourceRows: Map<string, number>,
  logFile: string,
): Promise<PgloaderRun | null> {
  if (!has('pgloader')) return null
  const db = `ferry_bench_${process.pid}_pgloader`
  await sql(url, `DROP DATABASE IF EXISTS ${q(db)}`)
  await sql(url, `CREATE DATABASE ${q(db)}`)
  const target = urlForDatabase(url, db)
  try {
    const started = Date.now()
    const r = spawnSync('pgloader', ['--type', 'sqlite', file, target], {
      encoding: 'utf8',
      maxBuffer: 256 * 2 ** 20,
      // A pgloader that hangs (a server it cannot reach, a lock) must not hold the run forever.
      timeout: PGLOADER_TIMEOUT_MS,
      killSignal: 'SIGKILL',
    })
    const ms = Date.now() - started
    mkdirSync(path.dirname(logFile), { recursive: true })
    writeFileSync(logFile, `${r.stdout ?? ''}${r.stderr ?? ''}`)
    const counts = await tableCounts(target)
    let rows = 0
    const short: PgloaderRun['short'] = []
    for (const [table, n] of sourceRows) {
      const got = counts.get(table) ?? counts.get(table.toLowerCase()) ?? 0
      rows += Math.min(got, n)
      if (got < n) short.push({ table, rows: got, sourceRows: n })
    }
    const total = [...sourceRows.values()].reduce((a, b) => a + b, 0)
    return { ms, exitCode: r.status, rows, sourceRows: total, short, log: logFile }
  } finally {
    await sql(url, `DROP DATABASE IF EXISTS ${q(db)}`)
  }
}

const PGLOADER_TIMEOUT_MS = 30 * 60_000

/** Exact row counts of every table in a database, by name (one connection for all of them). */
async function tableCounts(url: string): Promise<Map<string, number>> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    const tables = await c.query<{ s: string; t: string }>(
      `SELECT n.nspname AS s, c.relname AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'`,
    )
    const out = new Map<string, number>()
    for (const { s, t } of tables.rows) {
      const r = await c.query<{ n: string }>(`SELECT count(*)::bigint AS n FROM ${qq(s, t)}`)
      out.set(t, Number(r.rows[0]!.n))
    }
    return out
  } finally {
    await c.end()
  }
}

async function ferryRun(
  opts: BenchOptions,
  schema: string,
): Promise<
  Omit<BenchRun, 'run' | 'first' | 'pipeMs' | 'pgloader' | 'ratioToPipe' | 'pgloaderToPipe'>
> {
  const r = await migrateSqlite({
    file: opts.file,
    url: opts.url,
    schema,
    workers: opts.workers,
    validate: true,
    signal: new AbortController().signal,
  })
  const rows = r.tables.reduce((n, t) => n + t.loadedRows + t.rejectedRows, 0)
  const bytes = r.tables.reduce((n, t) => n + t.bytes, 0)
  const loadS = r.timings.loadMs / 1000
  return {
    loadMs: r.timings.loadMs,
    planMs: r.timings.translateMs,
    validateMs: r.timings.validateMs ?? 0,
    totalMs: r.timings.totalMs,
    rows,
    rowsPerSec: r.rowsPerSec,
    mibPerSec: round(bytes / 2 ** 20 / loadS, 1),
    validateRatio: round((r.timings.validateMs ?? 0) / r.timings.loadMs, 2),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    tables: r.tables
      .map((t) => ({
        table: t.table,
        rows: t.loadedRows + t.rejectedRows,
        mib: round(t.bytes / 2 ** 20, 1),
        ms: t.ms,
        rowsPerSec: t.ms > 0 ? Math.round(((t.loadedRows + t.rejectedRows) / t.ms) * 1000) : 0,
        mibPerSec: t.ms > 0 ? round(t.bytes / 2 ** 20 / (t.ms / 1000), 1) : 0,
      }))
      .sort((a, b) => b.rows - a.rows),
  }
}

export async function benchMigrate(opts: BenchOptions): Promise<BenchRun[]> {
  const log = opts.log ?? (() => undefined)
  const pipe = has('sqlite3') && has('psql')
  log(
    `benchmark: ${opts.file} (${(statSync(opts.file).size / 2 ** 20).toFixed(1)} MiB) → ${redactUrl(opts.url)}, ${opts.runs} run(s), --workers ${opts.workers}${pipe ? '' : ' (sqlite3/psql not found: no pipe reference)'}`,
  )
  const runs: BenchRun[] = []
  // SQLite's row count per table (run 1's load), what pgloader's tables are counted against.
  let sourceRows = new Map<string, number>()
  const pgloader = (i: number): Promise<PgloaderRun | null> =>
    pgloaderRun(
      opts.file,
      opts.url,
      sourceRows,
      path.join(process.cwd(), 'bench-results', `pgloader-run-${i}.log`),
    )
  for (let i = 1; i <= opts.runs; i++) {
    const schema = `ferry_bench_${process.pid}_${i}`
    await sql(opts.url, `DROP SCHEMA IF EXISTS ${q(schema)} CASCADE`)
    // The sides alternate which goes first: caches and background load favour none of them.
    const first = i % 2 === 1 ? 'ferry' : 'pipe'
    let pipeMs: number | null = null
    let pgl: PgloaderRun | null = null
    if (first === 'pipe' && i > 1) {
      pgl = await pgloader(i)
      // The pipe copies into tables shaped like Ferry's: use the previous run's schema plan.
      if (pipe)
        pipeMs = await pipeRun(
          opts.file,
          opts.url,
          `ferry_bench_${process.pid}_${i - 1}`,
          `${schema}_pipe`,
        )
    }
    const f = await ferryRun(opts, schema)
    if (i === 1) sourceRows = new Map(f.tables.map((t) => [t.table, t.rows]))
    if (pipeMs === null && pipe)
      pipeMs = await pipeRun(opts.file, opts.url, schema, `${schema}_pipe`)
    if (first === 'ferry') pgl = await pgloader(i)
    if (i > 1)
      await sql(
        opts.url,
        `DROP SCHEMA IF EXISTS ${q(`ferry_bench_${process.pid}_${i - 1}`)} CASCADE`,
      )
    if (i === opts.runs) await sql(opts.url, `DROP SCHEMA IF EXISTS ${q(schema)} CASCADE`)
    const run: BenchRun = {
      run: i,
      first: i > 1 ? first : 'ferry',
      ...f,
      pipeMs,
      pgloader: pgl,
      ratioToPipe: pipeMs ? round(f.loadMs / pipeMs, 2) : null,
      pgloaderToPipe: pipeMs && pgl ? round(pgl.ms / pipeMs, 2) : null,
    }
    runs.push(run)
    log(
      `run ${i}: load ${run.loadMs} ms, validation ${run.validateMs} ms, pipe ${pipeMs ?? '–'} ms, ratio ${run.ratioToPipe ?? '–'}${pgl ? `, pgloader ${pgl.ms} ms (${pgloaderRows(pgl)})` : ''}`,
    )
  }
  return runs
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length ? round((s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2, 2) : NaN
}

/** The printed table: one line per run, the median, then per table for the median run. */
export function benchTable(runs: BenchRun[]): string {
  const row = (cells: (string | number)[]): string =>
    cells.map((c, i) => (i === 0 ? String(c).padEnd(22) : String(c).padStart(11))).join(' ')
  const lines = [
    row([
      'run',
      'plan ms',
      'load ms',
      'rows/s',
      'MiB/s',
      'validate ms',
      'valid/load',
      'pipe ms',
      'load/pipe',
      'peak RSS MB',
    ]),
  ]
  for (const r of runs)
    lines.push(
      row([
        `${r.run} (${r.first} first)`,
        r.planMs,
        r.loadMs,
        r.rowsPerSec,
        r.mibPerSec,
        r.validateMs,
        r.validateRatio,
        r.pipeMs ?? '–',
        r.ratioToPipe ?? '–',
        r.peakRssMb,
      ]),
    )
  const ratios = runs.flatMap((r) => (r.ratioToPipe === null ? [] : [r.ratioToPipe]))
  lines.push(
    row([
      'median',
      median(runs.map((r) => r.planMs)),
      median(runs.map((r) => r.loadMs)),
      median(runs.map((r) => r.rowsPerSec)),
      median(runs.map((r) => r.mibPerSec)),
      median(runs.map((r) => r.validateMs)),
      median(runs.map((r) => r.validateRatio)),
      ratios.length ? median(runs.map((r) => r.pipeMs ?? 0)) : '–',
      ratios.length ? median(ratios) : '–',
      Math.max(...runs.map((r) => r.peakRssMb)),
    ]),
  )
  lines.push(...pgloaderLines(runs))
  const mid = [...runs].sort((a, b) => a.loadMs - b.loadMs)[(runs.length - 1) >> 1]
  if (mid) {
    lines.push('', `per table (run ${mid.run}):`)
    const trow = (cells: (string | number)[]): string =>
      cells.map((c, i) => (i === 0 ? String(c).padEnd(22) : String(c).padStart(11))).join(' ')
    lines.push(trow(['table', 'rows', 'MiB', 'ms', 'rows/s', 'MiB/s']))
    for (const t of mid.tables)
      lines.push(trow([t.table, t.rows, t.mib, t.ms, t.rowsPerSec, t.mibPerSec]))
  }
  return lines.join('\n')
}

/** "2,005,969 of 2,005,969 rows" or what was missing, as counted in PostgreSQL. */
export function pgloaderRows(p: PgloaderRun): string {
  const n = (x: number): string => x.toLocaleString('en-US')
  const exit = `exit code ${p.exitCode ?? 'none (stopped by a signal, or after 30 min)'}`
  if (!p.short.length) return `all ${n(p.sourceRows)} rows${p.exitCode === 0 ? '' : `; ${exit}`}`
  const tables = p.short.map((t) => `${t.table} ${n(t.rows)} of ${n(t.sourceRows)}`).join(', ')
  return `${n(p.rows)} of ${n(p.sourceRows)} rows — short: ${tables}; ${exit}`
}

/** pgloader's line per run: time, ratio to the pipe, and whether it loaded every row. */
export function pgloaderLines(runs: BenchRun[]): string[] {
  const done = runs.filter((r) => r.pgloader !== null)
  if (!done.length) return ['pgloader: not installed (Debian package pgloader) — no reference']
  return done.map((r) => {
    const p = r.pgloader!
    const ratio = r.pgloaderToPipe === null ? '' : `, ${r.pgloaderToPipe}× the pipe`
    const vs = `, Ferry's whole migration without validation ${r.totalMs - r.validateMs} ms`
    return `pgloader run ${r.run}: ${p.ms} ms${ratio}${vs}; loaded ${pgloaderRows(p)} (its log: ${path.relative(process.cwd(), p.log)})`
  })
}

/** The demo workspace's memory.db with `events` events, generated once and reused. */
function demoMemoryDb(events: number, log: (l: string) => void): string {
  const base = process.env.FERRY_BENCH_DIR ?? path.join(tmpdir(), 'ferry-bench-migrate')
  const ws = path.join(base, `demo-${events}`)
  const memory = path.join(ws, '.claude', 'memory.db')
  if (existsSync(memory)) return memory
  mkdirSync(base, { recursive: true })
  const ferry = (args: string[]): void => {
    const r = spawnSync(process.execPath, [path.join(REPO, 'bin', 'ferry.mjs'), ...args], {
      stdio: ['ignore', 'ignore', 'inherit'],
    })
    if (r.status !== 0) throw new Error(`ferry ${args.join(' ')} exited with ${r.status}`)
  }
  if (!existsSync(path.join(ws, '.claude', 'state.db'))) {
    log(`generating the demo workspace with ${events} events in ${ws} …`)
    ferry(['demo-workspace', ws, '--events', String(events), '--json'])
  }
  log('building its memory.db (p2.validate) …')
  ferry(['run', 'p2.validate', '-w', ws, '--json'])
  return memory
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2)
  const opt = (name: string, dflt: string): string => {
    const i = args.indexOf(name)
    return i >= 0 && args[i + 1] ? args[i + 1]! : dflt
  }
  const log = (l: string): boolean => process.stderr.write(l + '\n')
  const given = args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'))
  const file = given ?? demoMemoryDb(Number(opt('--events', '1000000')), log)
  const url = opt(
    '--target',
    process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  )
  const runs = await benchMigrate({
    file,
    url,
    runs: Number(opt('--runs', '3')),
    workers: Number(opt('--workers', String(availableParallelism()))),
    log,
  })
  process.stdout.write(benchTable(runs) + '\n')
  const out = path.join(process.cwd(), 'bench-results', 'migrate.json')
  mkdirSync(path.dirname(out), { recursive: true })
  writeFileSync(out, JSON.stringify({ file, target: redactUrl(url), runs }, null, 2) + '\n')
  process.stdout.write(`wrote ${path.relative(process.cwd(), out)}\n`)
}
