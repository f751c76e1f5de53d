// Takes a verified backup of `.claude/` into `.ferry/backups/<id>/`. Everything is written into
// `.tmp-<id>` first and renamed at the very end, after the manifest is written, every file
// fsynced and every hash re-read, so an interrupted backup never looks complete.
import { mkdir, rename, rm } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { FerryError } from '../../../shared/contract/envelope'
import { fsyncDir } from '../fs/atomic'
import { mapConcurrent } from '../fs/concurrent'
import { isDiskFullCode } from '../fs/disk-full'
import { faultPoint } from '../jobs/faults'
import type { JobContext } from '../jobs/job'
import type { WorkspacePaths } from '../workspace/resolve'
import { takeEntry } from './entries'
import { writeNewFile } from './files'
import {
  MANIFEST_FILE,
  MANIFEST_FORMAT,
  backupsDir,
  newBackupId,
  relPath,
  type Manifest,
  type ManifestEntry,
} from './manifest'
import { claim, release, removeStale } from './stale'
import { verifyBackup, writeVerification } from './verify'
import { backupDiskFull } from './write-errors'
import { listTree, type Listed } from './walk'

export interface BackupEvidence extends Record<string, unknown> {
  id: string
  /** Relative to the workspace. */
  path: string
  reason: string
  createdAt: string
  files: number
  bytes: number
  symlinks: { path: string; target: string }[]
  skipped: { path: string; reason: string }[]
  sqlite: {
    path: string
    bytes: number
    pageCount: number
    pageSize: number
    journalMode: string
    integrity: string
  }[]
  integrityOk: boolean
  /** Databases SQLite could not read in full: their bytes were kept as they are. */
  damaged: { path: string; reason: string }[]
  warnings: string[]
  verified: true
  verifiedFiles: number
  backupMs: number
}

export interface BackupOptions {
  reason: string
  ctx: JobContext
  now?: () => Date
}

export async function createBackup(
  paths: WorkspacePaths,
  opts: BackupOptions,
): Promise<BackupEvidence> {
  const { ctx } = opts
  const now = opts.now ?? (() => new Date())
  const started = performance.now()
  const createdAt = now()
  const id = newBackupId(createdAt)
  const parent = backupsDir(paths)
  await mkdir(parent, { recursive: true, mode: 0o755 })
  const stale = await removeStale(parent, '.tmp-')
  if (stale.length > 0)
    ctx.log(
      'info',
      `Removed ${stale.length} unfinished backup folder(s) left by an interrupted run: ${stale.join(', ')}`,
    )

  const listed = await listTree(paths.root, paths.claudeDir, ctx.signal)
  const totalBytes = listed.reduce(
    (n, e) => n + (e.kind === 'file' || e.kind === 'sqlite' ? e.stat.size : 0),
    0,
  )
  let doneBytes = 0
  const tick = (n: number, message?: string): void => {
    doneBytes += n
    ctx.progress(Math.min(doneBytes, totalBytes), totalBytes, 'bytes', message)
  }
  ctx.progress(0, totalBytes, 'bytes', `Backing up ${listed.length} entries of .claude/`)

  const tmp = join(parent, `.tmp-${id}`)
  await mkdir(tmp, { mode: 0o700 })
  await claim(tmp)
  try {
    await mkdir(join(tmp, '.claude'), { mode: 0o700 })
    const entries = await takeAll(listed, tmp, tick, ctx, paths.root)
    const warnings: string[] = []
    entries.forEach((entry, i) => {
      const path = listed[i]!.path
      if (entry.note) warnings.push(`${path}: ${entry.note}`)
      if (entry.sqlite && entry.sqlite.integrity.join() !== 'ok')
        warnings.push(
          `${path}: integrity_check reported ${entry.sqlite.integrity.slice(0, 3).join('; ')}`,
        )
    })
    await faultPoint('backup:after-copy-before-manifest', ctx.signal)
    const content = entries.filter((e) => e.kind === 'file' || e.kind === 'sqlite')
    const manifest: Manifest = {
      format: MANIFEST_FORMAT,
      id,
      createdAt: createdAt.toISOString(),
      reason: opts.reason,
      root: paths.root,
      entries,
      totals: {
        files: content.length,
        bytes: content.reduce((n, e) => n + (e.size ?? 0), 0),
        sqlite: entries.filter((e) => e.kind === 'sqlite').length,
        symlinks: entries.filter((e) => e.kind === 'symlink').length,
        dirs: entries.filter((e) => e.kind === 'dir').length,
        skipped: entries.filter((e) => e.kind === 'skipped').length,
      },
      warnings,
      backupMs: 0,
    }
    manifest.backupMs = Math.round(performance.now() - started)
    await writeNewFile(join(tmp, MANIFEST_FILE), JSON.stringify(manifest, null, 2))
    await syncDirs(tmp, entries)

    ctx.progress(totalBytes, totalBytes, 'bytes', 'Re-reading the backup to verify every SHA-256')
    const check = await verifyBackup(tmp, manifest, ctx.signal)
    if (!check.ok) {
      throw new FerryError(
        'BACKUP_VERIFY_FAILED',
        `The backup did not verify after writing: ${check.problems.slice(0, 3).join('; ')}`,
        'Check the disk holding .ferry/ (space, errors), then run the backup again.',
      )
    }
    await writeVerification(tmp, check, now())
    await release(tmp)
    fsyncDir(tmp)
    await faultPoint('backup:before-rename', ctx.signal)
    const final = join(parent, id)
    await rename(tmp, final)
    fsyncDir(parent)
    const backupMs = Math.round(performance.now() - started)
    ctx.log(
      'info',
      `Backup ${id}: ${manifest.totals.files} files, ${manifest.totals.bytes} bytes, verified (${backupMs} ms)`,
    )
    return evidence(manifest, relPath(paths.root, final), backupMs)
  } catch (err) {
    await rm(tmp, { recursive: true, force: true }).catch(() => undefined)
    // The manifest, the verification record or a folder could not be written: name it.
    const e = err as NodeJS.ErrnoException
    if (!(err instanceof FerryError) && isDiskFullCode(e.code))
      throw backupDiskFull(
        `The backup could not be written${e.path ? ` (${relPath(paths.root, e.path)})` : ''}`,
        e.code!,
      )
    throw err
  }
}

