// `npm run bench:grid` (issue 7): how long one 200-row page of `events` takes at 1,000,000 rows —
// first, middle and last page — through the inspector, on SQLite (the demo workspace's state.db,
// cached in the temp folder) and on PostgreSQL (events COPYed into a scratch schema, dropped
// after). Not a test: it prints a table and writes bench-results/grid.json; it asserts nothing.
//   node --import tsx electron/core/inspect/bench-grid.ts [--events 1000000] [--target URL] [--runs 7]
import Database from 'better-sqlite3'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { pipeline } from 'node:stream/promises'
import { Readable } from 'node:stream'
import pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import type { PageAt, PageRequest, ViewRef } from '../../../shared/contract/inspect'
import { redactUrl } from '../postgres/redact'
import { createDemoWorkspace } from '../workspace/demo'
import { workspacePaths } from '../workspace/resolve'
import { Inspector } from './inspector'

const args = process.argv.slice(2)
const opt = (name: string, dflt: string): string => {
  const i = args.indexOf(name)
  return i >= 0 && args[i + 1] ? args[i + 1]! : dflt
}
const EVENTS = Number(opt('--events', '1000000'))
const RUNS = Number(opt('--runs', '7'))
const URL = opt(
  '--target',
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
)
const LIMIT = 200
const SCHEMA = `ferry_bench_grid_${process.pid}`

