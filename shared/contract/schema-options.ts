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
  'date',
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

/**
 * What `schema.setOptions` takes: the same choices as lists of entries, each list bounded (a
 * record's size cannot be bounded at the IPC boundary, a list's can). toRequest/fromRequest convert.
 */
export const SchemaOptionsRequest = z
  .object({
    identifiers: z.enum(['preserve', 'lower']).default('preserve'),
    onViolation: ViolationChoiceSchema.default('not-valid'),
    choices: z
      .array(z.object({ constraint: Name, choice: ViolationChoiceSchema }).strict())
      .max(1000)
      .default([]),
    maps: z
      .array(
        z
          .object({ constraint: Name, from: z.string().max(10_000), to: z.string().max(10_000) })
          .strict(),
      )
      .max(1000)
      .default([]),
    types: z
      .array(
        z.object({ column: z.string().min(3).max(700), type: z.string().min(1).max(100) }).strict(),
      )
      .max(2000)
      .default([]),
  })
  .strict()
export type SchemaOptionsRequest = z.infer<typeof SchemaOptionsRequest>
export type SchemaOptionsRequestInput = z.input<typeof SchemaOptionsRequest>

export function toRequest(o: SchemaOptionsInput): SchemaOptionsRequestInput {
  return {
    identifiers: o.identifiers,
    onViolation: o.onViolation,
    choices: Object.entries(o.choices ?? {}).map(([constraint, choice]) => ({
      constraint,
      choice,
    })),
    maps: Object.entries(o.maps ?? {}).flatMap(([constraint, m]) =>
      Object.entries(m).map(([from, to]) => ({ constraint, from, to })),
    ),
    types: Object.entries(o.types ?? {}).map(([column, type]) => ({ column, type })),
  }
}

/** The stored shape; a later entry for the same constraint, value or column wins. */
export function fromRequest(r: SchemaOptionsRequest): SchemaOptions {
  const maps: Record<string, Record<string, string>> = {}
  for (const m of r.maps) maps[m.constraint] = { ...maps[m.constraint], [m.from]: m.to }
  return SchemaOptionsSchema.parse({
    identifiers: r.identifiers,
    onViolation: r.onViolation,
    choices: Object.fromEntries(r.choices.map((c) => [c.constraint, c.choice])),
    maps,
    types: Object.fromEntries(r.types.map((t) => [t.column, t.type])),
  })
}
