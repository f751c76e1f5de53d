// The migration benchmark (issue 5 "Performance"): migrate-sqlite's load and validation timed on a
// SQLite file, alternating with the reference pipe `sqlite3 -csv | psql \copy` into the same
// target types (and pgloader when installed). Not a test: it prints numbers, it asserts nothing.
//   node --import tsx electron/core/pgmigrate/bench.ts <file.db> --target URL [--runs 3] [--workers 2]
import { spawn, spawnSync } from 'node:child_process'
import { statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { redactUrl } from '../postgres/redact'
import { migrateSqlite } from './migrate'
import { q, qq } from './names'

export interface BenchRun {
  run: number
  loadMs: number
  validateMs: number
  totalMs: number
  rows: number
  rowsPerSec: number
  mbPerSec: number
  pipeMs: number | null
  pgloaderMs: number | null
  /** Load time relative to the pipe's (≤ 1.0 is the target). */
  ratioToPipe: number | null
  peakRssMb: number
}

export interface BenchOptions {
  file: string
  url: string
  runs: number
  workers: number
  log?: (line: string) => void
}

const has = (bin: string): boolean => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0

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
  ) as { tables: { source: string; target: string; columns: { source: string }[] }[] }
  for (const t of plan.tables)
    await sql(url, `CREATE TABLE ${qq(to, t.target)} (LIKE ${qq(from, t.target)})`)
  const started = Date.now()
  for (const t of plan.tables) {
    const select = `SELECT ${t.columns.map((c) => `"${c.source.replace(/"/g, '""')}"`).join(', ')} FROM "${t.source.replace(/"/g, '""')}"`
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

function pgloaderRun(file: string, url: string): number | null {
  if (!has('pgloader')) return null
  const started = Date.now()
  const r = spawnSync('pgloader', [file, url], { stdio: 'ignore' })
  return r.status === 0 ? Date.now() - started : null
}

export async function benchMigrate(opts: BenchOptions): Promise<BenchRun[]> {
  const log = opts.log ?? (() => undefined)
  const bytes = statSync(opts.file).size
  const pipe = has('sqlite3') && has('psql')
  log(
    `benchmark: ${opts.file} (${(bytes / 2 ** 20).toFixed(1)} MiB) → ${redactUrl(opts.url)}, ${opts.runs} run(s), --workers ${opts.workers}${pipe ? '' : ' (sqlite3/psql not found: no pipe reference)'}`,
  )
  const runs: BenchRun[] = []
  for (let i = 1; i <= opts.runs; i++) {
    const schema = `ferry_bench_${process.pid}_${i}`
    await sql(opts.url, `DROP SCHEMA IF EXISTS ${q(schema)} CASCADE`)
    const r = await migrateSqlite({
      file: opts.file,
      url: opts.url,
      schema,
      workers: opts.workers,
      validate: true,
      signal: new AbortController().signal,
    })
    const rows = r.tables.reduce((n, t) => n + t.loadedRows + t.rejectedRows, 0)
    const pipeMs = pipe ? await pipeRun(opts.file, opts.url, schema, `${schema}_pipe`) : null
    await sql(opts.url, `DROP SCHEMA IF EXISTS ${q(schema)} CASCADE`)
    const run: BenchRun = {
      run: i,
      loadMs: r.timings.loadMs,
      validateMs: r.timings.validateMs ?? 0,
      totalMs: r.timings.totalMs,
      rows,
      rowsPerSec: r.rowsPerSec,
      mbPerSec: Math.round((bytes / 2 ** 20 / (r.timings.loadMs / 1000)) * 10) / 10,
      pipeMs,
      pgloaderMs: i === 1 ? pgloaderRun(opts.file, opts.url) : null,
      ratioToPipe: pipeMs ? Math.round((r.timings.loadMs / pipeMs) * 100) / 100 : null,
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    }
    runs.push(run)
    log(
      `run ${i}: load ${run.loadMs} ms (${run.rowsPerSec} rows/s, ${run.mbPerSec} MiB/s), validation ${run.validateMs} ms (+${Math.round((run.validateMs / run.loadMs) * 100)} %), ` +
        `pipe ${pipeMs ?? '–'} ms, ratio ${run.ratioToPipe ?? '–'}, pgloader ${run.pgloaderMs ?? 'not installed'}, peak RSS ${run.peakRssMb} MB`,
    )
  }
  return runs
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2)
  const opt = (name: string, dflt: string): string => {
    const i = args.indexOf(name)
    return i >= 0 && args[i + 1] ? args[i + 1]! : dflt
  }
  const file = args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'))
  const url = opt(
    '--target',
    process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  )
  if (!file) {
    process.stderr.write('usage: bench.ts <file.db> [--target URL] [--runs N] [--workers N]\n')
    process.exit(2)
  }
  const runs = await benchMigrate({
    file,
    url,
    runs: Number(opt('--runs', '3')),
    workers: Number(opt('--workers', '2')),
    log: (l) => process.stderr.write(l + '\n'),
  })
  process.stdout.write(JSON.stringify({ file, target: redactUrl(url), runs }, null, 2) + '\n')
}
