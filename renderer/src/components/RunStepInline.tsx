import { findStep, runGate, statusView, stepError, stepProgress } from '../store/selectors'
import { useFerry } from '../store/use-ferry'
import { ErrorNote } from './ErrorNote'
import { ProgressBar } from './ProgressBar'
import { StatusBadge } from './StatusBadge'

interface Props {
  stepId: string
  /** The button's words when the step has not run yet, e.g. "Document the schema now". */
  label: string
  /** The words once it has run (done or failed). */
  againLabel?: string
  testId: string
  /** The screen shows the run's own counts, rate and ETA: the bar keeps its percentage only. */
  briefProgress?: boolean
}

/** Runs one checklist step from another screen, with its status, progress and error in place. */
export function RunStepInline({ stepId, label, againLabel, testId, briefProgress }: Props) {
  const plan = useFerry((s) => s.plan)
  const progress = useFerry((s) => s.progress)
  const stepBusy = useFerry((s) => s.stepBusy)
  const stepErrors = useFerry((s) => s.stepErrors)
  const hasWorkspace = useFerry((s) => s.workspace !== null)
  const runStep = useFerry((s) => s.runStep)
  const cancelStep = useFerry((s) => s.cancelStep)

  const step = findStep(plan, stepId)?.step
  if (!step) return null
  const busy = stepBusy[stepId]
  const gate = runGate(step, hasWorkspace, busy)
  const live = stepProgress(step, progress)
  const error = stepError(step, stepErrors)
  const status = step.state.status
  const ran = status === 'done' || status === 'failed'

  return (
    <div className="run-inline">
      <div className="actions">
        {status === 'running' ? (
          <>
            <StatusBadge status={statusView(status)} testId={`${testId}-status`} />
            <button
              type="button"
              disabled={!gate.canCancel}
              onClick={() => void cancelStep(stepId)}
            >
              {busy === 'cancel' ? 'Cancelling…' : 'Cancel'}
            </button>
          </>
        ) : (
          <span className="disabled-wrap" title={gate.run.reason ?? undefined}>
            <button
              type="button"
              className={ran ? undefined : 'primary'}
              data-testid={testId}
              disabled={!gate.run.enabled}
              title={gate.run.reason ?? undefined}
              onClick={() => void runStep(stepId)}
            >
              {busy === 'run' ? 'Starting…' : ran ? (againLabel ?? label) : label}
            </button>
          </span>
        )}
      </div>
      {live ? (
        <ProgressBar progress={live} label={`Progress of ${step.title}`} brief={briefProgress} />
      ) : null}
      {!step.available ? <p className="muted small">Not built yet: {step.description}</p> : null}
      {error ? (
        <ErrorNote
          error={error}
          title={
            status === 'failed' && !stepErrors[stepId]
              ? `“${step.title}” failed`
              : 'Could not start it'
          }
          testId={`${testId}-error`}
        />
      ) : null}
    </div>
  )
}
