// The user's choices for p3.schema's translation, as the UI edits them and the backend stores them
// (.ferry/p3-options.json): identifier policy, what to do with violated constraints (globally, per
// constraint, or the map choice for CHECK lists), and per-column types. The defaults lose nothing.
import { z } from 'zod'

export const VIOLATION_CHOICES = ['stop', 'skip-constraint', 'not-valid'] as const
export const ViolationChoiceSchema = z.enum(VIOLATION_CHOICES)

/** The types a column can be given by hand, besides numeric(p,s). */
export const OVERRIDE_TYPES = [
  'bigint',
  'double precision',
  'numeric',
  'boolean',
  'timestamptz',
  'jsonb',
  'bytea',
  'text',
] as const

const Name = z.string().min(1).max(300)

export const SchemaOptionsSchema = z
  .object({
    identifiers: z.enum(['preserve', 'lower']).default('preserve'),
    onViolation: ViolationChoiceSchema.default('not-valid'),
    /** Per-constraint choice by constraint name, e.g. { "valid_agent_status": "skip-constraint" }. */
    choices: z.record(Name, ViolationChoiceSchema).default({}),
    /** The map choice: { "valid_agent_status": { "zombie": "crashed" } } (CHECK lists only). */
    maps: z.record(Name, z.record(z.string().max(10_000), z.string().max(10_000))).default({}),
    /** Per-column type, e.g. { "agents.configuration": "jsonb" }. */
    types: z.record(z.string().min(3).max(700), z.string().min(1).max(100)).default({}),
  })
  .strict()
export type SchemaOptions = z.infer<typeof SchemaOptionsSchema>
export type SchemaOptionsInput = z.input<typeof SchemaOptionsSchema>

export const SchemaOptionsView = z
  .object({
    options: SchemaOptionsSchema,
    /** Where they are kept, relative to the workspace root. */
    file: z.string(),
    /** False while the defaults apply (no file yet). */
    saved: z.boolean(),
  })
  .strict()
export type SchemaOptionsView = z.infer<typeof SchemaOptionsView>
