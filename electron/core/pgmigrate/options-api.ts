// `schema.options` / `schema.setOptions`: the UI's way to make p3.schema's choices (identifier
// policy, per-constraint choice or value map, per-column types). They are kept in
// .ferry/p3-options.json, the same file the steps read, so the CLI, the UI and a hand edit agree.
// Saving checks what can be checked without a target: type names, and the tables and columns
// against memory.db when it exists; constraint names and map targets are checked by the pre-flight.
import { existsSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import type { Handlers } from '../../../shared/contract/dispatcher'
import {
  fromRequest,
  type SchemaOptions,
  type SchemaOptionsView,
} from '../../../shared/contract/schema-options'
import { writeFileAtomic } from '../fs/atomic'
import { memoryDbPath } from '../import/memory-db'
import { describeTable, listTables, type TableInfo } from '../sqlite/introspect'
import { openSqliteReadOnly } from '../sqlite/open'
import type { WorkspacePaths } from '../workspace/resolve'
import { OPTIONS_FILE, readSchemaOptions } from './schema-options'
import { checkOverrides, checkOverrideType, parseTypeSpec } from './type-override'

export interface OptionsApiDeps {
  paths(): WorkspacePaths
  log(level: 'info' | 'warn', message: string): void
}

function view(paths: WorkspacePaths): SchemaOptionsView {
  return {
    options: readSchemaOptions(paths),
    file: OPTIONS_FILE,
    saved: existsSync(path.join(paths.root, OPTIONS_FILE)),
  }
}

/** The type choices, normalised (`int8` → bigint) and checked against memory.db's columns when it exists. */
function checkTypes(paths: WorkspacePaths, types: Record<string, string>): Record<string, string> {
  const file = memoryDbPath(paths)
  if (!existsSync(file) || Object.keys(types).length === 0)
    return Object.fromEntries(
      Object.entries(types).map(([ref, t]) => {
        parseTypeSpec(`${ref}=${t}`) // the table.column shape, even before memory.db exists
        return [ref, checkOverrideType(t, ref)]
      }),
    )
  const db = openSqliteReadOnly(file)
  try {
    const infos = listTables(db).map(
      (r) => ({ ...describeTable(db, r), rowCount: null, countError: null }) as TableInfo,
    )
    // Keyed as the user wrote them (the step resolves them the same way), with the normalised type.
    return Object.fromEntries(
      Object.entries(types).map(([ref, t]) => [
        ref,
        [...checkOverrides(infos, { [ref]: t }).values()][0]!,
      ]),
    )
  } finally {
    db.close()
  }
}

export function saveSchemaOptions(
  paths: WorkspacePaths,
  options: SchemaOptions,
): SchemaOptionsView {
  const types = checkTypes(paths, options.types)
  const next: SchemaOptions = { ...options, types }
  mkdirSync(path.dirname(path.join(paths.root, OPTIONS_FILE)), { recursive: true })
  writeFileAtomic(path.join(paths.root, OPTIONS_FILE), `${JSON.stringify(next, null, 2)}\n`)
  return view(paths)
}

export function optionsHandlers(
  deps: OptionsApiDeps,
): Pick<Handlers, 'schema.options' | 'schema.setOptions'> {
  return {
    'schema.options': () => view(deps.paths()),
    'schema.setOptions': (input) => {
      const saved = saveSchemaOptions(deps.paths(), fromRequest(input))
      const o = saved.options
      deps.log(
        'info',
        `p3.schema choices saved in ${OPTIONS_FILE}: identifiers ${o.identifiers}, violations ${o.onViolation}, ` +
          `${Object.keys(o.choices).length} constraint choice(s), ${Object.keys(o.maps).length} value map(s), ` +
          `${Object.keys(o.types).length} column type(s); they apply when p3.schema runs again (before any row is loaded)`,
      )
      return saved
    },
  }
}
