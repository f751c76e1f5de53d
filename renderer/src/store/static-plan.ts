// The checklist before any workspace is open: the plan's titles with every step pending, so
// the first screen already shows where the user is going. Replaced by plan.get's answer.
import type { PlanView } from '../../../shared/contract/types'
import { pendingState, planView } from '../../../shared/plan/view'

export { pendingState }

export function staticPlanView(): PlanView {
  return planView(null)
}
