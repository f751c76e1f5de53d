// Domain values that cross the contract. Every value is JSON-safe: ISO strings for dates,
// plain numbers only where they stay below 2^53, strings for anything that might not.
import { z } from 'zod'
import { ConnectionFields, PasswordInfo, ServerTargetConfig } from './connection'

export const StepStatus = z.enum(['pending', 'running', 'done', 'failed', 'skipped', 'needs-confirmation'])
export type StepStatus = z.infer<typeof StepStatus>

/** An error as a value: what failed, on which object, and what to do next. */
export const ErrorInfo = z.object({
  code: z.string(),
  message: z.string(),
  hint: z.string().optional(),
  detail: z.string().optional(),
})
export type ErrorInfo = z.infer<typeof ErrorInfo>

export const Progress = z.object({
  done: z.number().nonnegative(),
  total: z.number().nonnegative().nullable(),
  unit: z.string(),
  /** units per second, measured over the run so far */
  rate: z.number().nonnegative().nullable(),
  etaSeconds: z.number().nonnegative().nullable(),
  message: z.string().optional(),
  /** Rows written so far, for work measured in bytes that also writes rows (the import). */
  rows: z.number().nonnegative().optional(),
  /** rows per second, over the same span as `rate` */
  rowsRate: z.number().nonnegative().nullable().optional(),
})
export type Progress = z.infer<typeof Progress>

export const Evidence = z.record(z.string(), z.unknown())
export type Evidence = z.infer<typeof Evidence>

export const StepState = z.object({
  stepId: z.string(),
  status: StepStatus,
  runId: z.string().nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  evidence: Evidence.nullable(),
  error: ErrorInfo.nullable(),
  progress: Progress.nullable(),
  /** What will change, shown while status is needs-confirmation. */
  confirmation: z.string().nullable(),
})
export type StepState = z.infer<typeof StepState>

export const PlanStep = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  available: z.boolean(),
  undoable: z.boolean(),
  state: StepState,
  /** A done step whose evidence no longer holds (its backup deleted, …): what and what to do. */
  warning: z.string().nullable(),
})
export type PlanStep = z.infer<typeof PlanStep>

export const PlanPhase = z.object({
  id: z.string(),
  title: z.string(),
  goal: z.string(),
  steps: z.array(PlanStep),
})
export type PlanPhase = z.infer<typeof PlanPhase>

export const PlanView = z.object({
  workspace: z.string().nullable(),
  phases: z.array(PlanPhase),
})
export type PlanView = z.infer<typeof PlanView>

export const FileCounts = z.object({
  files: z.number().int().nonnegative(),
  bytes: z.number().nonnegative(),
})
export type FileCounts = z.infer<typeof FileCounts>

export const SourceStatus = z.object({
  stateDb: z.object({
    path: z.string(),
    exists: z.boolean(),
    sizeBytes: z.number().nonnegative().nullable(),
    tables: z.number().int().nonnegative().nullable(),
    /** Set when the file exists but cannot be opened as SQLite. */
    error: z.string().nullable(),
  }),
  context: FileCounts,
  logs: FileCounts,
  config: FileCounts,
  other: FileCounts,
})
export type SourceStatus = z.infer<typeof SourceStatus>

export const WorkspaceSummary = z.object({
  /** The folder that holds .claude/ (realpath). */
  root: z.string(),
  claudeDir: z.string(),
  ferryDir: z.string(),
  source: SourceStatus,
})
export type WorkspaceSummary = z.infer<typeof WorkspaceSummary>

export const TargetConfig = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('embedded') }),
  z.object({ kind: z.literal('url'), url: z.string().min(1).max(2048) }),
  ServerTargetConfig,
])
export type TargetConfig = z.infer<typeof TargetConfig>

export const TargetState = z.enum(['not-started', 'starting', 'connected', 'error', 'stopped'])
export type TargetState = z.infer<typeof TargetState>

export const TargetStatus = z.object({
  kind: z.enum(['embedded', 'url']),
  /** Where the target is, with any password shown as ***. */
  display: z.string(),
  state: TargetState,
  serverVersion: z.string().nullable(),
  error: ErrorInfo.nullable(),
  /** An external server's fields (never the password); absent for the embedded server. */
  connection: ConnectionFields.optional(),
  /** Where an external server's password is kept. */
  password: PasswordInfo.optional(),
})
export type TargetStatus = z.infer<typeof TargetStatus>

export const LogLevel = z.enum(['debug', 'info', 'warn', 'error'])
export type LogLevel = z.infer<typeof LogLevel>

export const BackupInfo = z.object({
  id: z.string(),
  createdAt: z.string(),
  /** Why it was taken: manual, before a step (auto:<step id>), before a restore (pre-restore). */
  reason: z.string(),
  files: z.number().int().nonnegative(),
  bytes: z.number().nonnegative(),
  /** null when not verified yet; false lists the problems. */
  verified: z.boolean().nullable(),
  verifiedAt: z.string().nullable(),
  problems: z.array(z.string()),
  path: z.string(),
})
export type BackupInfo = z.infer<typeof BackupInfo>
