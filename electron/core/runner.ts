// Runs the plan's steps one at a time in a worker process, records every transition in the
// journal and turns worker progress into step.progress events with rate and ETA.
import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { FerryError, toErrorInfo } from '../../shared/contract/envelope'
import type { EmitFn } from '../../shared/contract/dispatcher'
import type { Evidence, PlanView, Progress, StepState } from '../../shared/contract/types'
import { findStep, type StepDefinition } from '../../shared/plan/plan'
import { planView } from '../../shared/plan/view'
import { evidenceWarning } from './evidence-checks'
import { HEARTBEAT_MS, type Journal } from './journal/journal'
import { runJob } from './jobs/run-job'
import type { WorkerLauncher } from './jobs/launcher'
import type { WorkspacePaths } from './workspace/resolve'
import { refuseOtherTarget } from './postgres/same-target'

/** The step that checks, and so chooses, Phase 3's server. */
const PROD_STEP = 'p3.postgres-prod'

/**
 * Errors that mean the step does not apply to this workspace rather than that it went wrong: no
 * state.db (a files-only workspace: Phase 1 and the schema documentation have nothing to work
 * on), or a state.db whose text the snapshot store cannot keep (UTF-16).
 */
const NOT_APPLICABLE = new Set(['STATE_DB_MISSING', 'SNAPSHOT_ENCODING_UNSUPPORTED'])

export interface RunnerDeps {
  journal: Journal
  paths: WorkspacePaths
  launcher: WorkerLauncher
  emit: EmitFn
  now?: () => Date
  /** Connects to the PostgreSQL target (starting the embedded one) and returns its URL. */
  targetUrl?: () => Promise<string>
  /** Steps that run in the backend process itself (connection management, not long work). */
  inline?: Record<string, (params: StepParams, log: (message: string) => void) => Promise<Evidence>>
  /** Structured progress a step's job sent along (p3.migrate's per-table counters). */
  onProgressDetail?: (run: { stepId: string; runId: string }, detail: unknown) => void
}

/** What a step's job receives. */
export interface StepParams {
  root: string
  stepId: string
  targetUrl?: string
  /** Why an optional target (StepDefinition.targetIfDone) was not connected. */
  targetError?: string
}

interface CurrentRun {
  stepId: string
  runId: string
  controller: AbortController
  progress: Progress | null
  done: Promise<StepState>
}

export function computeProgress(
  done: number,
  total: number | null,
  unit: string,
  elapsedMs: number,
  message?: string,
  rows?: number,
  /** Counted before `elapsedMs` began (the phase's first report): not part of the rate. */
  base: { done: number; rows: number } = { done: 0, rows: 0 },
): Progress {
  const seconds = elapsedMs / 1000
  const moved = done - base.done
  const rate = seconds >= 0.25 && moved > 0 ? moved / seconds : null
  const etaSeconds = rate && total !== null && total >= done ? (total - done) / rate : null
  const p: Progress = { done, total, unit, rate, etaSeconds }
  if (message !== undefined) p.message = message
  if (rows !== undefined) {
    p.rows = rows
    p.rowsRate = seconds >= 0.25 ? Math.max(0, rows - base.rows) / seconds : null
  }
  return p
}

/**
 * The clock of a job's rate and ETA: each unit of its work is timed from its own first report,
 * and so is each pass that counts again from the start in the same unit (the sandbox's restore
 * after its backup, both in bytes). What that first report already counted is its base, so work
 * done before it (the automatic backup before an import, a silent check before a restore) never
 * makes a rate look better or worse than it is (333 bytes "in" 0.9 s of checks read as an ETA
 * of two hours).
 */
export function phaseClock(): (
  unit: string,
  done: number,
  rows: number | undefined,
  nowMs: number,
) => { elapsedMs: number; base: { done: number; rows: number } } {
  let phase = { unit: '', at: 0, done: 0, base: { done: 0, rows: 0 } }
  return (unit, done, rows, nowMs) => {
    if (phase.unit === '' || unit !== phase.unit || done < phase.done)
      phase = { unit, at: nowMs, done, base: { done, rows: rows ?? 0 } }
    phase.done = done
    return { elapsedMs: nowMs - phase.at, base: phase.base }
  }
}

