// Per-table counters of a load, kept in the worker and sent with every progress message (cumulative
// snapshots: a message dropped by the worker's throttle loses nothing). Rates, ETA and the chart
// are computed where the snapshots arrive (migration-monitor.ts), on that process's clock.
import type { TablePlan } from './types'

export interface LoadTableCounters {
  table: string
  total: number
  done: number
  rejected: number
  bytes: number
  status: 'waiting' | 'loading' | 'done' | 'failed'
  /** Rows already committed by an earlier run when this run started the table (a resume). */
  base: number
  /** How long this run has been loading the table (its whole load time once done). */
  ms: number
}

interface Timing {
  startedAt: number | null
  finishedAt: number | null
  seen: boolean
}

export class LoadTracker {
  private readonly tables = new Map<string, LoadTableCounters>()
  private readonly timing = new Map<string, Timing>()
  private readonly created = Date.now()
  private ended: number | null = null

  constructor(plans: readonly TablePlan[]) {
    for (const t of plans)
      this.tables.set(t.source, {
        table: t.source,
        total: t.rows,
        done: 0,
        rejected: 0,
        bytes: 0,
        status: 'waiting',
        base: 0,
        ms: 0,
      })
  }

  started(table: string): void {
    const t = this.tables.get(table)
    if (t) t.status = 'loading'
    this.timing.set(table, { startedAt: Date.now(), finishedAt: null, seen: false })
  }

  update(table: string, done: number, sent?: { bytes: number; rejected: number }): void {
    const t = this.tables.get(table)
    if (!t) return
    const tm = this.timing.get(table)
    // The loader's first report, before any batch, is what earlier runs committed.
    if (tm && !tm.seen) {
      tm.seen = true
      t.base = done
    }
    t.done = done
    if (sent) {
      t.bytes = sent.bytes
      t.rejected = sent.rejected
    }
  }

  /** What earlier runs committed, when the table is loaded in parts that each report their own. */
  setBase(table: string, base: number): void {
    const t = this.tables.get(table)
    if (t) t.base = base
  }

  finished(table: string, ok: boolean): void {
    const t = this.tables.get(table)
    if (t) t.status = ok ? 'done' : 'failed'
    const tm = this.timing.get(table)
    if (tm) tm.finishedAt = Date.now()
  }

  /** The load's wall time so far (all of it once end() was called). */
  elapsedMs(): number {
    return (this.ended ?? Date.now()) - this.created
  }

  end(): void {
    this.ended ??= Date.now()
  }

  /** Rows processed over all tables. */
  sum(): number {
    let n = 0
    for (const t of this.tables.values()) n += t.done
    return n
  }

  snapshot(): LoadTableCounters[] {
    const now = Date.now()
    return [...this.tables.values()].map((t) => {
      const tm = this.timing.get(t.table)
      const ms = tm?.startedAt ? (tm.finishedAt ?? now) - tm.startedAt : 0
      return { ...t, ms }
    })
  }
}

/** The `detail` of a p3.migrate / pgmigrate:migrate progress message (checked where it arrives). */
export interface MigrateDetail {
  kind: 'pgmigrate'
  schema: string
  phase: 'profile' | 'load' | 'constraints' | 'validate'
  tables: LoadTableCounters[] | null
  /** Wall time of the load so far (the whole load's once it is over). */
  loadMs: number | null
}

export function migrateDetail(
  schema: string,
  p: { phase: MigrateDetail['phase']; tables?: LoadTableCounters[]; loadMs?: number },
): MigrateDetail {
  return {
    kind: 'pgmigrate',
    schema,
    phase: p.phase,
    tables: p.tables ?? null,
    loadMs: p.loadMs ?? null,
  }
}

const PHASE_LABEL: Record<MigrateDetail['phase'], string> = {
  profile: 'profiling',
  load: 'loading',
  constraints: 'keys and indexes',
  validate: 'validating',
}

/** A migration's progress as a job reports it: unit, message and the live view's detail. */
export function reportMigrateProgress(
  progress: (
    done: number,
    total: number | null,
    unit: string,
    message: string,
    detail: MigrateDetail,
  ) => void,
  schema: string,
  p: {
    phase: MigrateDetail['phase']
    done: number
    total: number | null
    table: string | null
    tables?: LoadTableCounters[]
    loadMs?: number
  },
): void {
  // Keys and indexes are two steps per table (keys first, then foreign keys and CHECKs).
  const unit =
    p.phase === 'load' || p.phase === 'validate'
      ? 'rows'
      : p.phase === 'constraints'
        ? 'steps'
        : 'tables'
  progress(
    p.done,
    p.total,
    unit,
    `${PHASE_LABEL[p.phase]}${p.table ? ` ${p.table}` : ''}`,
    migrateDetail(schema, p),
  )
}
