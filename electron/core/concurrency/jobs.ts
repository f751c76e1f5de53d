// Phase 4 jobs owned by the agent store and the concurrency test: `step:p4.agent-code` and
// `step:p4.concurrency` (both get the runner's target URL: needsTarget).
import { z } from 'zod'
import type { JobFn } from '../jobs/job'
import { workspacePaths } from '../workspace/resolve'
import { agentCodeStep } from '../agent-store/step'
import { concurrencyStep } from './step'

const StepTarget = z.object({ root: z.string().min(1), targetUrl: z.string().min(1) })

export const PHASE4_AGENT_JOBS: Record<string, JobFn> = {
  'step:p4.agent-code': (params, ctx) => {
    const p = StepTarget.parse(params)
    return agentCodeStep(workspacePaths(p.root), p.targetUrl, ctx)
  },
  'step:p4.concurrency': (params, ctx) => {
    const p = StepTarget.parse(params)
    return concurrencyStep(workspacePaths(p.root), p.targetUrl, ctx)
  },
}
