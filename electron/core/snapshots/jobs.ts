// The worker's entry points for p1.snapshot-store: params crossed a process boundary, so they are
// validated here; the threshold comes from the params, the environment or the journal's settings.
import { z } from 'zod'
import type { JobContext } from '../jobs/job'
import { workspacePaths } from '../workspace/resolve'
import { rehydrateSnapshots, type RehydrateEvidence } from './rehydrate'
import { storeLargeSnapshots, type SnapshotStoreEvidence } from './store'
import { resolveColumn, resolveThreshold } from './threshold'

const StoreParams = z.object({
  root: z.string(),
  thresholdBytes: z.number().int().nonnegative().optional(),
  batchRows: z.number().int().positive().optional(),
  batchBytes: z.number().int().positive().optional(),
})
const UndoParams = z.object({ root: z.string() })

export function snapshotStoreJob(params: unknown, ctx: JobContext): Promise<SnapshotStoreEvidence> {
  const p = StoreParams.parse(params)
  const paths = workspacePaths(p.root)
  const threshold = resolveThreshold(p.thresholdBytes, process.env, paths.journalDb)
  const column = resolveColumn(process.env, paths.journalDb)
  return storeLargeSnapshots(paths, ctx, {
    ...threshold,
    ...(column !== undefined ? { column } : {}),
    batchRows: p.batchRows,
    batchBytes: p.batchBytes,
  })
}

export function snapshotRehydrateJob(params: unknown, ctx: JobContext): Promise<RehydrateEvidence> {
  return rehydrateSnapshots(workspacePaths(UndoParams.parse(params).root), ctx)
}