/** Rows written, when a job's progress detail carries them (`{ rows }`, the Phase 2 import). */
function rowsOf(detail: unknown): number | undefined {
  const rows = (detail as { rows?: unknown } | null | undefined)?.rows
  return typeof rows === 'number' && rows >= 0 ? rows : undefined
}

export class StepRunner {
  private current: CurrentRun | null = null
  private busyWith: string | null = null
  private readonly now: () => Date

  constructor(private readonly deps: RunnerDeps) {
    this.now = deps.now ?? (() => new Date())
  }

  get running(): { stepId: string; runId: string } | null {
    return this.current ? { stepId: this.current.stepId, runId: this.current.runId } : null
  }

  plan(): PlanView {
    const states = this.deps.journal.states()
    return planView(
      this.deps.paths.root,
      (id) => {
        const state = states.get(id) ?? this.deps.journal.state(id)
        return this.current?.stepId === id ? { ...state, progress: this.current.progress } : state
      },
      (state) => evidenceWarning(this.deps.paths, state),
    )
  }

  /** Starts a step; resolves with its first state (running or needs-confirmation). */
  start(stepId: string, opts: { confirmed?: boolean } = {}): StepState {
    const def = this.runnable(stepId)
    if (def.confirm && !opts.confirmed) {
      const s = this.deps.journal.needsConfirmation(stepId, def.confirm)
      this.deps.emit('step.state', s)
      return s
    }
    return this.launch(def, 'run')
  }

  /** Reverses a step that can be undone (it must have run). */
  undo(stepId: string): StepState {
    const def = this.runnable(stepId)
    if (!def.undoable) {
      throw new FerryError(
        'NOT_UNDOABLE',
        `"${def.title}" (${stepId}) cannot be undone`,
        notUndoableHint(def),
      )
    }
    const prev = this.deps.journal.state(stepId)
    if (prev.status === 'pending' && prev.runId === null) {
      throw new FerryError(
        'NOTHING_TO_UNDO',
        `${stepId} has not run in this workspace`,
        'There is nothing to undo.',
      )
    }
    return this.launch(def, 'undo')
  }

  /** Runs other exclusive work (a restore, say) under the same one-at-a-time rule as steps. */
  async exclusive<T>(label: string, fn: () => Promise<T>): Promise<T> {
    if (this.current || this.busyWith) {
      throw new FerryError(
        'BUSY',
        `Ferry is busy: ${this.current?.stepId ?? this.busyWith}`,
        'Wait for it to finish, or cancel it first.',
      )
    }
    this.deps.journal.refuseIfForeignRun(label)
    this.busyWith = label
    try {
      return await fn()
    } finally {
      this.busyWith = null
    }
  }

  private runnable(stepId: string): StepDefinition {
    const def = findStep(stepId)
    if (!def) {
      throw new FerryError(
        'UNKNOWN_STEP',
        `No step named ${stepId}`,
        'Run "ferry status" to list the step ids.',
      )
    }
    if (!def.available) {
      throw new FerryError(
        'STEP_NOT_AVAILABLE',
        `"${def.title}" (${stepId}) is not built yet`,
        `It will: ${def.description}`,
      )
    }
    if (this.current || this.busyWith) {
      throw new FerryError(
        'BUSY',
        `Another step is running: ${this.current?.stepId ?? this.busyWith}`,
        'Wait for it to finish, or cancel it first.',
      )
    }
    return def
  }

  private launch(def: StepDefinition, kind: 'run' | 'undo'): StepState {
    const runId = randomUUID()
    const started = this.now()
    const state = this.deps.journal.start(def.id, runId, started.toISOString())
    const controller = new AbortController()
    const run: CurrentRun = {
      stepId: def.id,
      runId,
      controller,
      progress: null,
      done: Promise.resolve(state),
    }
    this.current = run
    this.deps.emit('step.state', state)
    this.log('info', `${kind === 'run' ? 'Started' : 'Undoing'} ${def.id}`, def.id)
    // Other Ferry processes on this workspace see the step as live while this beats (journal.ts).
    const beat = setInterval(() => {
      try {
        this.deps.journal.heartbeat(runId, new Date().toISOString())
      } catch {
        // A busy journal misses one beat; the next one comes in HEARTBEAT_MS.
      }
    }, HEARTBEAT_MS)
    beat.unref()
    run.done = this.execute(run, def, kind, started).finally(() => clearInterval(beat))
    return state
  }

