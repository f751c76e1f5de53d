// Every request the UI can make, declared once: name → input and output schemas.
// Both transports (Electron IPC, WebSocket) validate input with these at the boundary.
import { z } from 'zod'
import { BackupInfo, Evidence, PlanView, StepState, TargetConfig, TargetStatus, WorkspaceSummary } from './types'
import { BenchView } from './bench'
import { PoolStats } from './pool'
import { SchemaOptionsRequest, SchemaOptionsView } from './schema-options'
import { TargetCheckResult } from './connection'
import { MonitorView } from './monitor'
import { MetricsView } from './metrics'
import { AgentsView, SetBackendInput, SwitchResult } from './agents'
import { RetentionApplyRequest, RetentionApplyResult, RetentionPreviewView, RetentionRequest } from './retention'
import { CompareResult, MigrationLag, MigrationStatus, Reconciliation, RejectList, RejectRule, RetryResult } from './migration'
import {
  CellRequest,
  CellValue,
  CountResult,
  ExplainResult,
  HistoryEntry,
  PageRequest,
  PageResult,
  SourceId,
  SourceInfo,
  SqlRequest,
  SqlResult,
  TableInfo,
  ViewRef,
} from './inspect'

const Empty = z.object({}).strict()
const StepRef = z.object({ stepId: z.string().min(1).max(100) }).strict()
const FsPath = z.string().min(1).max(4096)

