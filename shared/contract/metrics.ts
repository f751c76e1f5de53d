// The success metrics panel (MIGRATION-PLAN.md "Success Metrics") as it crosses the contract.
import { z } from 'zod'

export const MetricRow = z.object({
  id: z.string(),
  group: z.string(),
  /** The plan's words. */
  metric: z.string(),
  target: z.string(),
  /** The measured value in words, or null when not measured. */
  measured: z.string().nullable(),
  /** null: not measured — never shown as passing. */
  pass: z.boolean().nullable(),
  /** How it is (or would be) measured. */
  how: z.string(),
  /** When the evidence was taken. */
  at: z.string().nullable(),
  /** Where the evidence is: a checklist step, or a screen. */
  evidence: z.object({ stepId: z.string().nullable(), screen: z.string().nullable() }),
  /** Why not measured, or what else is worth knowing. */
  note: z.string().nullable(),
})
export type MetricRow = z.infer<typeof MetricRow>

export const MetricsView = z.object({
  rows: z.array(MetricRow),
  passed: z.number().int(),
  failed: z.number().int(),
  notMeasured: z.number().int(),
})
export type MetricsView = z.infer<typeof MetricsView>
