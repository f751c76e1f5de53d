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

/**
 * Every step with `stateOf(id)`; without a workspace every step is pending. `warningOf` says what
 * no longer holds in a step's evidence (the backend checks the files; null: nothing).
 */
export function planView(
  workspace: string | null,
  stateOf: (stepId: string) => StepState = pendingState,
  warningOf: (state: StepState) => string | null = () => null,
): PlanView {
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
        ...withWarning(stateOf(s.id), warningOf),
      })),
    })),
  }
}

function withWarning(
  state: StepState,
  warningOf: (state: StepState) => string | null,
): { state: StepState; warning: string | null } {
  return { state, warning: warningOf(state) }
}
