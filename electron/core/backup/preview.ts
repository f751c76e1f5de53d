// What a restore would do, for the confirmation a restore without --yes prints: read from the
// manifest and the workspace's listing only, nothing is changed.
import { lstat } from 'node:fs/promises'
import type { WorkspacePaths } from '../workspace/resolve'
import { restorePath } from './manifest'
import { notInBackup, openBackup } from './restore'
import { listTree } from './walk'

export interface RestorePreview {
  id: string
  createdAt: string
  reason: string
  files: number
  bytes: number
  /** Symbolic links the backup recorded (recreated with their link text). */
  links: number
  /** Files (and links) of the backup that exist now and would be replaced. */
  replace: number
  /** … that are missing now and would be recreated. */
  create: number
  /** Databases restored as whole files (their -wal/-shm/-journal removed). */
  databases: string[]
  /** Files present now that the backup does not list: left alone. */
  kept: number
}

export async function restorePreview(paths: WorkspacePaths, id: string): Promise<RestorePreview> {
  const { manifest } = await openBackup(paths, id)
  let replace = 0
  let create = 0
  for (const e of manifest.entries.filter(
    (x) => x.kind === 'file' || x.kind === 'sqlite' || x.kind === 'symlink',
  )) {
    if (
      await lstat(restorePath(paths.root, e)).then(
        () => true,
        () => false,
      )
    )
      replace++
    else create++
  }
  const now = await listTree(paths.root, paths.claudeDir).catch(() => [])
  return {
    id,
    createdAt: manifest.createdAt,
    reason: manifest.reason,
    files: manifest.totals.files,
    bytes: manifest.totals.bytes,
    links: manifest.totals.symlinks,
    replace,
    create,
    databases: manifest.entries.filter((e) => e.kind === 'sqlite').map((e) => e.path),
    kept: notInBackup(manifest, now).length,
  }
}
