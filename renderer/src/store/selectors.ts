// Pure functions from store state to what a component shows. No React, no formatting inside
// components: everything a screen displays is computed (and unit-tested) here.
import type {
  ErrorInfo,
  PlanPhase,
  PlanStep,
  PlanView,
  Progress,
  StepStatus,
} from '../../../shared/contract/types'
import { evidenceSummary } from '../format/evidence'
import {
  formatBytes,
  formatCompact,
  formatDuration,
  formatNumber,
  formatSeconds,
} from '../format/numbers'
import { durationBetween, formatAbsolute, formatRelative } from '../format/time'
import type { FerryState, LogLine, StepProgress } from './types'

export {
  connectionBanner,
  shortVersion,
  sourceView,
  targetView,
  type BannerView,
  type EndpointView,
} from './endpoint-selectors'

export type Tone = 'ok' | 'busy' | 'bad' | 'idle' | 'warn'

export interface StatusView {
  icon: string
  word: string
  tone: Tone
}

const STATUS: Record<StepStatus, StatusView> = {
  done: { icon: '✔', word: 'done', tone: 'ok' },
  running: { icon: '●', word: 'running', tone: 'busy' },
  failed: { icon: '✖', word: 'failed', tone: 'bad' },
  pending: { icon: '○', word: 'pending', tone: 'idle' },
  skipped: { icon: '–', word: 'skipped', tone: 'idle' },
  'needs-confirmation': { icon: '◐', word: 'needs confirmation', tone: 'warn' },
}

export function statusView(status: StepStatus): StatusView {
  return STATUS[status]
}

export function phaseCounts(phase: PlanPhase): { done: number; total: number; text: string } {
  const done = phase.steps.filter((s) => s.state.status === 'done').length
  const total = phase.steps.length
  return { done, total, text: `${done} of ${total} done` }
}

export function allSteps(plan: PlanView): PlanStep[] {
  return plan.phases.flatMap((p) => p.steps)
}

export function findStep(
  plan: PlanView,
  stepId: string | null,
): { phase: PlanPhase; step: PlanStep } | null {
  if (!stepId) return null
  for (const phase of plan.phases) {
    const step = phase.steps.find((s) => s.id === stepId)
    if (step) return { phase, step }
  }
  return null
}

export function selectSelected(s: Pick<FerryState, 'plan' | 'selectedStepId'>) {
  return findStep(s.plan, s.selectedStepId)
}

/** The freshest progress for a running step: the last step.progress event, else the state's own. */
export function stepProgress(
  step: PlanStep,
  progress: Record<string, StepProgress>,
): Progress | null {
  if (step.state.status !== 'running') return null
  const live = progress[step.id]
  if (live && (step.state.runId === null || live.runId === step.state.runId)) return live.progress
  return step.state.progress
}

export interface ProgressView {
  /** 0..1, or null when the total is unknown. */
  fraction: number | null
  percentText: string | null
  countText: string
  rateText: string | null
  etaText: string
}

export function progressView(p: Progress): ProgressView {
  const fraction = p.total && p.total > 0 ? Math.min(1, p.done / p.total) : null
  const unit = p.unit || 'items'
  // Work measured in bytes reads as sizes; rows written ride along (the import: MB and rows).
  const bytes = unit === 'bytes'
  const amount = (n: number): string => (bytes ? formatBytes(n) : formatNumber(n))
  const rows = p.rows === undefined ? '' : ` · ${formatNumber(p.rows)} rows`
  const rowsRate = p.rowsRate == null ? '' : ` · ${formatCompact(p.rowsRate)} rows/s`
  return {
    fraction,
    percentText: fraction === null ? null : `${Math.floor(fraction * 100)} %`,
    // Nothing counted yet and no total: "0 tables" would say nothing the message does not.
    countText:
      p.total === null && p.done === 0 && !rows
        ? ''
        : (p.total === null
            ? `${amount(p.done)}${bytes ? '' : ` ${unit}`}`
            : `${amount(p.done)} / ${amount(p.total)}${bytes ? '' : ` ${unit}`}`) + rows,
    rateText:
      p.rate === null
        ? null
        : `${bytes ? `${formatBytes(p.rate)}/s` : `${formatCompact(p.rate)} ${unit}/s`}${rowsRate}`,
    etaText: p.etaSeconds === null ? 'ETA estimating…' : `ETA ${formatSeconds(p.etaSeconds)}`,
  }
}

