// The worker is killed (SIGKILL) at each fault point of the snapshot store and of its undo; every
// snapshot must stay readable and a plain re-run must end where an uninterrupted run ends.
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { nodeWorkerLauncher } from '../../electron/core/jobs/launcher'
import { runJob } from '../../electron/core/jobs/run-job'
import { loadSnapshotContent } from '../../electron/core/snapshots/reader'
import { createDemoWorkspace } from '../../electron/core/workspace/demo/index'
import { workspacePaths, type WorkspacePaths } from '../../electron/core/workspace/resolve'
import { tempDir } from '../support/paths'
import { dumpSnapshots, originalContent, storeFiles, trickyWorkspace } from './snapshot-support'

const cleanups: (() => void)[] = []
afterEach(() => {
  delete process.env.FERRY_FAULT_POINT
  delete process.env.FERRY_FAULT_ACTION
  cleanups.splice(0).forEach((c) => c())
})

const launcher = nodeWorkerLauncher()
const PARAMS = { thresholdBytes: 1000, batchRows: 2 }

function job(name: string, root: string, fault?: string, extra: object = PARAMS): Promise<unknown> {
  if (fault) {
    process.env.FERRY_FAULT_POINT = fault
    process.env.FERRY_FAULT_ACTION = 'kill'
  } else delete process.env.FERRY_FAULT_POINT
  const p = runJob(launcher, name, { root, stepId: 'p1.snapshot-store', ...extra })
  delete process.env.FERRY_FAULT_POINT
  return p
}

function tricky(): WorkspacePaths {
  const t = tempDir('ferry-snapfault-')
  cleanups.push(t.cleanup)
  return trickyWorkspace(t.dir)
}

/** Every snapshot reads back (row or verified file) with its original storage class and bytes. */
function expectAllReadable(
  paths: WorkspacePaths,
  original: ReturnType<typeof originalContent>,
): void {
  const db = new Database(paths.stateDb, { readonly: true })
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
    for (const [id, c] of original) {
      const got = loadSnapshotContent(db, paths, id)
      expect(got.storage, `snapshot ${id}`).toBe(c.t)
      expect(got.bytes.equals(c.b ?? Buffer.alloc(0)), `snapshot ${id}`).toBe(true)
    }
  } finally {
    db.close()
  }
}

const noTemps = (paths: WorkspacePaths) =>
  expect(storeFiles(paths).filter((f) => f.endsWith('.tmp'))).toEqual([])

describe('p1.snapshot-store killed at a fault point', () => {
  const reference = (() => {
    let done: { dump: ReturnType<typeof dumpSnapshots>; files: string[] } | null = null
    return async () => {
      if (done) return done
      const paths = tricky()
      await job('step:p1.snapshot-store', paths.root)
      done = { dump: dumpSnapshots(paths.stateDb), files: storeFiles(paths) }
      return done
    }
  })()

  for (const fault of [
    'snapshot:after-write-before-fsync#1',
    'snapshot:after-write-before-fsync#3',
    'snapshot:after-file-before-row-update#1',
    'snapshot:after-file-before-row-update#2',
    'snapshot:after-batch-commit#1',
  ]) {
    it(`keeps every snapshot readable after a kill at ${fault}, and a re-run converges`, async () => {
      const ref = await reference()
      const paths = tricky()
      const original = originalContent(paths.stateDb)
      await expect(job('step:p1.snapshot-store', paths.root, fault)).rejects.toMatchObject({
        code: 'WORKER_DIED',
      })
      expectAllReadable(paths, original)

      const ev = (await job('step:p1.snapshot-store', paths.root)) as {
        filesVerified: number
        tempFilesRemoved: number
      }
      expect(ev.filesVerified).toBe(4)
      expectAllReadable(paths, original)
      expect(dumpSnapshots(paths.stateDb)).toEqual(ref.dump)
      expect(storeFiles(paths)).toEqual(ref.files)
      noTemps(paths)
    })
  }

  for (const fault of ['snapshot:undo-after-batch#1', 'snapshot:undo-after-schema#1']) {
    it(`keeps every snapshot readable after a kill at ${fault}, and a re-run of the undo restores the table`, async () => {
      const paths = tricky()
      const before = dumpSnapshots(paths.stateDb)
      const original = originalContent(paths.stateDb)
      await job('step:p1.snapshot-store', paths.root)
      await expect(job('undo:p1.snapshot-store', paths.root, fault, {})).rejects.toMatchObject({
        code: 'WORKER_DIED',
      })
      expectAllReadable(paths, original)
      await job('undo:p1.snapshot-store', paths.root, undefined, {})
      expect(dumpSnapshots(paths.stateDb)).toEqual(before)
      expect(storeFiles(paths)).toEqual([])
    })
  }

  it('converges on the demo workspace after a kill between the files and the row update', async () => {
    const t = tempDir('ferry-snapfault-')
    cleanups.push(t.cleanup)
    await createDemoWorkspace(join(t.dir, 'ws'), { events: 200 })
    const paths = workspacePaths(join(t.dir, 'ws'))
    const before = dumpSnapshots(paths.stateDb)
    const original = originalContent(paths.stateDb)
    await expect(
      job('step:p1.snapshot-store', paths.root, 'snapshot:after-file-before-row-update#1', {
        batchRows: 3,
      }),
    ).rejects.toMatchObject({ code: 'WORKER_DIED' })
    expectAllReadable(paths, original)
    const ev = (await job('step:p1.snapshot-store', paths.root, undefined, {})) as {
      rowsMoved: number
      filesReused: number
      after: { fileRows: number }
    }
    expect(ev.filesReused).toBe(3)
    expect(ev.after.fileRows).toBe(
      [...original.values()].filter((c) => (c.b?.length ?? 0) > 64 * 1024).length,
    )
    expectAllReadable(paths, original)
    await job('undo:p1.snapshot-store', paths.root, undefined, {})
    expect(dumpSnapshots(paths.stateDb)).toEqual(before)
  })
})