export const methods = {
  /** Version, the open workspace (if any) and a suggested folder for the demo workspace. */
  'app.info': {
    input: Empty,
    output: z.object({
      version: z.string(),
      workspace: WorkspaceSummary.nullable(),
      demoDefaultPath: z.string(),
    }),
  },
  /** Opens a workspace: the folder holding .claude/ (or the .claude folder itself). */
  'workspace.open': { input: z.object({ path: FsPath }).strict(), output: WorkspaceSummary },
  /** Re-reads the open workspace's source status (state.db, file counts). */
  'workspace.refresh': { input: Empty, output: WorkspaceSummary },
  /** Creates the demo workspace (DESIGN.md §5) in an empty or new folder and opens it. */
  'workspace.createDemo': {
    input: z
      .object({
        path: FsPath,
        events: z.number().int().min(0).max(5_000_000).optional(),
        seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
      })
      .strict(),
    output: WorkspaceSummary,
  },
  /** The checklist: phases, steps and each step's state and evidence. */
  'plan.get': { input: Empty, output: PlanView },
  /** Starts a step; progress and the outcome arrive as step.* events. */
  'step.run': { input: StepRef, output: StepState },
  /** Runs a step that stopped at needs-confirmation. */
  'step.confirm': { input: StepRef, output: StepState },
  /** Reverses a step that can be undone; progress and the outcome arrive as step.* events. */
  'step.undo': { input: StepRef, output: StepState },
  /** Asks a running step to stop at its next safe point. */
  'step.cancel': { input: StepRef, output: z.object({ cancelled: z.boolean() }) },
  /** The workspace's backups, newest first; `verify` re-reads every file and checks its SHA-256. */
  'backup.list': { input: z.object({ verify: z.boolean().optional() }).strict(), output: z.array(BackupInfo) },
  /** Restores a backup into place (the current state is backed up first); resolves when done. */
  'backup.restore': { input: z.object({ id: z.string().min(1).max(200) }).strict(), output: Evidence },
  /**
   * Applies composite indexes the user chose from p1.test-current's proposals as the next state.db
   * migration (a verified backup first), and times their queries before and after; resolves when done.
   */
  'indexes.accept': {
    input: z.object({ indexes: z.array(z.string().min(1).max(200)).min(1).max(50) }).strict(),
    output: Evidence,
  },
  /** The last schema profile written by pre.document-schema, or null before it ran. */
  'schema.get': { input: Empty, output: Evidence.nullable() },
  /** p3.schema's choices (identifiers, per-constraint choice or value map, column types) as saved. */
  'schema.options': { input: Empty, output: SchemaOptionsView },
  /** Saves p3.schema's choices (.ferry/p3-options.json); they apply when p3.schema runs again. */
  'schema.setOptions': { input: SchemaOptionsRequest, output: SchemaOptionsView },
  /** The last inventory of .claude/ (ferry inventory, p2.migration-scripts), or null before one was taken. */
  'inventory.get': { input: Empty, output: Evidence.nullable() },
  /** The Benchmarks screen: the latest p4.benchmark report, concurrency and migration throughput (or why not measured). */
  'bench.get': { input: Empty, output: BenchView },
  /** The Monitoring screen: samples of the connected target within the window (seconds), details, alerts. Starts the sampler. */
  /** The success metrics panel: every metric of the plan with target, measured value, pass/fail and evidence. */
  'metrics.get': { input: Empty, output: MetricsView },
  'monitor.get': {
    input: z.object({ windowSec: z.number().int().min(10).max(86_400).optional() }).strict(),
    output: MonitorView,
  },
  /** Chooses the PostgreSQL target: the embedded server or a URL. */
  'target.configure': { input: TargetConfig, output: TargetStatus },
  /** Connects to the target (starting the embedded server if needed) and reports its version. */
  'target.connect': { input: Empty, output: TargetStatus },
  /** The target's state without connecting. */
  'target.status': { input: Empty, output: TargetStatus },
  /** p3.postgres-prod's checks against the configured target (version, UTF8, create schema, slots), each shown. */
  'target.check': { input: Empty, output: TargetCheckResult },
  /** The target's connection pool (p3.pooling): configuration, total/idle/waiting clients, idle failures handled. */
  'target.poolStats': { input: Empty, output: PoolStats },
  /** The running (or last) p3.migrate: per-table progress, throughput samples, ETA (survives a reload). */
  'migration.status': { input: Empty, output: MigrationStatus },
  /** After the load: sequences before/after setval, foreign keys and CHECKs with their violating rows. */
  'migration.reconciliation': { input: Empty, output: Reconciliation },
  /** Delta sync's lag per table: rows not yet copied (past the key high-water mark, or moved time column). */
  'migration.lag': { input: Empty, output: MigrationLag },
  /** The reject log of agent_memory (ferry_rejects), with PostgreSQL's reason and the recorded rules. */
  'migration.rejects': {
    input: z
      .object({ table: z.string().min(1).max(300).optional(), limit: z.number().int().min(1).max(1000).optional() })
      .strict(),
    output: RejectList,
  },
  /** Retries rejected rows of one table with the chosen per-column rules (recorded with the migration). */
  'migration.retryRejects': {
    input: z
      .object({
        table: z.string().min(1).max(300),
        keys: z.array(z.string().min(1).max(4096)).min(1).max(1000),
        rules: z.array(RejectRule).max(100),
      })
      .strict(),
    output: RetryResult,
  },
  /** Source (memory.db) and target rows of one migrated table side by side, by key. */
  'migration.compare': {
    input: z
      .object({
        table: z.string().min(1).max(300),
        after: z.string().max(4096).nullable().optional(),
        keys: z.array(z.string().min(1).max(4096)).max(200).optional(),
        limit: z.number().int().min(1).max(500).optional(),
      })
      .strict(),
    output: CompareResult,
  },
  /** Table inspector: the databases it can browse (state.db, memory.db, each schema of the target). */
  'inspect.sources': { input: Empty, output: z.array(SourceInfo) },
  /** Tables of one source: rows (exact on SQLite, an estimate on PostgreSQL), size, indexes, columns. */
  'inspect.tables': { input: z.object({ source: SourceId }).strict(), output: z.array(TableInfo) },
  /** One page (≤ 1000 rows) of a table view, by keyset: first/last/after/before/key/index. */
  'inspect.page': { input: PageRequest, output: PageResult },
  /** The exact row count of a table view (with its filters). */
  'inspect.count': { input: ViewRef, output: CountResult },
  /** The whole value of one cell (text up to 4 MiB, blobs as hex up to 1 MiB). */
  'inspect.cell': { input: CellRequest, output: CellValue },
  /** Runs one read-only statement (writes are refused with READ_ONLY); at most 1000 rows. */
  'sql.run': { input: SqlRequest, output: SqlResult },
  /** EXPLAIN QUERY PLAN (SQLite) or EXPLAIN (FORMAT JSON) (PostgreSQL) as a tree. */
  'sql.explain': { input: SqlRequest, output: ExplainResult },
  /** The workspace's console history (.ferry/sql-history.json), newest first. */
  'sql.history': { input: Empty, output: z.array(HistoryEntry) },
  /** Every agent with its agent-store backend flag (files/sqlite/postgres/dual-write) and last activity. */
  'agents.list': { input: Empty, output: AgentsView },
  /** Switches one agent's backend flag; reports the writes that stay only on the side it leaves. */
  'agents.setBackend': { input: SetBackendInput, output: SwitchResult },
  /** What a snapshot retention policy would remove, per session (changes nothing). */
  'retention.preview': { input: RetentionRequest, output: RetentionPreviewView },
  /** Archives (reversibly) what the confirmed preview listed; memory.db is backed up first. */
  'retention.apply': { input: RetentionApplyRequest, output: RetentionApplyResult },
} as const

export type Methods = typeof methods
export type MethodName = keyof Methods
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>
export type MethodOutput<M extends MethodName> = z.infer<Methods[M]['output']>

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name)
}