export interface StepRowView {
  status: StatusView
  /** "running 41 %" while running, else the status word. */
  statusText: string
  lastRun: { relative: string; absolute: string } | null
  summary: string
  available: boolean
}

export function stepRowView(
  step: PlanStep,
  progress: Record<string, StepProgress>,
  now: number,
): StepRowView {
  const st = step.state
  const status = statusView(st.status)
  const p = stepProgress(step, progress)
  const pv = p ? progressView(p) : null
  const when = st.finishedAt ?? st.startedAt
  const relative = formatRelative(when, now)
  const absolute = formatAbsolute(when)
  let summary = ''
  if (!step.available) summary = 'not built yet'
  else if (st.status === 'running')
    summary = pv ? [pv.etaText, pv.countText].join(' · ') : 'starting…'
  else if (st.status === 'failed') summary = st.error?.message ?? 'failed without a message'
  else if (st.status === 'needs-confirmation')
    summary = st.confirmation ?? 'waiting for confirmation'
  else if (st.status === 'done')
    summary = evidenceSummary(st.evidence) ?? 'done, no evidence recorded'
  else if (st.status === 'skipped' && typeof st.evidence?.skipped === 'string')
    // Why it was skipped ("No state.db in …"): the row says it, not only the evidence panel.
    summary = st.evidence.skipped
  return {
    status,
    statusText: pv?.percentText ? `${status.word} ${pv.percentText}` : status.word,
    lastRun: relative && absolute ? { relative, absolute } : null,
    summary,
    available: step.available,
  }
}

export interface TimingView {
  started: string | null
  finished: string | null
  duration: string | null
}

export function stepTiming(step: PlanStep, now: number): TimingView {
  const { startedAt, finishedAt, status } = step.state
  const ms = durationBetween(
    startedAt,
    finishedAt ?? (status === 'running' ? new Date(now).toISOString() : null),
  )
  return {
    started: formatAbsolute(startedAt),
    finished: formatAbsolute(finishedAt),
    duration: ms === null ? null : formatDuration(ms),
  }
}

export interface RunGate {
  run: { enabled: boolean; reason: string | null; label: string }
  canCancel: boolean
  canConfirm: boolean
  canUndo: boolean
}

export function runGate(step: PlanStep, hasWorkspace: boolean, busy: string | undefined): RunGate {
  const status = step.state.status
  let reason: string | null = null
  if (!step.available) reason = `Not built yet: ${step.description}`
  else if (!hasWorkspace) reason = 'Open a folder or create the demo workspace first.'
  else if (status === 'running') reason = 'The step is running.'
  else if (busy) reason = 'Waiting for the backend…'
  return {
    run: {
      enabled: reason === null,
      reason,
      label: status === 'done' || status === 'failed' ? 'Run again' : 'Run',
    },
    canCancel: status === 'running' && busy !== 'cancel',
    canConfirm: status === 'needs-confirmation' && !busy,
    canUndo: step.undoable && step.available && hasWorkspace && status === 'done' && !busy,
  }
}

export function stepLog(log: LogLine[], stepId: string, limit = 20): LogLine[] {
  return log.filter((l) => l.stepId === stepId).slice(-limit)
}

/** Which error to show for a step: the last action's failure beats the run's recorded error. */
export function stepError(
  step: PlanStep,
  actionErrors: Record<string, ErrorInfo>,
): ErrorInfo | null {
  return actionErrors[step.id] ?? (step.state.status === 'failed' ? step.state.error : null)
}
