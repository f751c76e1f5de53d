// The user's choices for the schema translation, shared by p3.schema and p3.migrate: identifier
// policy, what to do with violated constraints (globally and per constraint), per-column types.
// The steps take them from their params, else from .ferry/p3-options.json (written by the UI or
// by hand), else the defaults — which lose nothing (preserve names, constraints NOT VALID).
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { SchemaOptionsSchema, type SchemaOptions } from '../../../shared/contract/schema-options'
import { FerryError } from '../../../shared/contract/envelope'
import type { WorkspacePaths } from '../workspace/resolve'

export {
  SchemaOptionsSchema,
  VIOLATION_CHOICES,
  ViolationChoiceSchema,
} from '../../../shared/contract/schema-options'
export type { SchemaOptions } from '../../../shared/contract/schema-options'

/** Relative to the workspace root. */
export const OPTIONS_FILE = path.join('.ferry', 'p3-options.json')

export function readSchemaOptions(paths: WorkspacePaths, fromParams?: unknown): SchemaOptions {
  if (fromParams !== undefined) return parse(fromParams, 'the step parameters')
  const file = path.join(paths.root, OPTIONS_FILE)
  if (!existsSync(file)) return SchemaOptionsSchema.parse({})
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    throw new FerryError(
      'BAD_OPTIONS',
      `${OPTIONS_FILE} is not valid JSON: ${(err as Error).message}`,
      'Fix the file or delete it to use the defaults.',
    )
  }
  return parse(raw, OPTIONS_FILE)
}

function parse(raw: unknown, where: string): SchemaOptions {
  const r = SchemaOptionsSchema.safeParse(raw)
  if (r.success) return r.data
  throw new FerryError(
    'BAD_OPTIONS',
    `The schema options in ${where} are not valid: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    'Allowed keys: identifiers (preserve|lower), onViolation (stop|skip-constraint|not-valid), choices { constraint: choice }, maps { constraint: { value: allowed } }, types { "table.column": "type" }.',
  )
}
