// The benchmark report kept three ways: a row in the journal (bench_reports, so the Benchmarks
// screen and `ferry bench` read the same numbers), and exported as JSON and Markdown under
// .ferry/reports/. Not-measured backends and queries keep their reason in every form.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { BenchReport, type BenchBackend } from '../../../shared/contract/bench'
import { writeFileAtomic } from '../fs/atomic'

const SCHEMA = `CREATE TABLE IF NOT EXISTS bench_reports (
  bench_id TEXT PRIMARY KEY,
  at TEXT NOT NULL,
  report TEXT NOT NULL
)`

function open(journalPath: string): Database.Database {
  const db = new Database(journalPath)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  db.pragma('busy_timeout = 5000')
  db.exec(SCHEMA)
  return db
}

export function saveReport(journalPath: string, report: BenchReport): void {
  const db = open(journalPath)
  try {
    db.prepare('INSERT INTO bench_reports (bench_id, at, report) VALUES (?, ?, ?)').run(
      report.benchId,
      report.at,
      JSON.stringify(report),
    )
  } finally {
    db.close()
  }
}

/** The newest report of the workspace, or null before p4.benchmark ran. */
export function latestReport(journalPath: string): BenchReport | null {
  const db = open(journalPath)
  try {
    const text = db
      .prepare('SELECT report FROM bench_reports ORDER BY at DESC, rowid DESC LIMIT 1')
      .pluck()
      .get() as string | undefined
    return text ? BenchReport.parse(JSON.parse(text)) : null
  } finally {
    db.close()
  }
}

/** Where the exported files go, relative to the workspace, for a report taken at `at`. */
export function reportFiles(at: string): { markdown: string; json: string } {
  const stamp = at.replace(/[:.]/g, '-')
  const base = join('.ferry', 'reports', `benchmark-${stamp}`)
  return { markdown: `${base}.md`, json: `${base}.json` }
}

export function exportReport(root: string, report: BenchReport): void {
  mkdirSync(join(root, '.ferry', 'reports'), { recursive: true })
  writeFileAtomic(join(root, report.files.json), JSON.stringify(report, null, 2) + '\n')
  writeFileAtomic(join(root, report.files.markdown), reportMarkdown(report))
}

const num = (v: number | null): string => (v === null ? '—' : v < 10 ? v.toFixed(3) : v.toFixed(1))

function bytes(n: number | null): string {
  if (n === null) return '—'
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let v = n
  let u = 0
  while (v >= 1024 && u < units.length - 1) [v, u] = [v / 1024, u + 1]
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`
}

/** Largest p95 of a backend's measured queries. */
export function maxP95(b: BenchBackend): number | null {
  const xs = b.queries.map((q) => q.p95).filter((x): x is number => x !== null)
  return xs.length ? Math.max(...xs) : null
}

export function reportMarkdown(r: BenchReport): string {
  const m = r.machine
  const measured = r.backends.filter((b) => b.measured)
  const out = [
    `# Ferry benchmark — ${r.at}`,
    '',
    `Machine: ${m.cpuModel} × ${m.cpus}, ${bytes(m.memoryBytes)} RAM, ${m.platform}/${m.arch}, Node ${m.node}, SQLite ${m.sqlite}, PostgreSQL ${m.postgres ?? 'not connected'}.`,
    `Workload: up to ${r.iterations} timed runs per query after a warm-up; latencies in milliseconds (p50/p95).` +
      (r.events !== null ? ` Events in state.db: ${r.events}.` : ''),
    '',
    '## Backends',
    '',
    '| Backend | Database | Measured | Max p95 (ms) |',
    '| --- | --- | --- | --- |',
    ...r.backends.map(
      (b) =>
        `| ${b.label} | ${b.database} | ${b.measured ? `yes (${b.at ?? ''})` : `not measured: ${b.reason ?? ''}`} | ${num(maxP95(b))} |`,
    ),
    '',
    '## Latency per query (p50 / p95 ms)',
    '',
    `| Query | ${measured.map((b) => b.label).join(' | ')} |`,
    `| --- | ${measured.map(() => '---').join(' | ')} |`,
  ]
  const names = measured[0]?.queries.map((q) => q.query) ?? []
  for (const name of names) {
    const cells = measured.map((b) => {
      const q = b.queries.find((x) => x.query === name)
      return !q || q.skipped ? 'not measured' : `${num(q.p50)} / ${num(q.p95)}`
    })
    out.push(`| ${name} | ${cells.join(' | ')} |`)
  }
  out.push('', '## Not measured', '')
  for (const b of r.backends) {
    if (!b.measured) out.push(`- ${b.label}: ${b.reason ?? ''}`)
    else for (const q of b.queries) if (q.skipped) out.push(`- ${b.label} · ${q.query}: ${q.skipped}`)
  }
  out.push('', '## Data sizes', '', '| What | Size | Note |', '| --- | --- | --- |')
  for (const s of r.sizes) out.push(`| ${s.name} | ${bytes(s.bytes)} | ${s.note ?? ''} |`)
  return out.join('\n') + '\n'
}
