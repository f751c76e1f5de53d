// `ferry retention preview|apply|restore|install-triggers|remove-triggers -w WS [--keep N]
// [--per-day] [--target URL] [--json]` (issue 6, §4.2). Without --target the store is the
// workspace's .claude/memory.db; with it, the schema agent_memory of that PostgreSQL database.
// apply archives into memory_snapshots_archive (after a verified backup on memory.db); restore
// moves a batch back.
import { type Command, InvalidArgumentError } from 'commander'
import { applyRetentionGuarded, withSummaryDb, type StoreTarget } from '../core/context-summary/open'
import { listArchive, previewRetention, restoreRetention, type RetentionPreview } from '../core/context-summary/retention'
import { installSummary, uninstallSummary } from '../core/context-summary/summary'
import { resolveWorkspace } from '../core/workspace/resolve'
import { size } from './commands-backup'
import { EXIT, printJson, reportError } from './output'

interface Opts {
  workspace: string
  target?: string
  schema?: string
  keep: number
  perDay?: boolean
  batch?: string
  list?: boolean
  json?: boolean
}

const nf = new Intl.NumberFormat('en-US')

function positive(v: string): number {
  const n = Number(v)
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('--keep takes a whole number ≥ 1')
  return n
}

function target(o: Opts): StoreTarget {
  const ws = resolveWorkspace(o.workspace)
  return o.target ? { backend: 'postgres', url: o.target, schema: o.schema } : { backend: 'sqlite', workspace: ws.root }
}

function describe(p: RetentionPreview, verb: string): string {
  const t = p.totals
  const lines = [
    `Policy: keep the newest ${p.policy.keep} snapshot(s) per session${p.policy.perDay ? ' plus the newest of each day' : ''} (pinned ones always) — ${p.backend}`,
    `Now: ${nf.format(t.snapshots)} snapshot(s), ${size(t.bytes)} in ${nf.format(t.sessions)} session(s)`,
    `${verb}: ${nf.format(t.removeRows)} snapshot(s), ${size(t.removeBytes)} from ${nf.format(p.sessions.length)} session(s)`,
  ]
  for (const s of p.sessions.slice(0, 20)) {
    lines.push(`  ${s.sessionId.padEnd(40)} ${nf.format(s.removeRows).padStart(8)} of ${nf.format(s.snapshots).padEnd(8)} ${size(s.removeBytes).padStart(10)}`)
  }
  if (p.sessions.length > 20) lines.push(`  … and ${p.sessions.length - 20} more session(s) (--json lists all)`)
  return lines.join('\n')
}

export function registerRetentionCommands(program: Command, setCode: (code: number) => void): void {
  const run = (fn: (o: Opts) => Promise<void>) => async (o: Opts) => {
    try {
      await fn(o)
      setCode(EXIT.ok)
    } catch (err) {
      setCode(reportError(err, o.json === true))
    }
  }
  const retention = program.command('retention').description('context snapshot retention: preview, apply (archived, reversible), restore')
  const common = (c: Command): Command =>
    c
      .option('-w, --workspace <dir>', 'the workspace folder (holds .claude/)', '.')
      .option('--target <postgres-url>', 'work on agent_memory in this PostgreSQL database instead of memory.db')
      .option('--schema <name>', 'the PostgreSQL schema (default agent_memory)')
      .option('--json', 'print one JSON object on stdout')
  const policy = (c: Command): Command =>
    c.option('--keep <n>', 'snapshots kept per session, newest first', positive, 10).option('--per-day', 'also keep the newest snapshot of each day')

  policy(common(retention.command('preview').description('list the snapshots and bytes the policy would remove, per session; changes nothing'))).action(
    run(async (o) => {
      const p = await withSummaryDb(target(o), (db) => previewRetention(db, { keep: o.keep, perDay: o.perDay === true }))
      if (o.json) printJson({ ok: true, ...p })
      else process.stdout.write(describe(p, 'Would remove') + '\n')
    }),
  )

  policy(common(retention.command('apply').description('archive what the preview lists into memory_snapshots_archive (memory.db is backed up first)'))).action(
    run(async (o) => {
      const r = await applyRetentionGuarded(target(o), { keep: o.keep, perDay: o.perDay === true })
      if (o.json) printJson({ ok: true, ...r })
      else {
        process.stdout.write(describe(r, 'Archived') + '\n')
        if (r.backupId) process.stdout.write(`Backup first: ${r.backupId}\n`)
        process.stdout.write(`Batch ${r.batch}. Undo: ferry retention restore --batch ${r.batch}\n`)
      }
    }),
  )

  common(retention.command('restore').description('move an archived batch (default: the newest) back into memory_snapshots'))
    .option('--batch <id>', 'the batch to restore')
    .option('--list', 'list the archived batches instead')
    .action(
      run(async (o) => {
        if (o.list) {
          const batches = await withSummaryDb(target(o), listArchive)
          if (o.json) printJson({ ok: true, batches })
          else if (batches.length === 0) process.stdout.write('No archived snapshots.\n')
          else for (const b of batches) process.stdout.write(`${b.batch}  ${b.archivedAt}  ${nf.format(b.rows)} snapshot(s)  ${size(b.bytes)}\n`)
          return
        }
        const b = await withSummaryDb(target(o), (db) => restoreRetention(db, o.batch))
        if (o.json) printJson({ ok: true, restored: b })
        else process.stdout.write(`Restored batch ${b.batch}: ${nf.format(b.rows)} snapshot(s), ${size(b.bytes)}\n`)
      }),
    )

  common(retention.command('install-triggers').description('create context_session_summary and the triggers that keep it current (idempotent; rebuilds it)')).action(
    run(async (o) => {
      const r = await withSummaryDb(target(o), installSummary)
      if (o.json) printJson({ ok: true, ...r })
      else process.stdout.write(`Installed ${r.triggers.length} triggers on ${r.backend}; summary: ${nf.format(r.sessions)} session(s), ${nf.format(r.snapshots)} snapshot(s), ${size(r.bytes)}\n`)
    }),
  )

  common(retention.command('remove-triggers').description('drop the summary triggers and context_session_summary (idempotent)')).action(
    run(async (o) => {
      await withSummaryDb(target(o), uninstallSummary)
      if (o.json) printJson({ ok: true })
      else process.stdout.write('Removed the summary triggers and context_session_summary.\n')
    }),
  )
}