  private job(run: CurrentRun, name: string, params: unknown, _started: Date): Promise<unknown> {
    const clock = phaseClock()
    return runJob(this.deps.launcher, name, params, {
      signal: run.controller.signal,
      onStart: (pid) => this.deps.journal.setWorkerPid(run.runId, pid),
      onLog: (level, message) => this.log(level, message, run.stepId),
      onProgress: (p) => {
        const now = this.now().getTime()
        const rows = rowsOf(p.detail)
        const { elapsedMs, base } = clock(p.unit, p.done, rows, now)
        run.progress = computeProgress(p.done, p.total, p.unit, elapsedMs, p.message, rows, base)
        this.deps.emit('step.progress', {
          stepId: run.stepId,
          runId: run.runId,
          progress: run.progress,
        })
        if (p.detail !== undefined)
          this.deps.onProgressDetail?.({ stepId: run.stepId, runId: run.runId }, p.detail)
      },
    })
  }

  /**
   * Phase 3 and 4 steps run on the server p3.postgres-prod checked, never silently on another
   * (same-target.ts); p3.postgres-prod itself may move Phase 3 to a new server.
   */
  private async refuseOtherTarget(def: StepDefinition, url: string): Promise<void> {
    if (!/^p[34]\./.test(def.id) || def.id === PROD_STEP) return
    const prod = this.deps.journal.state(PROD_STEP)
    if (prod.status !== 'done') return
    await refuseOtherTarget(def.id, url, prod.evidence)
  }

