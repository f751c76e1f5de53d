// `ferry backup`, `ferry backups`, `ferry restore <id>` (DESIGN.md §4). The restore goes through
// the contract (backup.restore), exactly as the UI does; the listing too (backup.list).
import type { Command } from 'commander'
import { FerryError } from '../../shared/contract/envelope'
import type { BackupInfo } from '../../shared/contract/types'
import type { BackupEvidence } from '../core/backup/create'
import type { RestoreEvidence } from '../core/backup/restore'
import { restorePreview } from '../core/backup/preview'
import { nodeWorkerLauncher } from '../core/jobs/launcher'
import { runJob } from '../core/jobs/run-job'
import { computeProgress } from '../core/runner'
import { resolveWorkspace } from '../core/workspace/resolve'
import { openCli } from './context'
import { EXIT, ProgressReporter, formatDuration, printJson, reportError } from './output'

const nf = new Intl.NumberFormat('en-US')
const WS = ['-w, --workspace <dir>', 'the workspace folder (holds .claude/)', '.'] as const

export function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`
}

export function age(fromIso: string, now: Date): string {
  const s = Math.max(0, Math.round((now.getTime() - Date.parse(fromIso)) / 1000))
  if (s < 60) return `${s} s`
  if (s < 3600) return `${Math.floor(s / 60)} min`
  if (s < 86_400) return `${Math.floor(s / 3600)} h`
  return `${Math.floor(s / 86_400)} d`
}

export function registerBackupCommands(program: Command, setCode: (code: number) => void): void {
  // An unknown backup id is a bad argument (exit 2), like an unknown step.
  const action =
    <A extends unknown[]>(fn: (...args: A) => Promise<number>) =>
    async (...args: A): Promise<void> => {
      try {
        setCode(await fn(...args))
      } catch (err) {
        if (!(err instanceof FerryError && err.code === 'BACKUP_NOT_FOUND')) throw err
        reportError(err, process.argv.includes('--json'))
        setCode(EXIT.usage)
      }
    }

  program
    .command('backup')
    .description('take a verified backup of .claude/ into .ferry/backups/<id>/')
    .option(...WS)
    .option('--json', 'print one JSON object on stdout')
    .action(action(backupCommand))

  program
    .command('backups')
    .description('list the backups, newest first, re-reading every file to check its SHA-256')
    .option(...WS)
    .option('--quick', 'show the stored verification result instead of re-reading the files')
    .option('--json', 'print one JSON object on stdout')
    .action(action(backupsCommand))

  program
    .command('restore <id>')
    .description('put a backup back in place (the current state is backed up first)')
    .option(...WS)
    .option('--yes', 'restore without asking')
    .option('--json', 'print one JSON object on stdout')
    .action(action(restoreCommand))
}

async function backupCommand(o: { workspace: string; json?: boolean }): Promise<number> {
  const cli = await openCli(o.workspace)
  try {
    const root = (await cli.call('workspace.refresh', {})).root
    const reporter = new ProgressReporter('backup', o.json === true && !process.stderr.isTTY)
    const started = Date.now()
    const run = () =>
      runJob(
        nodeWorkerLauncher(),
        'backup',
        { root, reason: 'manual' },
        {
          onProgress: (p) =>
            reporter.update(
              computeProgress(p.done, p.total, p.unit, Date.now() - started, p.message),
            ),
        },
      )
    const runner = cli.backend.runner()
    const ev = (await (runner ? runner.exclusive('taking a backup', run) : run()).finally(() =>
      reporter.stop(),
    )) as BackupEvidence
    if (o.json) printJson({ ok: true, backup: ev })
    else printBackup(ev)
    return EXIT.ok
  } finally {
    await cli.backend.close()
  }
}

function printBackup(ev: BackupEvidence): void {
  const out = [
    `✔ Backup ${ev.id} taken and verified in ${formatDuration(ev.backupMs / 1000)}`,
    `  ${nf.format(ev.files)} files, ${size(ev.bytes)} → ${ev.path}`,
  ]
  for (const db of ev.sqlite)
    out.push(
      `  ${db.path}: ${nf.format(db.pageCount)} pages of ${nf.format(db.pageSize)} B, integrity ${db.integrity} (${db.journalMode === 'wal' ? 'WAL' : 'rollback journal'})`,
    )
  if (ev.symlinks.length > 0)
    out.push(
      `  ${ev.symlinks.length} symbolic link(s) recorded, not followed: ${ev.symlinks.map((s) => `${s.path} → ${s.target}`).join(', ')}`,
    )
  if (ev.skipped.length > 0)
    out.push(
      `  ${ev.skipped.length} skipped: ${ev.skipped.map((s) => `${s.path} (${s.reason})`).join('; ')}`,
    )
  for (const w of ev.warnings) out.push(`  ! ${w}`)
  process.stdout.write(out.join('\n') + '\n')
}

async function backupsCommand(o: {
  workspace: string
  quick?: boolean
  json?: boolean
}): Promise<number> {
  const cli = await openCli(o.workspace)
  let list: BackupInfo[]
  try {
    list = await cli.call('backup.list', { verify: !o.quick })
  } finally {
    await cli.backend.close()
  }
  const bad = list.filter((b) => b.verified === false)
  if (o.json) printJson({ ok: bad.length === 0, reverified: !o.quick, backups: list })
  else printBackups(list, !o.quick)
  // A listing that found a damaged backup fails, so a scheduled check notices.
  return bad.length === 0 ? EXIT.ok : EXIT.failed
}

function printBackups(list: BackupInfo[], reverified: boolean): void {
  if (list.length === 0) {
    process.stdout.write('No backups yet. Take one with "ferry backup".\n')
    return
  }
  const now = new Date()
  const rows = [['ID', 'CREATED (UTC)', 'AGE', 'REASON', 'FILES', 'SIZE', 'VERIFIED']]
  for (const b of list) {
    const verified = b.verified === null ? 'not yet' : b.verified ? 'yes' : 'NO'
    rows.push([
      b.id,
      b.createdAt.slice(0, 19).replace('T', ' '),
      age(b.createdAt, now),
      b.reason,
      nf.format(b.files),
      size(b.bytes),
      verified,
    ])
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
  const out = rows.map((r) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  )
  for (const b of list.filter((x) => x.problems.length > 0)) {
    out.push('', `✖ ${b.id} (${b.path}):`)
    for (const p of b.problems.slice(0, 20)) out.push(`    ${p}`)
    if (b.problems.length > 20) out.push(`    … and ${b.problems.length - 20} more`)
  }
  out.push(
    '',
    reverified
      ? 'Every file was re-read and its SHA-256 checked.'
      : 'Stored verification results (--quick); run without --quick to re-read every file.',
  )
  process.stdout.write(out.join('\n') + '\n')
}

async function restoreCommand(
  id: string,
  o: { workspace: string; yes?: boolean; json?: boolean },
): Promise<number> {
  const paths = resolveWorkspace(o.workspace)
  if (!o.yes) {
    const p = await restorePreview(paths, id)
    const error = new FerryError(
      'NEEDS_CONFIRMATION',
      `Restoring ${id} replaces files in ${paths.claudeDir}`,
      `Run again with --yes to restore: ferry restore ${id} -w ${o.workspace} --yes`,
    )
    const lines = [
      `ferry restore ${id} (taken ${p.createdAt}, reason ${p.reason}) would:`,
      `  - back up the current state first (reason pre-restore)`,
      `  - put back ${nf.format(p.files)} files (${size(p.bytes)})${p.links > 0 ? ` and ${nf.format(p.links)} symbolic link(s)` : ''}: ${nf.format(p.replace)} replacing what is there now, ${nf.format(p.create)} missing now`,
      ...p.databases.map(
        (d) =>
          `  - replace ${d} as a whole file and delete its -wal/-shm/-journal (stop the agents first)`,
      ),
      `  - keep ${nf.format(p.kept)} file(s) that are not in the backup`,
    ]
    process.stderr.write(lines.join('\n') + '\n')
    if (o.json) printJson({ ok: false, error: error.toInfo(), preview: p })
    process.stderr.write(`ferry: ${error.message}\n  → ${error.hint}\n`)
    return EXIT.usage
  }
  const cli = await openCli(paths.root)
  const off = cli.backend.onEvent((event, payload) => {
    if (event === 'log' && !o.json)
      process.stderr.write(`restore: ${(payload as { message: string }).message}\n`)
  })
  let ev: RestoreEvidence
  try {
    ev = (await cli.call('backup.restore', { id })) as RestoreEvidence
  } finally {
    off()
    await cli.backend.close()
  }
  if (o.json) printJson({ ok: true, restore: ev })
  else {
    const out = [
      `✔ ${ev.message}.`,
      `  ${nf.format(ev.replaced)} replaced, ${nf.format(ev.created)} recreated (files and links)${ev.removedSideFiles.length > 0 ? `; removed the replaced database's ${ev.removedSideFiles.join(', ')}` : ''}`,
      ev.preRestoreBackupId
        ? `  The state before the restore is backup ${ev.preRestoreBackupId}; "ferry restore ${ev.preRestoreBackupId} -w ${o.workspace} --yes" undoes this restore.`
        : '  .claude/ was missing, so there was no state to back up before the restore.',
      `  Recovery time: ${formatDuration(ev.recoveryMs / 1000)} (${nf.format(ev.recoveryMs)} ms; plan target < 5 minutes: ${ev.recoveryUnder5Min ? 'met' : 'NOT met'})`,
    ]
    if (ev.keptFiles > 0)
      out.push(
        `  Kept (not in the backup): ${ev.keptSample.join(', ')}${ev.keptFiles > ev.keptSample.length ? ', …' : ''}`,
      )
    process.stdout.write(out.join('\n') + '\n')
  }
  return EXIT.ok
}
