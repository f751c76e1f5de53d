// Every request the UI can make, declared once: name → input and output schemas.
// Both transports (Electron IPC, WebSocket) validate input with these at the boundary.
import { z } from 'zod'
import { BackupInfo, Evidence, PlanView, StepState, TargetConfig, TargetStatus, WorkspaceSummary } from './types'

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
  /** The last inventory of .claude/ (ferry inventory, p2.migration-scripts), or null before one was taken. */
  'inventory.get': { input: Empty, output: Evidence.nullable() },
  /** Chooses the PostgreSQL target: the embedded server or a URL. */
  'target.configure': { input: TargetConfig, output: TargetStatus },
  /** Connects to the target (starting the embedded server if needed) and reports its version. */
  'target.connect': { input: Empty, output: TargetStatus },
  /** The target's state without connecting. */
  'target.status': { input: Empty, output: TargetStatus },
} as const

export type Methods = typeof methods
export type MethodName = keyof Methods
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>
export type MethodOutput<M extends MethodName> = z.infer<Methods[M]['output']>

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name)
}
