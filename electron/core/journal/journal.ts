// .ferry/journal.db: Ferry's own record of the plan — each step's state and evidence, every run,
// and the activity log — so a restarted app shows where the user was.
import Database from 'better-sqlite3'
import { FerryError } from '../../../shared/contract/envelope'
import type { ErrorInfo, Evidence, StepState, StepStatus } from '../../../shared/contract/types'
import { pendingState } from '../../../shared/plan/view'
import { pidAlive } from '../fs/pid'

/** A running step's owner writes runs.heartbeat_at this often (StepRunner)… */
export const HEARTBEAT_MS = 15_000
/** …and one silent for this long is taken for dead, whatever its PID now names. */
const HEARTBEAT_STALE_MS = 4 * HEARTBEAT_MS

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS step_state (
     step_id TEXT PRIMARY KEY,
     status TEXT NOT NULL,
     run_id TEXT,
     started_at TEXT,
     finished_at TEXT,
     evidence TEXT,
     error TEXT,
     confirmation TEXT
   )`,
  `CREATE TABLE IF NOT EXISTS runs (
     run_id TEXT PRIMARY KEY,
     step_id TEXT NOT NULL,
     status TEXT NOT NULL,
     started_at TEXT NOT NULL,
     finished_at TEXT,
     worker_pid INTEGER,
     evidence TEXT,
     error TEXT
   )`,
  'CREATE INDEX IF NOT EXISTS idx_runs_step_id ON runs(step_id, started_at)',
  `CREATE TABLE IF NOT EXISTS log (
     id INTEGER PRIMARY KEY,
     at TEXT NOT NULL,
     level TEXT NOT NULL,
     step_id TEXT,
     message TEXT NOT NULL
   )`,
  `CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
]

interface StateRow {
  step_id: string
  status: string
  run_id: string | null
  started_at: string | null
  finished_at: string | null
  evidence: string | null
  error: string | null
  confirmation: string | null
}

export class Journal {
  private readonly db: Database.Database

  constructor(path: string) {
    this.db = new Database(path)
    this.db.pragma('journal_mode = WAL')
    // Ferry's own writes are durable (WAL defaults to NORMAL): RELIABILITY.md rule 8.
    this.db.pragma('synchronous = FULL')
    this.db.pragma('busy_timeout = 5000')
    this.db.transaction(() => {
      for (const s of SCHEMA) this.db.exec(s)
      // Journals of older versions: which process runs a step, and when it last said so.
      const cols = new Set((this.db.prepare('PRAGMA table_info(runs)').all() as { name: string }[]).map((c) => c.name))
      if (!cols.has('owner_pid')) this.db.exec('ALTER TABLE runs ADD COLUMN owner_pid INTEGER')
      if (!cols.has('heartbeat_at')) this.db.exec('ALTER TABLE runs ADD COLUMN heartbeat_at TEXT')
    })()
  }

  /**
   * A step another live Ferry process (the app, `ferry serve`, a CLI) is running in this
   * workspace: its runs row names the process and its heartbeat is recent. One workspace runs one
   * step at a time across processes, as within one (RELIABILITY: no two writers).
   */
  foreignRun(now: Date = new Date()): { stepId: string; pid: number; startedAt: string | null } | null {
    const rows = this.db
      .prepare(
        `SELECT s.step_id, s.started_at, r.owner_pid, r.heartbeat_at FROM step_state s JOIN runs r ON r.run_id = s.run_id
          WHERE s.status = 'running' AND r.owner_pid IS NOT NULL AND r.owner_pid <> ?`,
      )
      .all(process.pid) as { step_id: string; started_at: string | null; owner_pid: number; heartbeat_at: string | null }[]
    for (const r of rows) {
      const beat = Date.parse(r.heartbeat_at ?? r.started_at ?? '')
      if (Number.isFinite(beat) && now.getTime() - beat < HEARTBEAT_STALE_MS && pidAlive(r.owner_pid))
        return { stepId: r.step_id, pid: r.owner_pid, startedAt: r.started_at }
    }
    return null
  }

  /** Refuses when another live process is running a step here (see foreignRun). */
  refuseIfForeignRun(what: string): void {
    const other = this.foreignRun()
    if (other)
      throw new FerryError(
        'BUSY',
        `Another Ferry process (pid ${other.pid}) is running ${other.stepId} in this workspace${other.startedAt ? ` since ${other.startedAt}` : ''}, so ${what} did not start`,
        'Wait for that step to finish (or cancel it where it runs: the app, ferry serve or the terminal), then try again.',
      )
  }

  heartbeat(runId: string, at: string): void {
    this.db.prepare('UPDATE runs SET heartbeat_at = ? WHERE run_id = ?').run(at, runId)
  }

  close(): void {
    if (this.db.open) this.db.close()
  }

  states(): Map<string, StepState> {
    const rows = this.db.prepare('SELECT * FROM step_state').all() as StateRow[]
    return new Map(rows.map((r) => [r.step_id, this.toState(r)]))
  }

