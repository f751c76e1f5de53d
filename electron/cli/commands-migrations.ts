// `ferry migrations status|apply|undo` (DESIGN.md §4): the versioned, checksummed migrations of
// state.db — files in .ferry/migrations/state/, ledger in state.db's schema_migrations. apply and
// undo take a verified backup first, like every step that changes the workspace. With --target,
// the same on PostgreSQL (files in .ferry/migrations/postgres/, ledger in <schema>.schema_migrations).
import type { Command } from 'commander'
import { InvalidArgumentError } from 'commander'
import { FerryError } from '../../shared/contract/envelope'
import { nodeWorkerLauncher } from '../core/jobs/launcher'
import { runJob } from '../core/jobs/run-job'
import { versionLabel, type MigrationPlan } from '../core/migrations/plan'
import {
  pgMigrationApply,
  pgMigrationStatus,
  pgMigrationUndo,
} from '../core/migrations/postgres-workspace'
import {
  applyStateMigrations,
  readStateMigrations,
  refusal,
  undoStateMigrations,
  type StateMigrations,
} from '../core/migrations/state-db'
import { resolveWorkspace, type WorkspacePaths } from '../core/workspace/resolve'
import { EXIT, printJson } from './output'

const WS = ['-w, --workspace <dir>', 'the workspace folder (holds .claude/)', '.'] as const

interface Opts {
  workspace: string
  target?: string
  schema: string
  json?: boolean
}

function version(v: string): number {
  if (!/^\d{1,9}$/.test(v))
    throw new InvalidArgumentError('--to must be a version number (e.g. 1 or 0001)')
  return Number(v)
}

export function registerMigrationCommands(program: Command, setCode: (code: number) => void): void {
  const m = program
    .command('migrations')
    .description('versioned, checksummed schema migrations of state.db (status, apply, undo)')
  m.command('status')
    .description('list applied and pending migrations and every problem (exit 1 when there is one)')
    .option(...WS)
    .option(
      '--target <postgres-url>',
      'a PostgreSQL target instead of state.db (files in .ferry/migrations/postgres/)',
    )
    .option('--schema <name>', 'the target schema that holds schema_migrations', 'public')
    .option('--json', 'print one JSON object on stdout')
    .action(async (o: Opts) => setCode(await statusCommand(o)))
  m.command('apply')
    .description(
      'apply the pending migrations in order, each in one transaction with its ledger row',
    )
    .option(...WS)
    .option(
      '--target <postgres-url>',
      'a PostgreSQL target instead of state.db (files in .ferry/migrations/postgres/)',
    )
    .option('--schema <name>', 'the target schema that holds schema_migrations', 'public')
    .option('--json', 'print one JSON object on stdout')
    .action(async (o: Opts) => setCode(await applyCommand(o)))
  m.command('undo')
    .description('revert the newest applied migration (or all above --to) with its down script')
    .option(...WS)
    .option('--to <version>', 'revert every migration above this version, newest first', version)
    .option(
      '--target <postgres-url>',
      'a PostgreSQL target instead of state.db (files in .ferry/migrations/postgres/)',
    )
    .option('--schema <name>', 'the target schema that holds schema_migrations', 'public')
    .option('--json', 'print one JSON object on stdout')
    .action(async (o: Opts & { to?: number }) => setCode(await undoCommand(o)))
}

const MARK: Record<string, string> = { applied: '✔', pending: '○', legacy: '·', problem: '✖' }

function describe(s: StateMigrations): string {
  const out = [`Migrations of ${s.database} (files in ${s.directory}/)`]
  out.push(
    `  ledger: ${s.ledger === 'absent' ? 'no schema_migrations table yet' : `schema_migrations${s.ledger === 'ferry' ? ' (created by Ferry)' : ' (found in the database)'}`}`,
  )
  if (!s.plan.items.length) out.push('  no migrations')
  for (const i of s.plan.items) {
    const when = i.appliedAt
      ? ` applied ${i.appliedAt}${i.appliedBy ? ` by ${i.appliedBy}` : ''}${i.durationMs !== null ? ` (${i.durationMs} ms)` : ''}`
      : ''
    const what =
      i.status === 'legacy'
        ? ' recorded by another tool (no checksum)'
        : i.status === 'pending'
          ? ' pending'
          : ''
    const sum = i.recordedChecksum ?? i.checksum
    out.push(
      `  ${MARK[i.status] ?? '?'} ${versionLabel(i.version)} ${(i.name ?? '').padEnd(24)}${what}${when}${sum ? `  sha256 ${sum.slice(0, 12)}…` : ''}${i.downFile ? '' : i.file ? '  (no down script)' : ''}`,
    )
  }
  for (const p of s.plan.problems) out.push(`  ✖ ${p.message}`, `    → ${p.hint}`)
  return out.join('\n')
}

function planJson(p: MigrationPlan): unknown {
  return {
    current: p.current,
    items: p.items,
    pending: p.pending.map((x) => ({
      version: x.version,
      name: x.name,
      file: x.file,
      checksum: x.checksum,
    })),
    problems: p.problems,
  }
}

