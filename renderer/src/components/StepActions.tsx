import { useState } from 'react'
import type { PlanStep } from '../../../shared/contract/types'
import type { RunGate } from '../store/selectors'
import type { StepAction } from '../store/types'
import { useFerry } from '../store/use-ferry'

interface Props {
  step: PlanStep
  gate: RunGate
  busy: StepAction | undefined
}

/** Run / Cancel / Confirm / Undo for one step. Undo asks once and names what it reverses. */
export function StepActions({ step, gate, busy }: Props) {
  const runStep = useFerry((s) => s.runStep)
  const cancelStep = useFerry((s) => s.cancelStep)
  const confirmStep = useFerry((s) => s.confirmStep)
  const undoStep = useFerry((s) => s.undoStep)
  const [askUndo, setAskUndo] = useState(false)
  const status = step.state.status

  return (
    <>
      {status === 'needs-confirmation' ? (
        <div className="confirm-note" data-testid="confirmation">
          <p>
            <strong>Confirm before running:</strong>{' '}
            {step.state.confirmation ?? 'this step changes the workspace.'}
          </p>
        </div>
      ) : null}

      <div className="actions">
        {status !== 'running' && status !== 'needs-confirmation' ? (
          <span className="disabled-wrap" title={gate.run.reason ?? undefined}>
            <button
              type="button"
              className="primary"
              data-testid="run-step"
              disabled={!gate.run.enabled}
              title={gate.run.reason ?? undefined}
              onClick={() => void runStep(step.id)}
            >
              {busy === 'run' ? 'Starting…' : gate.run.label}
            </button>
          </span>
        ) : null}
        {status === 'running' ? (
          <button
            type="button"
            data-testid="cancel-step"
            disabled={!gate.canCancel}
            onClick={() => void cancelStep(step.id)}
          >
            {busy === 'cancel' ? 'Cancelling…' : 'Cancel'}
          </button>
        ) : null}
        {status === 'needs-confirmation' ? (
          <button
            type="button"
            className="warn"
            data-testid="confirm-step"
            disabled={!gate.canConfirm}
            onClick={() => void confirmStep(step.id)}
          >
            {busy === 'confirm' ? 'Starting…' : 'Confirm and run'}
          </button>
        ) : null}
        {gate.canUndo && !askUndo ? (
          <button type="button" data-testid="undo-step" onClick={() => setAskUndo(true)}>
            Undo…
          </button>
        ) : null}
      </div>

      {askUndo && gate.canUndo ? (
        <div className="confirm-note" role="group" aria-label="Confirm undo">
          <p>
            <strong>Undo “{step.title}”?</strong> This reverses what the step changed in the
            workspace; its evidence stays in the journal, and you can run the step again afterwards.
          </p>
          <div className="actions">
            <button
              type="button"
              className="warn"
              data-testid="confirm-undo"
              onClick={() => {
                setAskUndo(false)
                void undoStep(step.id)
              }}
            >
              Undo now
            </button>
            <button type="button" onClick={() => setAskUndo(false)}>
              Keep
            </button>
          </div>
        </div>
      ) : null}
      {busy === 'undo' ? <p className="muted small">Undoing…</p> : null}
      {!step.available ? <p className="muted small">Not built yet: {step.description}</p> : null}
    </>
  )
}
