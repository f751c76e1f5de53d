// The import benchmark (issue 4 "Streaming"): a workspace whose .claude/logs/ holds one generated
// JSONL log (1 GiB by default; FERRY_BENCH_IMPORT_MB=N for quick runs), imported the way the
// checklist does it — the `step:p2.validate` job in a fresh worker process (import, then the
// reconciliation), without the automatic backup the runner adds. Peak RSS is sampled for the
// worker (the process doing the import) and taken for this parent. Not a test: it prints a
// table and writes JSON, and asserts nothing.
//   npm run bench:import            (FERRY_BENCH_IMPORT_MB, FERRY_BENCH_IMPORT_DIR, FERRY_BENCH_IMPORT_OUT)
import { mkdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path, { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { writeFileAtomic } from '../fs/atomic'
import { nodeWorkerLauncher } from '../jobs/launcher'
import { runJob } from '../jobs/run-job'
import { ensureBenchLog, type BenchLog } from './bench-log'
import { BUILDING_NAME } from './memory-db'

export interface ImportBenchResult {
  generatedAt: string
  workspace: string
  log: BenchLog
  /** What p2.validate reported. */
  bytes: number
  rows: number
  importSeconds: number
  reconcileSeconds: number
  mbPerSecond: number
  rowsPerSecond: number
  peakRssWorkerMb: number | null
  peakRssParentMb: number
  /** The issue's target for the process doing the import. */
  targetPeakRssMb: number
  targetMet: boolean | null
  progressEvents: number
}

export const TARGET_PEAK_RSS_MB = 300
const MiB = 2 ** 20

/** VmHWM (the kernel's own peak-RSS high-water mark) of a live process, in MiB; null off Linux. */
function peakRssOf(pid: number): number | null {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) / 1024 : null
  } catch {
    return null
  }
}

function freshMemoryDb(claudeDir: string): void {
  for (const base of ['memory.db', BUILDING_NAME])
    for (const suffix of ['', '-wal', '-shm', '-journal'])
      rmSync(join(claudeDir, base + suffix), { force: true })
}

export async function benchImport(o: {
  mb: number
  dir: string
  log?: (line: string) => void
}): Promise<ImportBenchResult> {
  const say = o.log ?? (() => undefined)
  const ws = join(o.dir, `${o.mb}MiB`, 'ws')
  const log = await ensureBenchLog(ws, o.mb * MiB, say)
  // Every run measures a first build: no memory.db from an earlier run.
  freshMemoryDb(join(ws, '.claude'))
  rmSync(join(ws, '.ferry'), { recursive: true, force: true })
  say(
    `importing ${log.path} (${(log.bytes / MiB).toFixed(1)} MiB, ${log.lines} lines) with step:p2.validate in a worker`,
  )
  let workerPid: number | undefined
  let peakWorker: number | null = null
  const sampler = setInterval(() => {
    if (workerPid === undefined) return
    const v = peakRssOf(workerPid)
    if (v !== null) peakWorker = Math.max(peakWorker ?? 0, v)
  }, 50)
  let progressEvents = 0
  let lastShown = 0
  let evidence: Record<string, unknown>
  try {
    evidence = (await runJob(
      nodeWorkerLauncher(),
      'step:p2.validate',
      { root: ws },
      {
        onStart: (pid) => (workerPid = pid),
        onLog: (level, m) =>
          level === 'warn' || level === 'error' ? say(`worker ${level}: ${m}`) : undefined,
        onProgress: (p) => {
          progressEvents++
          const now = Date.now()
          if (now - lastShown < 2000) return
          lastShown = now
          const rows = (p.detail as { rows?: number } | undefined)?.rows
          say(
            `  ${p.unit === 'bytes' ? `${(p.done / MiB).toFixed(0)}/${((p.total ?? 0) / MiB).toFixed(0)} MiB` : `${p.done}/${p.total ?? '?'} ${p.unit}`}${rows === undefined ? '' : `, ${rows} rows`} ${p.message ?? ''}`,
          )
        },
      },
    )) as Record<string, unknown>
  } finally {
    clearInterval(sampler)
  }
  const t = evidence.timings as { importMs: number; reconcileMs: number; bytesRead: number }
  const rows = evidence.rows as number
  const seconds = t.importMs / 1000
  const r1 = (n: number): number => Math.round(n * 10) / 10
  const peakRssWorkerMb = peakWorker === null ? null : r1(peakWorker)
  return {
    generatedAt: new Date().toISOString(),
    workspace: ws,
    log,
    bytes: t.bytesRead,
    rows,
    importSeconds: Math.round(seconds * 100) / 100,
    reconcileSeconds: Math.round(t.reconcileMs / 100) / 10,
    mbPerSecond: seconds > 0 ? r1(t.bytesRead / MiB / seconds) : 0,
    rowsPerSecond: seconds > 0 ? Math.round(rows / seconds) : 0,
    peakRssWorkerMb,
    peakRssParentMb: r1(process.resourceUsage().maxRSS / 1024),
    targetPeakRssMb: TARGET_PEAK_RSS_MB,
    targetMet: peakRssWorkerMb === null ? null : peakRssWorkerMb < TARGET_PEAK_RSS_MB,
    progressEvents,
  }
}

export function formatTable(r: ImportBenchResult): string {
  const rows: [string, string][] = [
    ['bytes', `${r.bytes} (${(r.bytes / MiB).toFixed(1)} MiB)`],
    ['rows', String(r.rows)],
    ['import seconds', r.importSeconds.toFixed(2)],
    ['reconcile seconds', r.reconcileSeconds.toFixed(1)],
    ['MiB/s', r.mbPerSecond.toFixed(1)],
    ['rows/s', String(r.rowsPerSecond)],
    [
      'peak RSS worker (MiB)',
      `${r.peakRssWorkerMb ?? 'n/a'} (target < ${r.targetPeakRssMb}: ${r.targetMet === null ? 'not measured' : r.targetMet ? 'met' : 'MISSED'})`,
    ],
    ['peak RSS parent (MiB)', String(r.peakRssParentMb)],
  ]
  const w = Math.max(...rows.map(([k]) => k.length))
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n')
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const mb = Number(process.env.FERRY_BENCH_IMPORT_MB ?? '1024')
  if (!Number.isFinite(mb) || mb <= 0) {
    process.stderr.write(
      `FERRY_BENCH_IMPORT_MB must be a positive number of MiB, not "${process.env.FERRY_BENCH_IMPORT_MB}"\n`,
    )
    process.exit(2)
  }
  const dir = process.env.FERRY_BENCH_IMPORT_DIR ?? join(tmpdir(), 'ferry-bench-import')
  const out =
    process.env.FERRY_BENCH_IMPORT_OUT ?? join(process.cwd(), 'bench-results', 'import.json')
  const result = await benchImport({ mb, dir, log: (l) => process.stderr.write(l + '\n') })
  mkdirSync(path.dirname(out), { recursive: true })
  writeFileAtomic(out, JSON.stringify(result, null, 2) + '\n')
  process.stdout.write(formatTable(result) + `\nwritten to ${out}\n`)
}