async function statusCommand(o: Opts): Promise<number> {
  const paths = resolveWorkspace(o.workspace)
  const s = o.target
    ? await pgMigrationStatus(paths, o.target, o.schema)
    : readStateMigrations(paths)
  const ok = s.plan.problems.length === 0
  if (o.json)
    printJson({
      ok,
      database: s.database,
      directory: s.directory,
      ledger: s.ledger,
      ...(planJson(s.plan) as object),
    })
  else process.stdout.write(describe(s) + '\n')
  return ok ? EXIT.ok : EXIT.failed
}

async function backupFirst(paths: WorkspacePaths, reason: string, json: boolean): Promise<string> {
  if (!json) process.stderr.write('Taking a verified backup first…\n')
  const ev = (await runJob(nodeWorkerLauncher(), 'backup', { root: paths.root, reason }).catch(
    (err: unknown) => {
      const e = err instanceof FerryError ? err : new FerryError('BACKUP_FAILED', String(err))
      throw new FerryError(
        'BACKUP_FAILED',
        `The automatic backup failed, so nothing was changed: ${e.message}`,
        e.hint ?? 'Fix the backup problem, then run the command again.',
      )
    },
  )) as { id: string }
  return ev.id
}

async function applyCommand(o: Opts): Promise<number> {
  const paths = resolveWorkspace(o.workspace)
  if (o.target) {
    // The target is not part of the workspace backup; its migrations are transactional (or marked).
    const r = await pgMigrationApply(paths, o.target, o.schema, 'ferry migrations apply')
    const after = await pgMigrationStatus(paths, o.target, o.schema)
    if (o.json)
      printJson({
        ok: true,
        ledger: r.setup,
        applied: r.applied,
        ...(planJson(after.plan) as object),
      })
    else process.stdout.write(`Applied ${r.applied.length} migration(s).\n${describe(after)}\n`)
    return EXIT.ok
  }
  const s = readStateMigrations(paths)
  if (s.plan.problems.length) throw refusal('apply migrations to state.db', s.plan.problems)
  if (!s.plan.pending.length) {
    if (o.json)
      printJson({ ok: true, applied: [], backupId: null, ...(planJson(s.plan) as object) })
    else
      process.stdout.write(
        `Nothing to apply: ${s.database} is at version ${s.plan.current === null ? 'none' : versionLabel(s.plan.current)}.\n`,
      )
    return EXIT.ok
  }
  const backupId = await backupFirst(paths, 'auto:migrations-apply', o.json === true)
  const outcome = await applyStateMigrations(paths, {
    appliedBy: 'ferry migrations apply',
    onApplied: (r) => {
      if (!o.json) process.stderr.write(`✔ ${r.file} (${r.durationMs} ms)\n`)
    },
  })
  const after = readStateMigrations(paths)
  if (o.json)
    printJson({
      ok: true,
      backupId,
      ledger: outcome.setup,
      applied: outcome.applied,
      ...(planJson(after.plan) as object),
    })
  else
    process.stdout.write(
      `Applied ${outcome.applied.length} migration(s) to ${after.database} after backup ${backupId}.\n${describe(after)}\n`,
    )
  return EXIT.ok
}

async function undoCommand(o: Opts & { to?: number }): Promise<number> {
  const paths = resolveWorkspace(o.workspace)
  if (o.target) {
    const reverted = await pgMigrationUndo(paths, o.target, o.schema, o.to)
    if (!reverted.length)
      throw new FerryError(
        'NOTHING_TO_UNDO',
        `No migration applied by Ferry${o.to !== undefined ? ` above version ${versionLabel(o.to)}` : ''} in schema ${o.schema}`,
        'Run "ferry migrations status --target …" to see the ledger.',
      )
    const after = await pgMigrationStatus(paths, o.target, o.schema)
    if (o.json) printJson({ ok: true, reverted, ...(planJson(after.plan) as object) })
    else process.stdout.write(`Reverted ${reverted.length} migration(s).\n${describe(after)}\n`)
    return EXIT.ok
  }
  const s = readStateMigrations(paths)
  if (
    !s.plan.items.some(
      (i) => i.recordedChecksum !== null && (o.to === undefined || i.version > o.to),
    )
  ) {
    throw new FerryError(
      'NOTHING_TO_UNDO',
      `No migration applied by Ferry${o.to !== undefined ? ` above version ${versionLabel(o.to)}` : ''} in ${s.database}`,
      'Run "ferry migrations status" to see the ledger.',
    )
  }
  const backupId = await backupFirst(paths, 'auto:migrations-undo', o.json === true)
  const reverted = await undoStateMigrations(paths, { to: o.to })
  const after = readStateMigrations(paths)
  if (o.json) printJson({ ok: true, backupId, reverted, ...(planJson(after.plan) as object) })
  else {
    for (const r of reverted) process.stderr.write(`↶ reverted ${r.file} (${r.durationMs} ms)\n`)
    process.stdout.write(
      `Reverted ${reverted.length} migration(s) after backup ${backupId}; their files stay, so "ferry migrations apply" re-applies them.\n${describe(after)}\n`,
    )
  }
  return EXIT.ok
}
