// Jobs of Phase 1 on state.db (filled in by the index advisor, migration framework, snapshot
// store and workload engines): `step:p1.*` and `undo:p1.*`.
import type { JobFn } from '../jobs/job'
import { snapshotRehydrateJob, snapshotStoreJob } from '../snapshots/jobs'
import { fkIndexesJob, fkIndexesUndoJob } from './fk-advisor-jobs'
import { migrationFrameworkJob, migrationFrameworkUndoJob } from '../migrations/jobs'
import { baselineJob, testCurrentJob } from '../workload/jobs'
import { acceptIndexesJob } from './workload-indexes-accept'

export const PHASE1_JOBS: Record<string, JobFn> = {
  'step:p1.fk-indexes': fkIndexesJob,
  'undo:p1.fk-indexes': fkIndexesUndoJob,
  'step:p1.migration-framework': migrationFrameworkJob,
  'undo:p1.migration-framework': migrationFrameworkUndoJob,
  'step:p1.test-current': testCurrentJob,
  'workload:baseline': baselineJob,
  'indexes:accept': acceptIndexesJob,
  'step:p1.snapshot-store': snapshotStoreJob,
  'undo:p1.snapshot-store': snapshotRehydrateJob,
}
