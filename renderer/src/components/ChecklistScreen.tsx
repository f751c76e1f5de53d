import type { KeyboardEvent } from 'react'
import { useFerry, useNow } from '../store/use-ferry'
import { ErrorNote } from './ErrorNote'
import { EvidencePanel } from './EvidencePanel'
import { PhaseSection } from './PhaseSection'
import { WorkspacePicker } from './WorkspacePicker'

/** Arrow keys move between rows (Tab still works); Home/End jump to the first and last step. */
function onListKeyDown(e: KeyboardEvent<HTMLDivElement>) {
  if (!['ArrowDown', 'ArrowUp', 'Home', 'End'].includes(e.key)) return
  const rows = [...e.currentTarget.querySelectorAll<HTMLButtonElement>('.step-row')]
  const at = rows.indexOf(document.activeElement as HTMLButtonElement)
  if (at < 0) return
  e.preventDefault()
  const next =
    e.key === 'Home' ? 0 : e.key === 'End' ? rows.length - 1 : at + (e.key === 'ArrowDown' ? 1 : -1)
  rows[Math.max(0, Math.min(rows.length - 1, next))]?.focus()
}

export function ChecklistScreen() {
  const plan = useFerry((s) => s.plan)
  const planSource = useFerry((s) => s.planSource)
  const planError = useFerry((s) => s.planError)
  const progress = useFerry((s) => s.progress)
  const selectedStepId = useFerry((s) => s.selectedStepId)
  const hasWorkspace = useFerry((s) => s.workspace !== null)
  const wide = useFerry((s) => s.evidenceWide && s.selectedStepId !== null)
  const selectStep = useFerry((s) => s.selectStep)
  const loadPlan = useFerry((s) => s.loadPlan)
  const now = useNow(10_000)

  return (
    <div className={`checklist-screen${hasWorkspace ? '' : ' no-workspace'}${wide ? ' wide' : ''}`}>
      {!hasWorkspace ? (
        <div className="checklist-top">
          <WorkspacePicker variant="empty" />
        </div>
      ) : null}
      <div className="checklist-main" onKeyDown={onListKeyDown}>
        {planError ? (
          <div className="notice">
            <ErrorNote error={planError} title="Could not read the plan" testId="plan-error" />
            <button type="button" onClick={() => void loadPlan()}>
              Try again
            </button>
          </div>
        ) : null}
        {planSource === 'static' && hasWorkspace ? (
          <p className="muted">Reading the plan…</p>
        ) : null}
        <h1 className="visually-hidden">Migration checklist</h1>
        {plan.phases.map((phase) => (
          <PhaseSection
            key={phase.id}
            phase={phase}
            progress={progress}
            selectedStepId={selectedStepId}
            now={now}
            onSelect={selectStep}
          />
        ))}
      </div>
      <EvidencePanel />
    </div>
  )
}
