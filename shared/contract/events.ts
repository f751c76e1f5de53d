// Everything the backend tells the UI without being asked, declared once.
import { z } from 'zod'
import { LogLevel, Progress, StepState, TargetStatus, WorkspaceSummary } from './types'
import { MigrationStatus } from './migration'

export const events = {
  /** A step's state changed (started, finished, failed, needs confirmation …). */
  'step.state': StepState,
  /** A running step made progress. */
  'step.progress': z.object({ stepId: z.string(), runId: z.string(), progress: Progress }),
  /** Progress of work that is not a step (creating the demo workspace, a restore …). */
  'task.progress': z.object({ task: z.string(), progress: Progress }),
  /** A line for the activity log; never contains a password. */
  log: z.object({
    at: z.string(),
    level: LogLevel,
    message: z.string(),
    stepId: z.string().optional(),
  }),
  /** The PostgreSQL target's state changed. */
  'target.state': TargetStatus,
  /** Another workspace was opened (or the current one was re-read). */
  'workspace.changed': WorkspaceSummary,
  /** The running p3.migrate's per-table state; `samples` holds only the points new since the last event. */
  'migration.progress': MigrationStatus,
} as const

export type Events = typeof events
export type EventName = keyof Events
export type EventPayload<E extends EventName> = z.infer<Events[E]>

export function isEventName(name: string): name is EventName {
  return Object.prototype.hasOwnProperty.call(events, name)
}
