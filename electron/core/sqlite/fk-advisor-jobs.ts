// The jobs of p1.fk-indexes (params crossed a process boundary: checked here).
import { z } from 'zod'
import type { JobFn } from '../jobs/job'
import { workspacePaths } from '../workspace/resolve'
import { runFkIndexesStep } from './fk-advisor-step'
import { undoFkIndexesStep } from './fk-advisor-undo'

const Params = z.object({ root: z.string().min(1) })

export const fkIndexesJob: JobFn = (params, ctx) =>
  runFkIndexesStep(workspacePaths(Params.parse(params).root), ctx)
export const fkIndexesUndoJob: JobFn = (params, ctx) =>
  undoFkIndexesStep(workspacePaths(Params.parse(params).root), ctx)