  state(stepId: string): StepState {
    const r = this.db.prepare('SELECT * FROM step_state WHERE step_id = ?').get(stepId) as StateRow | undefined
    return r ? this.toState(r) : pendingState(stepId)
  }

  private toState(r: StateRow): StepState {
    return {
      stepId: r.step_id,
      status: r.status as StepStatus,
      runId: r.run_id,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      evidence: r.evidence ? (JSON.parse(r.evidence) as Evidence) : null,
      error: r.error ? (JSON.parse(r.error) as ErrorInfo) : null,
      progress: null,
      confirmation: r.confirmation,
    }
  }

  private put(s: StepState): void {
    this.db
      .prepare(
        `INSERT INTO step_state (step_id, status, run_id, started_at, finished_at, evidence, error, confirmation)
         VALUES (@stepId, @status, @runId, @startedAt, @finishedAt, @evidence, @error, @confirmation)
         ON CONFLICT(step_id) DO UPDATE SET status = excluded.status, run_id = excluded.run_id,
           started_at = excluded.started_at, finished_at = excluded.finished_at,
           evidence = excluded.evidence, error = excluded.error, confirmation = excluded.confirmation`,
      )
      .run({
        ...s,
        evidence: s.evidence ? JSON.stringify(s.evidence) : null,
        error: s.error ? JSON.stringify(s.error) : null,
      })
  }

  /** Records a run as started; the step keeps its last evidence until the run finishes. */
  start(stepId: string, runId: string, at: string): StepState {
    // IMMEDIATE: the check and the claim are one write transaction, so two processes starting at
    // once cannot both pass the check.
    return this.db
      .transaction(() => {
        this.refuseIfForeignRun(stepId)
        const prev = this.state(stepId)
        const next: StepState = { ...prev, status: 'running', runId, startedAt: at, finishedAt: null, error: null, confirmation: null }
        this.db
          .prepare('INSERT INTO runs (run_id, step_id, status, started_at, owner_pid, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?)')
          .run(runId, stepId, 'running', at, process.pid, new Date().toISOString())
        this.put(next)
        return next
      })
      .immediate()
  }

  setWorkerPid(runId: string, pid: number | undefined): void {
    this.db.prepare('UPDATE runs SET worker_pid = ? WHERE run_id = ?').run(pid ?? null, runId)
  }

  /** `pending` ends a successful undo: the step can run again, the undo's evidence is kept. */
  finish(stepId: string, runId: string, status: 'done' | 'failed' | 'pending' | 'skipped', at: string, evidence: Evidence | null, error: ErrorInfo | null): StepState {
    const prev = this.state(stepId)
    const next: StepState = {
      ...prev,
      status,
      runId,
      finishedAt: at,
      // A failed run keeps the evidence of the last successful one visible.
      evidence: status === 'failed' ? prev.evidence : evidence,
      error,
      progress: null,
      confirmation: null,
    }
    this.db.transaction(() => {
      this.db
        .prepare('UPDATE runs SET status = ?, finished_at = ?, evidence = ?, error = ? WHERE run_id = ?')
        .run(status, at, evidence ? JSON.stringify(evidence) : null, error ? JSON.stringify(error) : null, runId)
      this.put(next)
    })()
    return next
  }

  needsConfirmation(stepId: string, text: string): StepState {
    const next: StepState = { ...this.state(stepId), status: 'needs-confirmation', confirmation: text, error: null }
    this.put(next)
    return next
  }

  /** After a crash or kill of the app, runs left `running` are marked failed, with what to do. */
  recoverInterrupted(at: string): StepState[] {
    // Not a step another live process is running (a CLI opened beside the app, say).
    const live = this.foreignRun()
    const rows = (this.db.prepare("SELECT * FROM step_state WHERE status = 'running'").all() as StateRow[]).filter((r) => r.step_id !== live?.stepId)
    return rows.map((r) =>
      this.finish(r.step_id, r.run_id ?? 'unknown', 'failed', at, null, {
        code: 'INTERRUPTED',
        message: 'Ferry stopped while this step was running',
        hint: 'Run the step again; it resumes from its last committed unit of work or starts over.',
      }),
    )
  }

  runs(stepId: string, limit = 20): { runId: string; status: string; startedAt: string; finishedAt: string | null }[] {
    return this.db
      .prepare('SELECT run_id AS runId, status, started_at AS startedAt, finished_at AS finishedAt FROM runs WHERE step_id = ? ORDER BY started_at DESC LIMIT ?')
      .all(stepId, limit) as { runId: string; status: string; startedAt: string; finishedAt: string | null }[]
  }

  appendLog(at: string, level: string, message: string, stepId?: string): void {
    this.db.prepare('INSERT INTO log (at, level, step_id, message) VALUES (?, ?, ?, ?)').run(at, level, stepId ?? null, message)
  }

  getSetting(key: string): string | undefined {
    const r = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined
    return r?.value
  }

  setSetting(key: string, value: string): void {
    this.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value)
  }
}
