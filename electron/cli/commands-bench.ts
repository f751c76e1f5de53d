// `ferry bench -w WS [--json] [--target URL]`: runs p4.benchmark (the workload on files, state.db
// before and after Phase 1, memory.db and PostgreSQL) through the backend, as the checklist does,
// and prints the report the Benchmarks screen shows — not-measured backends with their reason.
import type { Command } from 'commander'
import type { BenchView } from '../../shared/contract/bench'
import type { Progress, StepState } from '../../shared/contract/types'
import { openCli, targetConfig } from './context'
import { EXIT, ProgressReporter, printJson } from './output'

interface Opts {
  workspace: string
  target?: string
  json?: boolean
}

export function registerBenchCommands(program: Command, setCode: (code: number) => void): void {
  program
    .command('bench')
    .description(
      'time the typical workload on files, state.db (before/after Phase 1), memory.db and PostgreSQL; report p50/p95 per query',
    )
    .option('-w, --workspace <dir>', 'the workspace folder (holds .claude/)', '.')
    .option('--target <postgres-url>', 'PostgreSQL target holding agent_memory (a URL, or "embedded"), remembered like run --target (default: the remembered one, else the embedded server, once p3.migrate is done)')
    .option('--json', 'print one JSON object on stdout')
    .action(async (o: Opts) => setCode(await benchCommand(o)))
}

async function benchCommand(o: Opts): Promise<number> {
  const cli = await openCli(o.workspace, false, true)
  const onSigint = (): void => void cli.call('step.cancel', { stepId: 'p4.benchmark' }).catch(() => undefined)
  process.on('SIGINT', onSigint)
  try {
    if (o.target) await cli.call('target.configure', targetConfig(o.target))
    const first = await cli.call('step.run', { stepId: 'p4.benchmark' })
    const reporter = new ProgressReporter('p4.benchmark', o.json === true && !process.stderr.isTTY)
    const off = cli.backend.onEvent((event, payload) => {
      if (event === 'step.progress') reporter.update((payload as { progress: Progress }).progress)
    })
    let step: StepState
    try {
      step = first.status === 'running' ? ((await cli.backend.runner()?.wait()) ?? first) : first
    } finally {
      off()
      reporter.stop()
    }
    if (step.status !== 'done') {
      if (o.json) printJson({ ok: false, step })
      process.stderr.write(`ferry: p4.benchmark failed: ${step.error?.message ?? step.status}\n`)
      if (step.error?.hint) process.stderr.write(`  → ${step.error.hint}\n`)
      return EXIT.failed
    }
    const view = await cli.call('bench.get', {})
    if (o.json) printJson({ ok: true, ...view })
    else process.stdout.write(describeBench(view) + '\n')
    return EXIT.ok
  } finally {
    process.off('SIGINT', onSigint)
    await cli.backend.close()
  }
}

const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length))
const ms = (v: number | null): string => (v === null ? '—' : v < 10 ? v.toFixed(3) : v.toFixed(1))

export function describeBench(view: BenchView): string {
  const r = view.report
  if (!r) return `No benchmark yet: ${view.reason ?? ''}`
  const measured = r.backends.filter((b) => b.measured)
  const out = [`Benchmark ${r.at} — p50 / p95 in ms (${r.machine.cpuModel} × ${r.machine.cpus})`, '']
  out.push(pad('query', 28) + measured.map((b) => pad(b.label, 26)).join(''))
  for (const q of measured[0]?.queries ?? []) {
    const cells = measured.map((b) => {
      const x = b.queries.find((y) => y.query === q.query)
      return pad(!x || x.skipped ? 'not measured' : `${ms(x.p50)} / ${ms(x.p95)}`, 26)
    })
    out.push(pad(q.query, 28) + cells.join(''))
  }
  const missing = r.backends.filter((b) => !b.measured)
  if (missing.length) {
    out.push('', 'Not measured:')
    for (const b of missing) out.push(`  ${b.label}: ${b.reason ?? ''}`)
  }
  out.push('', `Report: ${r.files.markdown} and ${r.files.json}`)
  return out.join('\n')
}
