// Runs the plan's steps one at a time in a worker process, records every transition in the
// journal and turns worker progress into step.progress events with rate and ETA.
import { randomUUID } from 'node:crypto'
import { FerryError, toErrorInfo } from '../../shared/contract/envelope'
import type { EmitFn } from '../../shared/contract/dispatcher'
import type { Evidence, PlanView, Progress, StepState } from '../../shared/contract/types'
import { PLAN, findStep } from '../../shared/plan/plan'
import { emptyState, type Journal } from './journal/journal'
import { runJob } from './jobs/run-job'
import type { WorkerLauncher } from './jobs/launcher'
import type { WorkspacePaths } from './workspace/resolve'

export interface RunnerDeps {
  journal: Journal
  paths: WorkspacePaths
  launcher: WorkerLauncher
  emit: EmitFn
  now?: () => Date
}

interface CurrentRun {
  stepId: string
  runId: string
  controller: AbortController
  progress: Progress | null
  done: Promise<StepState>
}

export function computeProgress(done: number, total: number | null, unit: string, elapsedMs: number, message?: string): Progress {
  const seconds = elapsedMs / 1000
  const rate = seconds >= 0.25 && done > 0 ? done / seconds : null
  const etaSeconds = rate && total !== null && total >= done ? (total - done) / rate : null
  const p: Progress = { done, total, unit, rate, etaSeconds }
  if (message !== undefined) p.message = message
  return p
}

/** The checklist with each step's state; without a workspace every step is pending. */
export function planView(workspace: string | null, stateOf: (stepId: string) => StepState = emptyState): PlanView {
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
        state: stateOf(s.id),
      })),
    })),
  }
}

export class StepRunner {
  private current: CurrentRun | null = null
  private readonly now: () => Date

  constructor(private readonly deps: RunnerDeps) {
    this.now = deps.now ?? (() => new Date())
  }

  get running(): { stepId: string; runId: string } | null {
    return this.current ? { stepId: this.current.stepId, runId: this.current.runId } : null
  }

  plan(): PlanView {
    const states = this.deps.journal.states()
    return planView(this.deps.paths.root, (id) => {
      const state = states.get(id) ?? emptyState(id)
      return this.current?.stepId === id ? { ...state, progress: this.current.progress } : state
    })
  }

  /** Starts a step; resolves with its first state (running or needs-confirmation). */
  start(stepId: string, opts: { confirmed?: boolean } = {}): StepState {
    const def = findStep(stepId)
    if (!def) {
      throw new FerryError('UNKNOWN_STEP', `No step named ${stepId}`, 'Run "ferry status" to list the step ids.')
    }
    if (!def.available) {
      throw new FerryError('STEP_NOT_AVAILABLE', `"${def.title}" (${stepId}) is not built yet`, `It will: ${def.description}`)
    }
    if (this.current) {
      throw new FerryError(
        'BUSY',
        `Another step is running: ${this.current.stepId}`,
        'Wait for it to finish, or cancel it first.',
      )
    }
    if (def.confirm && !opts.confirmed) {
      const s = this.deps.journal.needsConfirmation(stepId, def.confirm)
      this.deps.emit('step.state', s)
      return s
    }
    const runId = randomUUID()
    const started = this.now()
    const state = this.deps.journal.start(stepId, runId, started.toISOString())
    const controller = new AbortController()
    const run: CurrentRun = { stepId, runId, controller, progress: null, done: Promise.resolve(state) }
    this.current = run
    this.deps.emit('step.state', state)
    this.log('info', `Started ${stepId}`, stepId)
    run.done = this.execute(run, started)
    return state
  }

  private async execute(run: CurrentRun, started: Date): Promise<StepState> {
    const { journal, emit } = this.deps
    let final: StepState
    try {
      const value = await runJob(this.deps.launcher, `step:${run.stepId}`, { root: this.deps.paths.root }, {
        signal: run.controller.signal,
        onStart: (pid) => journal.setWorkerPid(run.runId, pid),
        onLog: (level, message) => this.log(level, message, run.stepId),
        onProgress: (p) => {
          run.progress = computeProgress(p.done, p.total, p.unit, this.now().getTime() - started.getTime(), p.message)
          emit('step.progress', { stepId: run.stepId, runId: run.runId, progress: run.progress })
        },
      })
      const evidence: Evidence = { ...(value as Evidence), durationMs: this.now().getTime() - started.getTime() }
      final = journal.finish(run.stepId, run.runId, 'done', this.now().toISOString(), evidence, null)
      this.log('info', `Finished ${run.stepId}`, run.stepId)
    } catch (err) {
      const error = toErrorInfo(err)
      final = journal.finish(run.stepId, run.runId, 'failed', this.now().toISOString(), null, error)
      this.log(error.code === 'CANCELLED' ? 'warn' : 'error', `${run.stepId} failed: ${error.message}`, run.stepId)
    }
    this.current = null
    emit('step.state', final)
    return final
  }

  /** Waits for the running step (if any) to end. */
  async wait(): Promise<StepState | null> {
    return this.current ? this.current.done : null
  }

  cancel(stepId: string): boolean {
    if (!this.current || this.current.stepId !== stepId) return false
    this.current.controller.abort()
    this.log('warn', `Cancelling ${stepId}`, stepId)
    return true
  }

  private log(level: 'debug' | 'info' | 'warn' | 'error', message: string, stepId?: string): void {
    const at = this.now().toISOString()
    this.deps.journal.appendLog(at, level, message, stepId)
    this.deps.emit('log', stepId ? { at, level, message, stepId } : { at, level, message })
  }
}
