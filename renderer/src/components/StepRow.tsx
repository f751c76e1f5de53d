import type { PlanStep } from '../../../shared/contract/types'
import type { StepRowView } from '../store/selectors'
import { useFerry } from '../store/use-ferry'
import { StatusBadge } from './StatusBadge'
import { StepThroughputChart } from './StepThroughputChart'

interface Props {
  step: PlanStep
  view: StepRowView
  selected: boolean
  onSelect(stepId: string): void
}

/** One checklist item: status, title, last run and a one-line summary of its evidence. */
export function StepRow({ step, view, selected, onSelect }: Props) {
  const throughput = useFerry((s) => s.throughput[step.id])
  const live = step.state.status === 'running' && throughput?.runId === step.state.runId
  return (
    <li className={`step${view.available ? '' : ' unavailable'}`}>
      <button
        type="button"
        className="step-row"
        data-testid={`step-${step.id}`}
        aria-current={selected ? 'true' : undefined}
        title={view.available ? undefined : `Not built yet: ${step.description}`}
        onClick={() => onSelect(step.id)}
      >
        <StatusBadge
          status={view.status}
          text={view.statusText}
          testId={`step-status-${step.id}`}
        />
        <span className="step-title">{step.title}</span>
        <span className="step-when" title={view.lastRun?.absolute}>
          {view.lastRun?.relative ?? ''}
        </span>
        {step.warning ? (
          <span
            className="step-summary warn"
            title={step.warning}
            data-testid={`step-warning-${step.id}`}
          >
            ▲ {step.warning}
          </span>
        ) : (
          <span className={`step-summary${view.status.tone === 'bad' ? ' bad' : ''}`}>
            {!view.available ? <span className="tag">not built yet</span> : view.summary}
          </span>
        )}
      </button>
      {live ? <StepThroughputChart series={throughput} /> : null}
    </li>
  )
}