  private async execute(
    run: CurrentRun,
    def: StepDefinition,
    kind: 'run' | 'undo',
    started: Date,
  ): Promise<StepState> {
    const { journal, emit } = this.deps
    const params: StepParams = { root: this.deps.paths.root, stepId: def.id }
    let final: StepState
    try {
      // A turn of the event loop first, so the caller's "running" answer goes out before this
      // run's end can be announced (a step skipped at once ends within microseconds).
      await new Promise((r) => setImmediate(r))
      if (kind === 'run' && def.needsStateDb && !existsSync(this.deps.paths.stateDb)) {
        // Before the backup and the baseline: there is nothing here for them either.
        throw new FerryError(
          'STATE_DB_MISSING',
          `No state.db in ${this.deps.paths.claudeDir}`,
          `"${def.title}" works on .claude/state.db, which this workspace does not have; the rest of the plan does not need it.`,
        )
      }
      if (def.needsTarget) {
        if (!this.deps.targetUrl)
          throw new FerryError(
            'NO_TARGET',
            'No PostgreSQL target is configured',
            'Choose one in Settings → Connections.',
          )
        params.targetUrl = await this.deps.targetUrl()
        await this.refuseOtherTarget(def, params.targetUrl)
      } else if (def.targetIfDone && kind === 'run') {
        // Optional: only worth connecting (maybe starting the embedded server) once the data is there.
        if (journal.state(def.targetIfDone).status !== 'done')
          params.targetError = `${def.targetIfDone} has not run in this workspace`
        else if (!this.deps.targetUrl) params.targetError = 'No PostgreSQL target is configured'
        else
          params.targetUrl = await this.deps.targetUrl().catch((err: unknown) => {
            params.targetError = `the target could not be connected: ${toErrorInfo(err).message}`
            return undefined
          })
        // Another server than Phase 3's: the step runs without it, saying why.
        if (params.targetUrl)
          await this.refuseOtherTarget(def, params.targetUrl).catch((err: unknown) => {
            params.targetError = toErrorInfo(err).message
            params.targetUrl = undefined
          })
      }
      if (def.baselineFirst && kind === 'run') {
        // Recorded once, on the state.db as it was before Phase 1 touched it.
        await this.job(run, 'workload:baseline', params, started)
      }
      let backup: Evidence | undefined
      if (def.backupFirst) {
        backup = (await this.job(
          run,
          'backup',
          { ...params, reason: `auto:${def.id}` },
          started,
        ).catch((err: unknown) => {
          const e = toErrorInfo(err)
          if (e.code === 'CANCELLED') throw err
          throw new FerryError(
            'BACKUP_FAILED',
            `The automatic backup before ${def.id} failed, so the step did not start: ${e.message}`,
            e.hint ?? 'Fix the backup problem, then run the step again.',
          )
        })) as Evidence
        if (kind === 'run') refuseDamaged(def.id, backup)
      }
      const inline = kind === 'run' ? this.deps.inline?.[def.id] : undefined
      const value = inline
        ? await inline(params, (m) => this.log('info', m, def.id))
        : await this.job(run, `${kind === 'run' ? 'step' : 'undo'}:${def.id}`, params, started)
      const durationMs = this.now().getTime() - started.getTime()
      const evidence: Evidence =
        kind === 'run'
          ? { ...(value as Evidence), ...(backup ? { backupId: backup.id } : {}), durationMs }
          : { undo: value, ...(backup ? { backupId: backup.id } : {}), durationMs }
      final = journal.finish(
        def.id,
        run.runId,
        kind === 'run' ? 'done' : 'pending',
        this.now().toISOString(),
        evidence,
        null,
      )
      this.log('info', `${kind === 'run' ? 'Finished' : 'Undid'} ${def.id}`, def.id)
    } catch (err) {
      const error = toErrorInfo(err)
      if (kind === 'run' && NOT_APPLICABLE.has(error.code)) {
        // Nothing for this step to do in this workspace (a files-only one has no state.db):
        // skipped with the reason, so the rest of the plan can go on.
        const evidence: Evidence = {
          skipped: error.message,
          ...(error.hint ? { hint: error.hint } : {}),
          durationMs: this.now().getTime() - started.getTime(),
        }
        final = journal.finish(
          def.id,
          run.runId,
          'skipped',
          this.now().toISOString(),
          evidence,
          null,
        )
        this.log('warn', `${def.id} skipped: ${error.message}`, def.id)
      } else {
        final = journal.finish(def.id, run.runId, 'failed', this.now().toISOString(), null, error)
        this.log(
          error.code === 'CANCELLED' ? 'warn' : 'error',
          `${def.id}${kind === 'undo' ? ' (undo)' : ''} failed: ${error.message}`,
          def.id,
        )
      }
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

/**
 * A changing step does not start on a workspace whose database SQLite cannot read in full: its
 * changes could fail halfway or carry the damage along. The backup just taken kept its bytes.
 */
function refuseDamaged(stepId: string, backup: Evidence): void {
  const damaged = (backup.damaged ?? []) as { path: string; reason: string }[]
  if (!damaged.length) return
  const first = damaged[0]!.path
  // memory.db is Ferry's own build (p2.validate): rebuilding it is the repair.
  const rebuild = first.endsWith('/memory.db')
    ? ` ${first} is built by p2.validate from state.db and the files: remove it and run p2.validate again.`
    : ''
  throw new FerryError(
    'SOURCE_DAMAGED',
    `${damaged.map((d) => d.reason).join('; ')}. ${stepId} did not start: Ferry does not change, or go on reading from, a damaged database`,
    `Backup ${String(backup.id)} kept its exact bytes.${rebuild} Repair a copy with the sqlite3 shell (sqlite3 ${first} ".recover" | sqlite3 repaired.db), check it (PRAGMA integrity_check), put it in place of ${first}, then run the step again; or restore an earlier backup (ferry backups, ferry restore <id>).`,
  )
}

/** What to do instead of undoing a step that has no undo. */
function notUndoableHint(def: { id: string; backupFirst?: boolean }): string {
  // Phase 3 and 4 write to PostgreSQL, which a workspace backup does not hold.
  if (/^p[34]\./.test(def.id))
    return 'Phases 3 and 4 work in the PostgreSQL target (schema agent_memory), which a workspace backup does not hold: to start the migration over, drop that schema (DROP SCHEMA agent_memory CASCADE) and run Phase 3 again; for the files under .claude/, restore a backup (ferry restore <id>).'
  if (def.id === 'pre.backup')
    return 'A backup changes nothing under .claude/: it only adds .ferry/backups/<id>/ (ferry backups lists them), which you may delete if you do not want it.'
  // Steps that change the workspace take a verified backup first: that is their way back.
  if (def.backupFirst)
    return 'Restore the backup taken before it instead (ferry backups lists them; ferry restore <id>).'
  return 'It changes nothing under .claude/ (what it records is kept under .ferry/), so there is nothing to reverse; run it again to refresh what it recorded.'
}