/** Plain files copied at once: each copy mostly waits on the disk (its fsync above all). */
const PARALLEL_COPIES = 8

/**
 * Every listed entry into the backup, in the manifest's order. Plain files are copied several at
 * a time — a workspace of 20,000 small notes otherwise spends most of its backup waiting on one
 * fsync after another; folders, links and databases are taken in order, so a folder exists
 * before its files.
 */
function takeAll(
  listed: Listed[],
  tmp: string,
  tick: (n: number, message?: string) => void,
  ctx: JobContext,
  root: string,
): Promise<ManifestEntry[]> {
  return mapConcurrent(
    listed,
    async (e) => {
      const entry = await takeEntry(e, join(tmp, ...e.path.split('/')), tick, ctx, root)
      if (entry.kind === 'sqlite') await faultPoint('backup:after-sqlite', ctx.signal)
      return entry
    },
    { limit: PARALLEL_COPIES, inOrder: (e) => e.kind !== 'file', signal: ctx.signal },
  )
}

/** fsync every folder of the backup, deepest first, then the backup folder itself. */
async function syncDirs(tmp: string, entries: ManifestEntry[]): Promise<void> {
  const dirs = new Set<string>([join(tmp, '.claude')])
  for (const e of entries) {
    const abs = join(tmp, ...e.path.split('/'))
    dirs.add(e.kind === 'dir' ? abs : dirname(abs))
  }
  for (const d of [...dirs].sort((a, b) => b.length - a.length)) fsyncDir(d)
  fsyncDir(tmp)
}

function evidence(m: Manifest, path: string, backupMs: number): BackupEvidence {
  const sqlite = m.entries.filter((e) => e.kind === 'sqlite')
  return {
    id: m.id,
    path,
    reason: m.reason,
    createdAt: m.createdAt,
    files: m.totals.files,
    bytes: m.totals.bytes,
    symlinks: m.entries
      .filter((e) => e.kind === 'symlink')
      .map((e) => ({ path: e.path, target: e.target ?? '' })),
    skipped: m.entries
      .filter((e) => e.kind === 'skipped')
      .map((e) => ({ path: e.path, reason: e.reason ?? '' })),
    sqlite: sqlite.map((e) => ({
      path: e.path,
      bytes: e.size ?? 0,
      pageCount: e.sqlite?.pageCount ?? 0,
      pageSize: e.sqlite?.pageSize ?? 0,
      journalMode: e.sqlite?.journalMode ?? 'rollback',
      integrity: e.sqlite?.integrity.join('; ') ?? '',
    })),
    // A database copied byte for byte because SQLite could not read it is not "ok" either.
    integrityOk:
      sqlite.every((e) => e.sqlite?.integrity.join() === 'ok') && !m.entries.some((e) => e.damaged),
    damaged: m.entries
      .filter((e) => e.damaged)
      .map((e) => ({ path: e.path, reason: e.damaged ?? '' })),
    warnings: m.warnings,
    verified: true,
    verifiedFiles: m.totals.files,
    backupMs,
  }
}
