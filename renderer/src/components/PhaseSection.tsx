import type { PlanPhase } from '../../../shared/contract/types'
import { phaseCounts, stepRowView } from '../store/selectors'
import type { StepProgress } from '../store/types'
import { StepRow } from './StepRow'

interface Props {
  phase: PlanPhase
  progress: Record<string, StepProgress>
  selectedStepId: string | null
  now: number
  onSelect(stepId: string): void
}

export function PhaseSection({ phase, progress, selectedStepId, now, onSelect }: Props) {
  const counts = phaseCounts(phase)
  return (
    <section
      className="phase"
      data-testid={`phase-${phase.id}`}
      aria-labelledby={`phase-title-${phase.id}`}
    >
      <header className="phase-header">
        <h2 id={`phase-title-${phase.id}`}>{phase.title}</h2>
        <span
          className={`phase-count${counts.done === counts.total ? ' complete' : ''}`}
          data-testid={`phase-count-${phase.id}`}
        >
          {counts.text}
        </span>
      </header>
      <p className="phase-goal">{phase.goal}</p>
      <ul className="steps">
        {phase.steps.map((step) => (
          <StepRow
            key={step.id}
            step={step}
            view={stepRowView(step, progress, now)}
            selected={step.id === selectedStepId}
            onSelect={onSelect}
          />
        ))}
      </ul>
    </section>
  )
}
