// The migration plan's checklist (../shared/MIGRATION-PLAN.md) as data: five sections, twenty
// steps, each with a stable id (DESIGN.md §2). Titles are the checklist's words, verbatim.

export type PhaseId = 'pre' | 'p1' | 'p2' | 'p3' | 'p4'

export interface StepDefinition {
  id: string
  phase: PhaseId
  /** The checklist item, verbatim. */
  title: string
  /** One line: what running this step does. */
  description: string
  /** False while the step's engine has not been built yet: it is listed, but cannot run. */
  available: boolean
  /** When set, the step stops at `needs-confirmation` with this text until confirmed. */
  confirm?: string
  /** The step can be reversed (`ferry undo`, the Undo button). */
  undoable?: boolean
  /** The step changes the workspace: a verified backup is taken first, and it refuses to start without one. */
  backupFirst?: boolean
  /** The step needs the PostgreSQL target: the backend connects first and hands the job its URL. */
  needsTarget?: boolean
  /** Phase 1: the workload baseline is recorded on the untouched state.db first (once). */
  baselineFirst?: boolean
  /**
   * The step uses the PostgreSQL target only when this step is done (its data lives there): the
   * backend connects first then, and otherwise the step runs without it and says why.
   */
  targetIfDone?: string
  /**
   * The step works on .claude/state.db: in a workspace without one it is skipped (with the
   * reason) before anything else runs — no backup, no baseline.
   */
  needsStateDb?: boolean
}

export interface PhaseDefinition {
  id: PhaseId
  title: string
  goal: string
  steps: StepDefinition[]
}

const step = (
  id: string,
  title: string,
  description: string,
  extra: Partial<Omit<StepDefinition, 'id' | 'phase' | 'title' | 'description'>> = {},
): Omit<StepDefinition, 'phase'> => ({ id, title, description, available: false, ...extra })

const phase = (
  id: PhaseId,
  title: string,
  goal: string,
  steps: Omit<StepDefinition, 'phase'>[],
): PhaseDefinition => ({ id, title, goal, steps: steps.map((s) => ({ ...s, phase: id })) })

export const PLAN: readonly PhaseDefinition[] = [
  phase('pre', 'Pre-Migration', 'Protect the data and know its shape before anything moves.', [
    step(
      'pre.backup',
      'Backup all current data files',
      'Take a verified backup of state.db (online backup API) and every .claude/ file, with a SHA-256 manifest.',
      { available: true },
    ),
    step(
      'pre.postgres-dev',
      'Set up PostgreSQL development instance',
      'Start the embedded PostgreSQL (or connect to a URL) and record its version and encoding.',
      { needsTarget: true, available: true },
    ),
    step(
      'pre.test-env',
      'Create migration test environment',
      'Restore the latest backup into .ferry/sandbox/ with its own database, for rehearsals.',
      { needsTarget: true, available: true },
    ),
    step(
      'pre.document-schema',
      'Document current data schema',
      'Introspect state.db (tables, columns, types, row counts, keys, indexes) and write .ferry/schema.md.',
      { needsStateDb: true, available: true },
    ),
  ]),
  phase('p1', 'Phase 1 — SQLite Enhancement', 'Harden the current SQLite database in place: additive and undoable.', [
    step(
      'p1.fk-indexes',
      'Add all missing foreign key indexes',
      'Create the indexes on foreign-key columns that state.db lacks, with before/after query plans.',
      { backupFirst: true, baselineFirst: true, undoable: true, needsStateDb: true, available: true },
    ),
    step(
      'p1.snapshot-store',
      'Implement filesystem storage for large JSON',
      'Move memory snapshots over the size threshold to content-addressed files, verified by hash.',
      { backupFirst: true, baselineFirst: true, undoable: true, needsStateDb: true, available: true },
    ),
    step(
      'p1.migration-framework',
      'Set up migration framework',
      'Add a checksummed, versioned schema_migrations table and apply the pending migrations.',
      { backupFirst: true, baselineFirst: true, undoable: true, needsStateDb: true, available: true },
    ),
    step(
      'p1.test-current',
      'Test with current system',
      'Replay the recorded agent workload against the hardened state.db and compare with the baseline.',
      { baselineFirst: true, needsStateDb: true, available: true },
    ),
  ]),
  phase('p2', 'Phase 2 — Data Migration', 'Bring the file-based memory into one consolidated database.', [
    step(
      'p2.migration-scripts',
      'Create data migration scripts',
      'Map every file under .claude/ to its target table (or a reason to skip it) and dry-run the import.',
      { available: true },
    ),
    step(
      'p2.rehearsal',
      'Test migration on copy of production data',
      'Run the whole import in the sandbox copy first and compare the results.',
      { available: true },
    ),
    step(
      'p2.validate',
      'Validate data integrity',
      'Import into .claude/memory.db and reconcile: files in = imported + skipped, row by row.',
      { backupFirst: true, available: true },
    ),
    step(
      'p2.perf-test',
      'Performance test with migrated data',
      'Time the typical agent queries on memory.db against the files and state.db baseline.',
      { baselineFirst: true, available: true },
    ),
  ]),
  phase('p3', 'Phase 3 — PostgreSQL Migration', 'Move the consolidated database to PostgreSQL, fast and verifiably.', [
    step(
      'p3.postgres-prod',
      'Set up PostgreSQL production instance',
      'Configure the production connection and check version, privileges, encoding and free slots.',
      { needsTarget: true, available: true },
    ),
    step(
      'p3.schema',
      'Create enhanced schema with JSONB',
      'Translate the schema using the data actually present: JSONB, timestamptz, CHECK and GIN indexes.',
      { needsTarget: true, available: true },
    ),
    step(
      'p3.pooling',
      'Implement connection pooling',
      'Size and verify the connection pool with timeouts, retries and an error handler.',
      { needsTarget: true, available: true },
    ),
    step(
      'p3.migrate',
      'Migrate data with validation',
      'Stream every table with COPY in resumable chunks, then validate row by row.',
      { needsTarget: true, available: true },
    ),
  ]),
  phase('p4', 'Phase 4 — System Integration', 'Switch the agents over one at a time and measure the result.', [
    step(
      'p4.agent-code',
      'Update all agent code',
      'Provide the agent store library and per-agent feature flags for a gradual switch-over.',
      { needsTarget: true, available: true },
    ),
    step(
      'p4.concurrency',
      'Test multi-agent concurrency',
      'Run many simulated agents at once against the new store and check for blocking and conflicts.',
      { needsTarget: true, available: true },
    ),
    step(
      'p4.benchmark',
      'Performance benchmark vs. old system',
      'Run the same workload on files, state.db, memory.db and PostgreSQL and chart before/after.',
      { baselineFirst: true, targetIfDone: 'p3.migrate', available: true },
    ),
    step(
      'p4.monitor',
      'Monitor for issues in production',
      'Watch the target live and check the plan\u2019s success metrics.',
      { needsTarget: true, available: true },
    ),
  ]),
]

export const ALL_STEPS: readonly StepDefinition[] = PLAN.flatMap((p) => p.steps)

export const PHASE_IDS: readonly PhaseId[] = PLAN.map((p) => p.id)

export function findStep(id: string): StepDefinition | undefined {
  return ALL_STEPS.find((s) => s.id === id)
}

/** Expands a step id, a phase id or `all` into step ids, in plan order. */
export function expandSelector(selector: string): StepDefinition[] | undefined {
  if (selector === 'all') return [...ALL_STEPS]
  const ph = PLAN.find((p) => p.id === selector)
  if (ph) return [...ph.steps]
  const st = findStep(selector)
  return st ? [st] : undefined
}
