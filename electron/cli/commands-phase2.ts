// `ferry inventory` (DESIGN.md §4): every entry under .claude/, what it is and what the import
// will do with it. The work runs in a worker (a 1 GiB log is read through); the full report is
// also written to .ferry/inventory.json, which the Inventory screen reads.
import type { Command } from 'commander'
import type { Inventory } from '../core/inventory/inventory'
import { nodeWorkerLauncher } from '../core/jobs/launcher'
import { runJob } from '../core/jobs/run-job'
import { computeProgress } from '../core/runner'
import { size } from './commands-backup'
import { openCli } from './context'
import { EXIT, ProgressReporter, printJson } from './output'

const nf = new Intl.NumberFormat('en-US')

/** `count(1, 'file')` → "1 file", `count(2000, 'file')` → "2,000 files". */
const count = (n: number, noun: string): string => `${nf.format(n)} ${noun}${n === 1 ? '' : 's'}`

export function registerPhase2Commands(program: Command, setCode: (code: number) => void): void {
  program
    .command('inventory')
    .description(
      'list everything under .claude/ (kinds, sizes, lines, parse and encoding problems) and what the import will do with each file',
    )
    .option('-w, --workspace <dir>', 'the workspace folder (holds .claude/)', '.')
    .option('--all', 'list every entry, not only the problems and skips')
    .option('--json', 'print one JSON object on stdout')
    .action(async (o: { workspace: string; all?: boolean; json?: boolean }) =>
      setCode(await inventoryCommand(o)),
    )
}

async function inventoryCommand(o: {
  workspace: string
  all?: boolean
  json?: boolean
}): Promise<number> {
  const cli = await openCli(o.workspace)
  try {
    const root = (await cli.call('workspace.refresh', {})).root
    const reporter = new ProgressReporter('inventory', o.json === true && !process.stderr.isTTY)
    const started = Date.now()
    const run = () =>
      runJob(
        nodeWorkerLauncher(),
        'inventory',
        { root },
        {
          onProgress: (p) =>
            reporter.update(
              computeProgress(p.done, p.total, p.unit, Date.now() - started, p.message),
            ),
        },
      )
    const runner = cli.backend.runner()
    const inv = (await (runner ? runner.exclusive('taking the inventory', run) : run()).finally(
      () => reporter.stop(),
    )) as Inventory
    if (o.json) printJson({ ok: true, inventory: inv })
    else process.stdout.write(describeInventory(inv, o.all === true) + '\n')
    return EXIT.ok
  } finally {
    await cli.backend.close()
  }
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length)
}

export function describeInventory(inv: Inventory, all: boolean): string {
  const t = inv.totals
  const out = [
    `Inventory of ${inv.workspace}/.claude (${count(t.sourceFiles, 'file')}, ${size(t.sourceBytes)}; ${count(t.folders, 'folder')}${t.ferryOutputs ? `; ${nf.format(t.ferryOutputs)} of Ferry's own file${t.ferryOutputs === 1 ? '' : 's'} not counted` : ''})`,
    '',
  ]
  out.push('By folder:')
  for (const f of inv.byFolder)
    out.push(
      `  ${pad(f.folder === '.' ? '(.claude itself)' : f.folder + '/', 22)} ${pad(count(f.files, 'file'), 14)} ${size(f.bytes)}`,
    )
  out.push('By kind:')
  for (const k of inv.byKind)
    out.push(
      `  ${pad(k.kind, 22)} ${pad(count(k.files, 'file'), 14)} ${pad(size(k.bytes), 10)} ${nf.format(k.lines)} lines`,
    )
  out.push('Largest:')
  for (const l of inv.largest) out.push(`  ${pad(size(l.size), 10)} ${l.path}`)
  const p = inv.problems
  out.push(
    '',
    `Import plan: ${nf.format(t.toImport)} files to import, ${nf.format(t.toSkip)} to skip.`,
  )
  for (const [table, rows] of Object.entries(t.expectedRows))
    out.push(`  ${pad(table, 24)} ${nf.format(rows)} rows expected`)
  if (inv.secrets.declared)
    out.push(
      `  ${inv.secrets.declared} secret value(s) found (${inv.secrets.sources.map((s) => s.path).join(', ')}): stored as "***", never copied`,
    )
  // As the Inventory screen counts them: secrets in files the import skips stay where they are.
  const skippedSecrets = inv.entries.filter(
    (e) => e.plan.action !== 'import' && (e.secrets ?? 0) > 0,
  )
  if (skippedSecrets.length)
    out.push(
      `  ${skippedSecrets.reduce((n, e) => n + (e.secrets ?? 0), 0)} secret value(s) in skipped files (${skippedSecrets.map((e) => e.path).join(', ')}): not imported, left where they are`,
    )
  const hostile = [
    [p.outsideWorkspaceLinks, 'symbolic link(s) to outside the workspace (not read)'],
    [p.otherLinks, 'other symbolic link(s) (not followed)'],
    [p.specialFiles, 'special file(s) (never opened)'],
    [p.unreadable, 'unreadable entr(y/ies)'],
    [p.nonUtf8Names, 'name(s) with invalid UTF-8 or control characters (shown escaped)'],
    [p.tooDeep, 'folder(s) deeper than the depth limit'],
    [p.invalidUtf8Files, 'file(s) with invalid UTF-8'],
    [p.filesWithParseProblems, 'file(s) with parse problems'],
    [p.readErrors, 'file(s) that could not be read to the end'],
  ] as const
  for (const [n, what] of hostile) if (n) out.push(`  ! ${n} ${what}`)
  const shown = inv.entries.filter(
    (e) =>
      e.type !== 'dir' &&
      (all ||
        e.plan.action === 'skip' ||
        e.parse === 'errors' ||
        e.parse === 'failed' ||
        e.encoding === 'invalid' ||
        e.readError),
  )
  if (shown.length) out.push('', all ? 'Entries:' : 'Skipped files and files with problems:')
  for (const e of shown) {
    const what =
      e.plan.action === 'skip'
        ? `skip: ${e.plan.reason}`
        : e.plan.action === 'import'
          ? `→ ${e.plan.table} (${nf.format(e.plan.expectedRows ?? 0)} rows)`
          : e.plan.reason
    const issues = [
      e.parseErrors
        ? `${e.parseErrors} parse problem(s), first: ${e.problems?.[0]?.line ? `line ${e.problems[0].line}: ` : ''}${e.problems?.[0]?.message ?? ''}`
        : '',
      e.encoding === 'invalid' ? `invalid UTF-8 at line ${e.encodingError?.line ?? '?'}` : '',
      e.readError ? `${e.readError.code}: ${e.readError.message}` : '',
    ].filter(Boolean)
    out.push(
      `  ${e.path}${e.type === 'file' ? ` (${e.kind ?? 'file'}, ${size(e.size)})` : ` (${e.type})`}  ${what}${issues.length ? `\n      ${issues.join('; ')}` : ''}`,
    )
  }
  out.push('', 'Full report: .ferry/inventory.json')
  return out.join('\n')
}
