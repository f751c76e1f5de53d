// Jobs of Phase 2, run in the worker: `inventory` (ferry inventory, the Inventory screen) and the
// p2 steps. Params crossed a process boundary: checked here.
import { z } from 'zod'
import type { JobFn } from '../jobs/job'
import { workspacePaths } from '../workspace/resolve'
import { perfTestStep } from './perf'
import { inventoryJob, migrationScriptsStep, rehearsalStep, validateStep } from './steps'

const Root = z.object({ root: z.string().min(1) })

export const PHASE2_JOBS: Record<string, JobFn> = {
  inventory: (params, ctx) => inventoryJob(workspacePaths(Root.parse(params).root), ctx),
  'step:p2.migration-scripts': (params, ctx) =>
    migrationScriptsStep(workspacePaths(Root.parse(params).root), ctx),
  'step:p2.rehearsal': (params, ctx) => rehearsalStep(workspacePaths(Root.parse(params).root), ctx),
  'step:p2.validate': (params, ctx) => validateStep(workspacePaths(Root.parse(params).root), ctx),
  'step:p2.perf-test': (params, ctx) => perfTestStep(workspacePaths(Root.parse(params).root), ctx),
}
