import { evidenceSummary } from '../format/evidence'
import { formatAbsolute, formatClock } from '../format/time'
import {
  runGate,
  selectSelected,
  statusView,
  stepError,
  stepLog,
  stepProgress,
  stepTiming,
} from '../store/selectors'
import { useFerry, useNow } from '../store/use-ferry'
import { ErrorNote } from './ErrorNote'
import { EvidenceView } from './EvidenceView'
import { ProgressBar } from './ProgressBar'
import { ProposalsAccept } from './ProposalsAccept'
import { SchemaChoices } from './SchemaChoices'
import { StatusBadge } from './StatusBadge'
import { StepActions } from './StepActions'
import { StepLinks } from './StepLinks'

/** The right-hand side of the checklist: what the selected step does, did and proved. */
export function EvidencePanel() {
  const plan = useFerry((s) => s.plan)
  const selectedStepId = useFerry((s) => s.selectedStepId)
  const progress = useFerry((s) => s.progress)
  const stepBusy = useFerry((s) => s.stepBusy)
  const stepErrors = useFerry((s) => s.stepErrors)
  const log = useFerry((s) => s.log)
  const hasWorkspace = useFerry((s) => s.workspace !== null)
  const wide = useFerry((s) => s.evidenceWide)
  const acceptIndexes = useFerry((s) => s.acceptIndexes)
  const setWide = useFerry((s) => s.setEvidenceWide)
  const now = useNow(1000)

  const found = selectSelected({ plan, selectedStepId })
  if (!found) {
    return (
      <aside className="evidence-panel empty" data-testid="evidence-panel" aria-label="Evidence">
        <p className="muted">
          Select a step to see what it does, what it changed and what it proved.
        </p>
      </aside>
    )
  }

  const { phase, step } = found
  const st = step.state
  const busy = stepBusy[step.id]
  const gate = runGate(step, hasWorkspace, busy)
  const timing = stepTiming(step, now)
  const live = stepProgress(step, progress)
  const error = stepError(step, stepErrors)
  const summary = evidenceSummary(st.evidence)
  const lines = stepLog(log, step.id)

  return (
    <aside className="evidence-panel" data-testid="evidence-panel" aria-labelledby="evidence-title">
      <div className="panel-head">
        <p className="eyebrow">
          {phase.title} · <code>{step.id}</code>
        </p>
        <button
          type="button"
          className="icon-button"
          aria-pressed={wide}
          data-testid="evidence-wide"
          title={
            wide ? 'Show the checklist beside the evidence' : 'Give the evidence the whole screen'
          }
          onClick={() => setWide(!wide)}
        >
          {wide ? 'Show checklist' : 'Widen'}
        </button>
      </div>
      <h2 id="evidence-title">{step.title}</h2>
      <p className="description">{step.description}</p>

      <div className="panel-status">
        <StatusBadge status={statusView(st.status)} testId="panel-status" />
        {!step.available ? <span className="tag">not built yet</span> : null}
      </div>

      <dl className="kv timing">
        <div className="kv-row">
          <dt>Started</dt>
          <dd>{timing.started ?? '—'}</dd>
        </div>
        <div className="kv-row">
          <dt>Finished</dt>
          <dd>{timing.finished ?? '—'}</dd>
        </div>
        <div className="kv-row">
          <dt>Duration</dt>
          <dd>{timing.duration ?? '—'}</dd>
        </div>
      </dl>

      {live ? <ProgressBar progress={live} label={`Progress of ${step.title}`} /> : null}

      <StepActions step={step} gate={gate} busy={busy} />
      <StepLinks step={step} />

      {step.warning ? (
        <p className="alert-warn" role="status" data-testid="step-warning">
          ▲ {step.warning}
        </p>
      ) : null}

      {error ? (
        <ErrorNote
          error={error}
          title={
            st.status === 'failed' && !stepErrors[step.id] ? 'The step failed' : 'Could not do that'
          }
          testId="step-error"
        />
      ) : null}

      <section className="evidence-section" aria-labelledby="evidence-heading">
        <h3 id="evidence-heading">Evidence</h3>
        {st.evidence ? (
          <>
            {summary ? (
              <p className="evidence-summary" data-testid="evidence-summary">
                {summary}
              </p>
            ) : null}
            <EvidenceView evidence={st.evidence} />
          </>
        ) : (
          <p className="muted" data-testid="evidence-none">
            {st.status === 'running'
              ? 'Evidence arrives when the step finishes.'
              : st.status === 'failed'
                ? 'No evidence: the step failed before recording any (the error above says why).'
                : 'No evidence yet: the step has not run.'}
          </p>
        )}
      </section>

      <ProposalsAccept key={step.id} step={step} accept={acceptIndexes} />
      <SchemaChoices key={`choices-${step.id}`} step={step} />

      {lines.length > 0 ? (
        <section className="evidence-section" aria-labelledby="log-heading">
          <h3 id="log-heading">Activity</h3>
          <ol className="log-lines">
            {lines.map((l) => (
              <li key={l.seq} className={`log-${l.level}`}>
                <time dateTime={l.at} title={formatAbsolute(l.at) ?? l.at}>
                  {formatClock(l.at)}
                </time>{' '}
                <span className="log-level">{l.level}</span> {l.message}
              </li>
            ))}
          </ol>
        </section>
      ) : null}
    </aside>
  )
}
