// Jobs of Phase 1 on state.db (filled in by the index advisor, migration framework, snapshot
// store and workload engines): `step:p1.*` and `undo:p1.*`.
import type { JobFn } from '../jobs/job'

export const PHASE1_JOBS: Record<string, JobFn> = {}
