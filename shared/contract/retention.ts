// Snapshot retention (issue 6, MIGRATION-PLAN §4.2): the preview of what a policy would remove
// per session, and its application (archived into memory_snapshots_archive, reversible with
// `ferry retention restore`). On memory.db the apply runs after Ferry's automatic backup.
import { z } from 'zod'

export const RetentionRequest = z.object({
  backend: z.enum(['sqlite', 'postgres']).default('sqlite'),
  /** Snapshots kept per session, newest first (pinned ones are always kept). */
  keep: z.number().int().min(1).max(1_000_000).default(10),
  /** Also keep the newest snapshot of every UTC day of a session. */
  perDay: z.boolean().default(false),
})
export type RetentionRequest = z.input<typeof RetentionRequest>

export const RetentionApplyRequest = RetentionRequest.extend({
  /** The removeRows of the preview the user confirmed: apply refuses if the policy now removes another number. */
  expectRows: z.number().int().nonnegative(),
})

export const SessionRemovalRow = z.object({
  sessionId: z.string(),
  snapshots: z.number(),
  bytes: z.number(),
  removeRows: z.number(),
  removeBytes: z.number(),
})

export const SessionSizeRow = z.object({
  sessionId: z.string(),
  snapshots: z.number(),
  bytes: z.number(),
  lastActivity: z.string().nullable(),
})

export const RetentionTotals = z.object({
  sessions: z.number(),
  snapshots: z.number(),
  bytes: z.number(),
  removeRows: z.number(),
  removeBytes: z.number(),
})

export const RetentionPreviewView = z.object({
  backend: z.enum(['sqlite', 'postgres']),
  policy: z.object({ keep: z.number(), perDay: z.boolean() }),
  /** Sessions the policy trims, most bytes first (at most 200; totals cover all). */
  sessions: z.array(SessionRemovalRow),
  totals: RetentionTotals,
  /** The largest sessions, read from context_session_summary when its triggers are installed. */
  largest: z.array(SessionSizeRow),
  summarySource: z.enum(['summary', 'aggregate']),
  archivedBatches: z.array(z.object({ batch: z.string(), archivedAt: z.string(), rows: z.number(), bytes: z.number() })),
})
export type RetentionPreviewView = z.infer<typeof RetentionPreviewView>

export const RetentionApplyResult = RetentionPreviewView.omit({ largest: true, summarySource: true, archivedBatches: true }).extend({
  batch: z.string(),
  archivedAt: z.string(),
  backupId: z.string().nullable(),
})
export type RetentionApplyResult = z.infer<typeof RetentionApplyResult>
