// The restore drill of pre.backup: a backup nobody has restored is a hope, not a backup. The new
// backup is restored into `.ferry/drill-<id>/` with the same code a real restore uses, every
// file checked by SHA-256, the time measured against the plan's "Recovery Time < 5 minutes",
// and the scratch folder deleted.
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { JobContext } from '../jobs/job'
import type { WorkspacePaths } from '../workspace/resolve'
import { relPath } from './manifest'
import { RECOVERY_LIMIT_MS, openBackup } from './restore'
import { restoreTree } from './restore-tree'
import { claim, removeStale } from './stale'

export interface DrillEvidence {
  /** Where the drill ran (deleted afterwards), relative to the workspace. */
  path: string
  files: number
  bytes: number
  symlinks: number
  verifiedFiles: number
  verified: true
  restoreDrillMs: number
  under5Min: boolean
}

export async function restoreDrill(
  paths: WorkspacePaths,
  id: string,
  ctx: JobContext,
): Promise<DrillEvidence> {
  await removeStale(paths.ferryDir, 'drill-')
  const dir = join(paths.ferryDir, `drill-${id}`)
  await mkdir(dir, { mode: 0o700 })
  await claim(dir)
  try {
    const started = performance.now()
    const { dir: from, manifest } = await openBackup(paths, id)
    let done = 0
    const r = await restoreTree(from, manifest, dir, {
      signal: ctx.signal,
      inPlace: false,
      onBytes: (n) => {
        done += n
        ctx.progress(
          done,
          manifest.totals.bytes,
          'bytes',
          'Restore drill: restoring the backup into a scratch folder',
        )
      },
    })
    const restoreDrillMs = Math.round(performance.now() - started)
    ctx.log('info', `Restore drill: ${r.files} files restored and verified in ${restoreDrillMs} ms`)
    return {
      path: relPath(paths.root, dir),
      files: r.files,
      bytes: r.bytes,
      symlinks: r.symlinks,
      verifiedFiles: r.verifiedFiles,
      verified: true,
      restoreDrillMs,
      under5Min: restoreDrillMs < RECOVERY_LIMIT_MS,
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
