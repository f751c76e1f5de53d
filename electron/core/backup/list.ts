// Lists a workspace's complete backups, newest first. With `verify` every file is re-read and its
// SHA-256 checked (the result is stored for quick listings); without, the stored result is shown.
// Folders still being written (`.tmp-<id>`) are never listed.
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { toErrorInfo } from '../../../shared/contract/envelope'
import type { BackupInfo } from '../../../shared/contract/types'
import type { WorkspacePaths } from '../workspace/resolve'
import {
  BACKUP_ID,
  backupsDir,
  readManifest,
  readVerification,
  relPath,
  type Manifest,
} from './manifest'
import { verifyBackup, writeVerification } from './verify'

export async function listBackups(
  paths: WorkspacePaths,
  opts: { verify: boolean; now?: () => Date },
): Promise<BackupInfo[]> {
  const parent = backupsDir(paths)
  let names: string[]
  try {
    names = await readdir(parent)
  } catch {
    return []
  }
  const out: BackupInfo[] = []
  for (const id of names.filter((n) => BACKUP_ID.test(n))) {
    const dir = join(parent, id)
    if (
      !(await stat(dir).then(
        (s) => s.isDirectory(),
        () => false,
      ))
    )
      continue
    out.push(await describeBackup(paths, id, dir, opts))
  }
  return out.sort((a, b) =>
    a.createdAt === b.createdAt ? b.id.localeCompare(a.id) : b.createdAt.localeCompare(a.createdAt),
  )
}

async function describeBackup(
  paths: WorkspacePaths,
  id: string,
  dir: string,
  opts: { verify: boolean; now?: () => Date },
): Promise<BackupInfo> {
  const path = relPath(paths.root, dir)
  let manifest: Manifest
  try {
    manifest = await readManifest(dir)
  } catch (err) {
    return {
      id,
      createdAt: createdFromId(id),
      reason: 'unknown',
      files: 0,
      bytes: 0,
      verified: false,
      verifiedAt: null,
      problems: [toErrorInfo(err).message],
      path,
    }
  }
  const info: BackupInfo = {
    id,
    createdAt: manifest.createdAt,
    reason: manifest.reason,
    files: manifest.totals.files,
    bytes: manifest.totals.bytes,
    verified: null,
    verifiedAt: null,
    problems: [],
    path,
  }
  if (manifest.id !== id) {
    return {
      ...info,
      verified: false,
      problems: [`manifest.json belongs to backup ${manifest.id}, not ${id}`],
    }
  }
  if (opts.verify) {
    const r = await verifyBackup(dir, manifest)
    const at = (opts.now ?? (() => new Date()))()
    // Best effort: a read-only backup folder still lists, it just cannot remember the result.
    await writeVerification(dir, r, at).catch(() => undefined)
    return { ...info, verified: r.ok, verifiedAt: at.toISOString(), problems: r.problems }
  }
  const v = await readVerification(dir)
  return v ? { ...info, verified: v.ok, verifiedAt: v.verifiedAt, problems: v.problems } : info
}

/** `20261129T174501Z-…` → `2026-11-29T17:45:01.000Z`, for a backup whose manifest is unreadable. */
function createdFromId(id: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/.exec(id)
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.000Z` : new Date(0).toISOString()
}
