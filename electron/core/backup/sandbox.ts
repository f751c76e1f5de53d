// pre.test-env: a rehearsal copy of the workspace. The latest verified backup (one is taken when
// there is none; pre-restore backups do not count) is restored into `.ferry/sandbox/` as a
// workspace of its own, built in a temp folder and swapped in, so a previous sandbox is replaced
// whole or not at all; and the sandbox gets its own PostgreSQL database on the target.
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { fsyncDir } from '../fs/atomic'
import { faultPoint } from '../jobs/faults'
import type { JobContext } from '../jobs/job'
import { redactUrl } from '../postgres/redact'
import { ensureFerryDir, type WorkspacePaths } from '../workspace/resolve'
import { createBackup } from './create'
import { writeNewFile } from './files'
import { listBackups } from './list'
import { relPath } from './manifest'
import { openBackup } from './restore'
import { restoreTree } from './restore-tree'
import { ensureSandboxDb } from './sandbox-db'
import { claim, release, removeStale } from './stale'

export interface TestEnvEvidence extends Record<string, unknown> {
  sandbox: string
  backupId: string
  backupCreatedAt: string
  backupReason: string
  /** True when no verified backup existed and one was taken for the sandbox. */
  backupTaken: boolean
  replacedPrevious: boolean
  files: number
  bytes: number
  symlinks: number
  sqlite: { path: string; pageCount: number; integrity: string }[]
  verified: true
  restoreMs: number
  database: string
  databaseCreated: boolean
  databaseEncoding: string
  databaseUrl: string
  target: string
  serverVersion: string
}

export async function createSandbox(
  paths: WorkspacePaths,
  targetUrl: string,
  ctx: JobContext,
): Promise<TestEnvEvidence> {
  ensureFerryDir(paths)
  // A pre-restore backup holds a state the user chose to replace, so it is not a rehearsal copy.
  const latest = (await listBackups(paths, { verify: false })).find(
    (b) => b.verified === true && b.reason !== 'pre-restore',
  )
  let backupId = latest?.id
  if (!backupId) {
    ctx.log('info', 'No verified backup yet: taking one for the sandbox')
    backupId = (await createBackup(paths, { reason: 'test-env', ctx })).id
  }
  const { dir: from, manifest } = await openBackup(paths, backupId)

  await removeStale(paths.ferryDir, '.sandbox-')
  const tmp = join(paths.ferryDir, `.sandbox-tmp-${randomBytes(4).toString('hex')}`)
  await mkdir(tmp, { mode: 0o755 })
  await claim(tmp)
  const started = performance.now()
  let done = 0
  let restored
  try {
    restored = await restoreTree(from, manifest, tmp, {
      signal: ctx.signal,
      inPlace: false,
      onBytes: (n) => {
        done += n
        ctx.progress(
          done,
          manifest.totals.bytes,
          'bytes',
          `Restoring backup ${backupId} into the sandbox`,
        )
      },
    })
    await writeNewFile(
      join(tmp, 'sandbox.json'),
      JSON.stringify(
        { backupId, source: paths.root, createdAt: new Date().toISOString() },
        null,
        2,
      ),
    )
    await release(tmp)
  } catch (err) {
    await rm(tmp, { recursive: true, force: true })
    throw err
  }
  const restoreMs = Math.round(performance.now() - started)

  await faultPoint('test-env:before-swap', ctx.signal)
  const sandbox = join(paths.ferryDir, 'sandbox')
  const replacedPrevious = existsSync(sandbox)
  const old = join(paths.ferryDir, `.sandbox-old-${randomBytes(4).toString('hex')}`)
  if (replacedPrevious) await rename(sandbox, old)
  await rename(tmp, sandbox)
  fsyncDir(paths.ferryDir)
  if (replacedPrevious) await rm(old, { recursive: true, force: true })
  ctx.log('info', `Sandbox ready in ${relPath(paths.root, sandbox)} from backup ${backupId}`)

  const db = await ensureSandboxDb(targetUrl, paths.root)
  ctx.log('info', `Sandbox database ${db.database} ${db.created ? 'created' : 'already existed'}`)
  return {
    sandbox: relPath(paths.root, sandbox),
    backupId,
    backupCreatedAt: manifest.createdAt,
    backupReason: manifest.reason,
    backupTaken: !latest,
    replacedPrevious,
    files: restored.files,
    bytes: restored.bytes,
    symlinks: restored.symlinks,
    sqlite: manifest.entries
      .filter((e) => e.kind === 'sqlite')
      .map((e) => ({
        path: e.path,
        pageCount: e.sqlite?.pageCount ?? 0,
        integrity: e.sqlite?.integrity.join('; ') ?? '',
      })),
    verified: true,
    restoreMs,
    database: db.database,
    databaseCreated: db.created,
    databaseEncoding: db.encoding,
    databaseUrl: db.databaseUrl,
    target: redactUrl(targetUrl),
    serverVersion: db.serverVersion,
  }
}