interface Measure {
  backend: 'SQLite' | 'PostgreSQL'
  page: string
  /** Median and worst of the runs, ms, measured around Inspector.page (no transport). */
  medianMs: number
  maxMs: number
  /** The first call (cold caches; for index pages it includes sampling the page map). */
  firstCallMs: number
  rows: number
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const round = (n: number): number => Math.round(n * 10) / 10

async function timePage(
  ins: Inspector,
  base: ViewRef,
  at: PageAt,
): Promise<{ first: number; times: number[]; rows: number }> {
  const req: PageRequest = { ...base, at, limit: LIMIT }
  const times: number[] = []
  let rows = 0
  let first = 0
  for (let i = 0; i <= RUNS; i++) {
    const t0 = performance.now()
    const p = await ins.page(req)
    const ms = performance.now() - t0
    rows = p.rows.length
    if (i === 0) first = ms
    else times.push(ms)
  }
  return { first, times, rows }
}

async function measure(
  ins: Inspector,
  backend: Measure['backend'],
  source: string,
  total: number,
): Promise<Measure[]> {
  const base: ViewRef = { source, table: 'events' }
  // As the grid does: count the view (which starts reading its page map), then ask for pages.
  await ins.count(base)
  const first = await ins.page({ ...base, at: { mode: 'first' }, limit: LIMIT })
  const middleIndex = Math.floor(total / 2 / LIMIT) * LIMIT
  const endIndex = Math.max(0, Math.floor((total - 1) / LIMIT) * LIMIT)
  const cases: [string, PageAt][] = [
    ['first', { mode: 'first' }],
    [
      `middle (row ${middleIndex.toLocaleString('en-US')}, by index)`,
      { mode: 'index', index: middleIndex },
    ],
    [`end (row ${endIndex.toLocaleString('en-US')}, by index)`, { mode: 'index', index: endIndex }],
    ['last', { mode: 'last' }],
    ['next (after page 1, by key)', { mode: 'after', key: first.rows.at(-1)!.key }],
  ]
  const out: Measure[] = []
  for (const [label, at] of cases) {
    const r = await timePage(ins, base, at)
    out.push({
      backend,
      page: label,
      medianMs: round(median(r.times)),
      maxMs: round(Math.max(...r.times)),
      firstCallMs: round(r.first),
      rows: r.rows,
    })
  }
  return out
}

async function demoWorkspace(): Promise<string> {
  const dir = join(tmpdir(), `ferry-bench-grid-${EVENTS}-seed42`)
  if (!existsSync(join(dir, '.claude', 'state.db'))) {
    process.stdout.write(
      `creating the demo workspace with ${EVENTS.toLocaleString('en-US')} events in ${dir} (cached for the next run)…\n`,
    )
    await createDemoWorkspace(dir, { events: EVENTS, seed: 42 })
  }
  return dir
}

/** events → a scratch schema by COPY (text format), streamed from SQLite. */
async function loadPostgres(stateDb: string): Promise<void> {
  const client = new pg.Client({ connectionString: URL, application_name: 'ferry-bench-grid' })
  await client.connect()
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE; CREATE SCHEMA "${SCHEMA}"`)
    await client.query(
      `CREATE TABLE "${SCHEMA}".events (event_id bigint PRIMARY KEY, agent_id text, event_type text NOT NULL, level text NOT NULL, message text, payload jsonb, created_at timestamptz NOT NULL)`,
    )
    const db = new Database(stateDb, { readonly: true, fileMustExist: true })
    const esc = (v: unknown): string =>
      v === null
        ? '\\N'
        : String(v)
            .replace(/\\/g, '\\\\')
            .replace(/\n/g, '\\n')
            .replace(/\r/g, '\\r')
            .replace(/\t/g, '\\t')
    const rows = db
      .prepare(
        'SELECT event_id, agent_id, event_type, level, message, payload, created_at FROM events ORDER BY event_id',
      )
      .raw()
      .iterate() as IterableIterator<unknown[]>
    const lines = Readable.from(
      (function* () {
        let batch = ''
        for (const r of rows) {
          batch += r.map(esc).join('\t') + '\n'
          if (batch.length > 1 << 20) {
            yield batch
            batch = ''
          }
        }
        if (batch) yield batch
      })(),
    )
    await pipeline(lines, client.query(copyFrom(`COPY "${SCHEMA}".events FROM STDIN`)))
    db.close()
    await client.query(
      `CREATE INDEX ON "${SCHEMA}".events (created_at); ANALYZE "${SCHEMA}".events`,
    )
  } finally {
    await client.end()
  }
}

async function main(): Promise<void> {
  const root = await demoWorkspace()
  const paths = workspacePaths(root)
  const results: Measure[] = []
  const sqlite = new Inspector({
    paths: () => paths,
    targetStatus: () => ({
      kind: 'url',
      display: redactUrl(URL),
      state: 'not-started',
      serverVersion: null,
      error: null,
    }),
    targetUrl: () => Promise.reject(new Error('SQLite only')),
  })
  const total = (await sqlite.count({ source: 'state', table: 'events' })).rows
  process.stdout.write(`events: ${total.toLocaleString('en-US')} rows in ${paths.stateDb}\n`)
  // The SQLite pass runs in this process: how long does it ever hold the event loop?
  const loop = monitorEventLoopDelay({ resolution: 5 })
  loop.enable()
  results.push(...(await measure(sqlite, 'SQLite', 'state', total)))
  loop.disable()
  const maxStallMs = round(loop.max / 1e6)
  process.stdout.write(`SQLite: longest event-loop stall during the run ${maxStallMs} ms\n`)
  await sqlite.close()

  let pgNote: string | null = null
  try {
    const t0 = performance.now()
    await loadPostgres(paths.stateDb)
    process.stdout.write(
      `loaded events into ${redactUrl(URL)} schema ${SCHEMA} in ${Math.round(performance.now() - t0)} ms\n`,
    )
    const onPg = new Inspector({
      paths: () => paths,
      targetStatus: () => ({
        kind: 'url',
        display: redactUrl(URL),
        state: 'connected',
        serverVersion: null,
        error: null,
      }),
      targetUrl: async () => URL,
    })
    try {
      results.push(...(await measure(onPg, 'PostgreSQL', `pg:${SCHEMA}`, total)))
    } finally {
      await onPg.close()
    }
  } catch (err) {
    pgNote = `PostgreSQL skipped: ${(err as Error).message}`
    process.stdout.write(`${pgNote}\n`)
  } finally {
    const c = new pg.Client({ connectionString: URL })
    await c
      .connect()
      .then(() => c.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`))
      .catch(() => undefined)
      .finally(() => void c.end())
  }

  const head = ['backend', 'page', 'median ms', 'max ms', 'first call ms', 'rows', '< 100 ms']
  const table = results.map((r) => [
    r.backend,
    r.page,
    String(r.medianMs),
    String(r.maxMs),
    String(r.firstCallMs),
    String(r.rows),
    r.medianMs < 100 ? 'yes' : 'NO',
  ])
  const widths = head.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)))
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ')
  process.stdout.write(
    `\n${line(head)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${table.map(line).join('\n')}\n`,
  )
  process.stdout.write(
    `\n${LIMIT} rows per page, ${RUNS} warm runs each (median and max); "first call" is the cold one (for index pages it includes waiting for the page map pass, started by the count, to reach that row).\n`,
  )
  mkdirSync('bench-results', { recursive: true })
  const out = {
    at: new Date().toISOString(),
    events: total,
    limit: LIMIT,
    runs: RUNS,
    target: redactUrl(URL),
    note: pgNote,
    results,
    sqliteMaxEventLoopStallMs: maxStallMs,
  }
  writeFileSync(join('bench-results', 'grid.json'), JSON.stringify(out, null, 2))
  process.stdout.write('wrote bench-results/grid.json\n')
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
  process.exit(1)
})
