// Every job the worker can run, by name. Steps are `step:<id>`; params are validated here
// because they crossed a process boundary.
import { z } from 'zod'
import { FerryError } from '../../../shared/contract/envelope'
import { createDemoWorkspace } from '../workspace/demo/index'
import { workspacePaths } from '../workspace/resolve'
import { documentSchema } from '../steps/document-schema'
import type { JobFn } from './job'
import { BACKUP_JOBS } from '../backup/jobs'
import { PHASE1_JOBS } from '../sqlite/phase1-jobs'
import { PHASE2_JOBS } from '../import/jobs'
import { PGMIGRATE_JOBS } from '../pgmigrate/jobs'
import { PHASE4_AGENT_JOBS } from '../concurrency/jobs'
import { BENCH_JOBS } from '../bench/step'
import { MONITOR_JOBS } from '../monitor/step'

const StepParams = z.object({ root: z.string() })
const DemoParams = z.object({ dir: z.string(), events: z.number().int().optional(), seed: z.number().int().optional() })

export const JOBS: Record<string, JobFn> = {
  ...BACKUP_JOBS,
  ...PHASE1_JOBS,
  ...PHASE2_JOBS,
  ...PGMIGRATE_JOBS,
  ...PHASE4_AGENT_JOBS,
  ...BENCH_JOBS,
  ...MONITOR_JOBS,
  'step:pre.document-schema': (params, ctx) => documentSchema(workspacePaths(StepParams.parse(params).root), ctx),
  'demo-workspace': async (params, ctx) => {
    const p = DemoParams.parse(params)
    return createDemoWorkspace(p.dir, {
      events: p.events,
      seed: p.seed,
      signal: ctx.signal,
      onProgress: (done, total, message) => ctx.progress(done, total, 'rows', message),
    })
  },
}

export function findJob(name: string): JobFn {
  const job = JOBS[name]
  if (!job) throw new FerryError('UNKNOWN_JOB', `No job named ${name}`, 'This is a bug in Ferry; please report it.')
  return job
}
