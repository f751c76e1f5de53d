// The checklist as the UI sees it: the plan's steps with their states. Pure, so the backend,
// the renderer (before a workspace is open) and tests build it the same way.
import type { PlanView, StepState } from '../contract/types'
import { PLAN } from './plan'

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

/** Every step with `stateOf(id)`; without a workspace every step is pending. */
export function planView(workspace: string | null, stateOf: (stepId: string) => StepState = pendingState): PlanView {
  return {
    workspace,
    phases: PLAN.map((ph) => ({
      id: ph.id,
      title: ph.title,
      goal: ph.goal,
      steps: ph.steps.map((s) => ({
        id: s.id,
        title: s.title,
        description: s.description,
        available: s.available,
        undoable: s.undoable === true,
        state: stateOf(s.id),
      })),
    })),
  }
}
