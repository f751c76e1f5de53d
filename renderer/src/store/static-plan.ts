// The checklist before any workspace is open: the plan's titles with every step pending, so
// the first screen already shows where the user is going. Replaced by plan.get's answer.
import { PLAN } from '../../../shared/plan/plan'
import type { PlanView, StepState } from '../../../shared/contract/types'

export function pendingState(stepId: string): StepState {
  return {
    stepId,
    status: 'pending',
    runId: null,
    startedAt: null,
    finishedAt: null,
    evidence: null,
    error: null,
    progress: null,
    confirmation: null,
  }
}

export function staticPlanView(): PlanView {
  return {
    workspace: null,
    phases: PLAN.map((p) => ({
      id: p.id,
      title: p.title,
      goal: p.goal,
      steps: p.steps.map((s) => ({
        id: s.id,
        title: s.title,
        description: s.description,
        available: s.available,
        undoable: s.undoable ?? false,
        state: pendingState(s.id),
      })),
    })),
  }
}
