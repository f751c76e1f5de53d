// `ferry indexes proposals|accept`: the composite indexes p1.test-current proposed for the typical
// workload, and applying the chosen ones (indexes.accept, exactly as the UI does). Undo is
// `ferry migrations undo`, which reverts the newest migration.
import type { Command } from 'commander'
import type { AcceptIndexesEvidence } from '../core/sqlite/workload-indexes-accept'
import { proposalsOf } from '../core/sqlite/workload-indexes'
import { openSqliteReadOnly } from '../core/sqlite/open'
import { resolveWorkspace } from '../core/workspace/resolve'
import { openCli } from './context'
import { EXIT, printJson } from './output'

const WS = ['-w, --workspace <dir>', 'the workspace folder (holds .claude/)', '.'] as const

interface Opts {
  workspace: string
  json?: boolean
}

const ms = (n: number): string => `${n.toFixed(3)} ms`

export function registerIndexCommands(program: Command, setCode: (code: number) => void): void {
  const ix = program
    .command('indexes')
    .description('composite indexes for the typical workload, proposed by p1.test-current')
  ix.command('proposals')
    .description('list the latest proposals with their p95 before → after on a scratch copy')
    .option(...WS)
    .option('--json', 'print one JSON object on stdout')
    .action(async (o: Opts) => setCode(await proposalsCommand(o)))
  ix.command('accept <index...>')
    .description(
      'create the chosen proposed indexes as the next state.db migration (a verified backup first)',
    )
    .option(...WS)
    .option('--json', 'print one JSON object on stdout')
    .action(async (names: string[], o: Opts) => setCode(await acceptCommand(names, o)))
}

async function proposalsCommand(o: Opts): Promise<number> {
  const paths = resolveWorkspace(o.workspace)
  const cli = await openCli(paths.root)
  let evidence: unknown
  let status: string
  try {
    const plan = await cli.call('plan.get', {})
    const step = plan.phases.flatMap((p) => p.steps).find((s) => s.id === 'p1.test-current')
    evidence = step?.state.evidence ?? null
    status = step?.state.status ?? 'pending'
  } finally {
    await cli.backend.close()
  }
  // Which proposals exist in state.db by now (accepted earlier, or created by hand).
  let present = new Set<string>()
  try {
    const db = openSqliteReadOnly(paths.stateDb)
    try {
      present = new Set(
        db.prepare("SELECT name FROM sqlite_schema WHERE type = 'index'").pluck().all() as string[],
      )
    } finally {
      db.close()
    }
  } catch {
    // No state.db: nothing is applied; the listing still shows what was proposed.
  }
  const proposals = proposalsOf(evidence).map((p) => ({ ...p, applied: present.has(p.index) }))
  if (o.json) {
    printJson({ ok: true, step: 'p1.test-current', status, proposals })
    return EXIT.ok
  }
  if (!proposals.length) {
    process.stdout.write(
      status === 'done'
        ? 'p1.test-current proposed no composite index.\n'
        : 'No proposals yet: run p1.test-current first (ferry run p1.test-current).\n',
    )
    return EXIT.ok
  }
  const lines = proposals.map(
    (p) =>
      `  ${p.applied ? '✔' : p.recommended ? '★' : '·'} ${p.index}  ${p.table}(${p.columns.join(', ')})  ${p.query}: p95 ${ms(p.p95Before)} → ${ms(p.p95After)}${p.speedup !== null ? ` (×${p.speedup})` : ''}${p.applied ? '  [applied]' : ''}`,
  )
  process.stdout.write(
    [
      'Composite index proposals of p1.test-current (★ recommended, measured on a scratch copy):',
      ...lines,
      `Apply: ferry indexes accept <index…> -w ${o.workspace}`,
    ].join('\n') + '\n',
  )
  return EXIT.ok
}

async function acceptCommand(names: string[], o: Opts): Promise<number> {
  const paths = resolveWorkspace(o.workspace)
  const cli = await openCli(paths.root)
  const off = cli.backend.onEvent((event, payload) => {
    if (event === 'log' && !o.json)
      process.stderr.write(`indexes: ${(payload as { message: string }).message}\n`)
  })
  let ev: AcceptIndexesEvidence
  try {
    ev = (await cli.call('indexes.accept', { indexes: names })) as AcceptIndexesEvidence
  } finally {
    off()
    await cli.backend.close()
  }
  if (o.json) {
    printJson({ ok: true, accept: ev })
    return EXIT.ok
  }
  process.stdout.write(
    [
      `✔ Created ${ev.created} index(es) as migration ${ev.migration.file} (backup ${ev.backupId} taken first).`,
      ...ev.indexes.map(
        (r) =>
          `  ${r.index}  ${r.query}: p95 ${ms(r.p95Before)} → ${ms(r.p95After)}${r.speedup !== null ? ` (×${r.speedup})` : ''}`,
      ),
      `  Undo: ${ev.undo}`,
    ].join('\n') + '\n',
  )
  return EXIT.ok
}
