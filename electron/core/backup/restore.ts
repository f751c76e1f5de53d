// `ferry restore <id>` / backup.restore: puts a verified backup back into the workspace. The
// current state is backed up first (reason 'pre-restore'), so a restore can itself be undone by
// restoring that backup. Databases are restored as whole files: the backed-up copy is written
// to a temp file beside state.db and renamed over it, and the -wal/-shm/-journal of the file it
// replaces are deleted (their committed rows are in the pre-restore backup). Files that exist
// now but are not in the backup are left alone and counted.
import { existsSync } from 'node:fs'
import { mkdir, unlink } from 'node:fs/promises'
import { FerryError } from '../../../shared/contract/envelope'
import { faultPoint } from '../jobs/faults'
import type { JobContext } from '../jobs/job'
import type { WorkspacePaths } from '../workspace/resolve'
import { createBackup } from './create'
import { processesHolding } from './holders'
import { backupDir, entryPath, readManifest, relPath, type Manifest } from './manifest'
import { restoreTree } from './restore-tree'
import { RESTORE_TEMP, fsPath, listTree, sideFiles, type Listed } from './walk'

export const RECOVERY_LIMIT_MS = 5 * 60 * 1000

export interface RestoreEvidence extends Record<string, unknown> {
  id: string
  restoredFrom: string
  backupCreatedAt: string
  preRestoreBackupId: string | null
  files: number
  bytes: number
  symlinks: number
  created: number
  replaced: number
  directoriesCreated: number
  removedSideFiles: string[]
  keptFiles: number
  keptSample: string[]
  message: string
  verified: true
  verifiedFiles: number
  preRestoreBackupMs: number
  restoreMs: number
  recoveryMs: number
  recoveryUnder5Min: boolean
}

export async function openBackup(
  paths: WorkspacePaths,
  id: string,
): Promise<{ dir: string; manifest: Manifest }> {
  const dir = backupDir(paths, id)
  if (!existsSync(dir)) {
    throw new FerryError(
      'BACKUP_NOT_FOUND',
      `No backup ${id} in ${relPath(paths.root, dir)}`,
      'Run "ferry backups" to list the backups of this workspace.',
    )
  }
  const manifest = await readManifest(dir)
  if (manifest.id !== id)
    throw new FerryError(
      'BACKUP_MANIFEST_INVALID',
      `The manifest in ${id} belongs to backup ${manifest.id}`,
      'This backup folder was renamed or damaged; use another backup.',
    )
  return { dir, manifest }
}

export async function restoreBackup(
  paths: WorkspacePaths,
  id: string,
  ctx: JobContext,
): Promise<RestoreEvidence> {
  const started = performance.now()
  const { dir, manifest } = await openBackup(paths, id)
  await refuseIfInUse(paths, manifest)
  await removeRestoreTemps(paths)

  let preRestoreBackupId: string | null = null
  let preRestoreBackupMs = 0
  if (existsSync(paths.claudeDir)) {
    ctx.log('info', 'Backing up the current state first (reason: pre-restore)')
    const pre = await createBackup(paths, { reason: 'pre-restore', ctx })
    preRestoreBackupId = pre.id
    preRestoreBackupMs = pre.backupMs
  } else {
    await mkdir(paths.claudeDir, { mode: 0o755 })
  }
  await faultPoint('restore:after-pre-backup', ctx.signal)

  const total = manifest.totals.bytes
  let done = 0
  const restoreStarted = performance.now()
  const r = await restoreTree(dir, manifest, paths.root, {
    signal: ctx.signal,
    inPlace: true,
    onBytes: (n, message) => {
      done += n
      ctx.progress(done, total, 'bytes', message)
    },
  })
  const restoreMs = Math.round(performance.now() - restoreStarted)
  const kept = await keptFiles(paths, manifest)
  const recoveryMs = Math.round(performance.now() - started)
  const message = `Restored ${r.files} files (${r.bytes.toLocaleString('en-US')} bytes) from backup ${id}, each verified by SHA-256; ${kept.length} file${kept.length === 1 ? '' : 's'} not in the backup ${kept.length === 1 ? 'was' : 'were'} kept`
  ctx.log('info', `${message}. Recovery time ${recoveryMs} ms.`)
  return {
    id,
    restoredFrom: relPath(paths.root, dir),
    backupCreatedAt: manifest.createdAt,
    preRestoreBackupId,
    files: r.files,
    bytes: r.bytes,
    symlinks: r.symlinks,
    created: r.created,
    replaced: r.replaced,
    directoriesCreated: r.directoriesCreated,
    removedSideFiles: r.removedSideFiles.map((f) => relPath(paths.root, f)),
    keptFiles: kept.length,
    keptSample: kept.slice(0, 20),
    message,
    verified: true,
    verifiedFiles: r.verifiedFiles,
    preRestoreBackupMs,
    restoreMs,
    recoveryMs,
    recoveryUnder5Min: recoveryMs < RECOVERY_LIMIT_MS,
  }
}

async function refuseIfInUse(paths: WorkspacePaths, manifest: Manifest): Promise<void> {
  const dbs = manifest.entries
    .filter((e) => e.kind === 'sqlite')
    .map((e) => entryPath(paths.root, e.path))
  const holders = await processesHolding(dbs.flatMap((db) => [db, ...sideFiles(db)]))
  if (holders.length === 0) return
  const who = holders
    .map((h) => `process ${h.pid} (${h.command}) has ${relPath(paths.root, h.file)} open`)
    .join('; ')
  throw new FerryError(
    'RESTORE_IN_USE',
    `Cannot restore while the database is in use: ${who}`,
    'Stop the agents that use this workspace, then run the restore again. Nothing was changed.',
  )
}

/** Temp files of a restore that was killed before it renamed them. */
async function removeRestoreTemps(paths: WorkspacePaths): Promise<void> {
  if (!existsSync(paths.claudeDir)) return
  for (const e of await listTree(paths.root, paths.claudeDir)) {
    if (e.kind === 'skipped' && RESTORE_TEMP.test(e.abs.split('/').pop() ?? ''))
      await unlink(fsPath(e)).catch(() => undefined)
  }
}

/** Files and links present now that the backup does not list: a restore leaves them alone. */
async function keptFiles(paths: WorkspacePaths, manifest: Manifest): Promise<string[]> {
  return notInBackup(manifest, await listTree(paths.root, paths.claudeDir))
}

export function notInBackup(manifest: Manifest, now: Listed[]): string[] {
  const known = new Set(manifest.entries.map((e) => e.path))
  for (const e of manifest.entries.filter((x) => x.kind === 'sqlite'))
    for (const s of sideFiles(e.path)) known.add(s)
  return now.filter((e) => e.kind !== 'dir' && !known.has(e.path)).map((e) => e.path)
}
