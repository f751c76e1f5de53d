// Which importer takes which file (MIGRATION-PLAN.md §2.2): context/ → context_sessions, logs/ →
// events, config/ → configurations, state.db → its own tables. Everything else under .claude/ is
// skipped with a reason a person can act on. File-side rows go to tables of their own
// (file_events …) because state.db's tables already hold rows with the same keys.
import type { LogFormat } from '../inventory/kinds'
import type { WalkEntry } from '../inventory/walk'
import type { ConfigFormat } from './config-parse'
import type { ContextFormat } from './context-parse'

export type Importer = 'log' | 'context' | 'config' | 'state-db'

export const TABLE_OF = {
  log: 'file_events',
  context: 'file_context_sessions',
  config: 'file_configurations',
  'state-db': 'state.db tables',
} as const

/** The plan's name for where the rows belong (MIGRATION-PLAN.md). */
export const PLAN_TARGET_OF = {
  log: 'events',
  context: 'context_sessions',
  config: 'configurations',
  'state-db': 'all state.db tables',
} as const

export type SkipCode =
  | 'outside-workspace'
  | 'symlink'
  | 'special'
  | 'unreadable'
  | 'too-deep'
  | 'sqlite-side-file'
  | 'other-database'
  | 'binary'
  | 'not-in-plan'
  | 'unsupported-format'
  | 'too-large'
  | 'invalid-utf-8'
  | 'parse-error'
  | 'read-error'

export type Disposition =
  | { action: 'import'; importer: 'log'; format: LogFormat; gz: boolean }
  | { action: 'import'; importer: 'context'; format: ContextFormat }
  | { action: 'import'; importer: 'config'; format: ConfigFormat }
  | { action: 'import'; importer: 'state-db' }
  | { action: 'skip'; code: SkipCode; reason: string }
  /** Folders, and Ferry's own files: listed, not counted as source files. */
  | { action: 'none' }

/** Context and config files are read whole; anything bigger than this is not a note or a config. */
export const WHOLE_FILE_LIMIT = 64 << 20

const skip = (code: SkipCode, reason: string): Disposition => ({ action: 'skip', code, reason })

/** An .env outside config/: its values would not be redacted there, so it is not read. */
const strayEnv = (folder: string): Disposition =>
  skip(
    'unsupported-format',
    `an .env file in ${folder}/: settings that may hold secrets are imported from config/ (where their values are redacted); move it there`,
  )

export function dispose(e: WalkEntry): Disposition {
  if (e.class === 'ferry-output' || e.type === 'dir') return { action: 'none' }
  switch (e.type) {
    case 'symlink':
      if (e.symlink?.resolves === 'outside-workspace')
        return skip(
          'outside-workspace',
          `a symbolic link to a path outside the workspace (${e.symlink.target}): not followed, not read`,
        )
      if (e.symlink?.resolves === 'inside-workspace')
        return skip(
          'symlink',
          `a symbolic link (to ${e.symlink.target}, inside the workspace): not followed; what it points to is imported where it lives`,
        )
      return skip(
        'symlink',
        `a symbolic link that leads nowhere (${e.symlink?.resolves ?? 'dangling'}): not followed`,
      )
    case 'special':
      return skip('special', `a special file (${e.special}): never opened`)
    case 'unreadable':
      return skip(
        'unreadable',
        `cannot be read: ${e.error?.code ?? 'ERROR'} ${e.error?.message ?? ''}`.trim(),
      )
    case 'too-deep':
      return skip('too-deep', e.error?.message ?? 'too deep')
    default:
      break
  }
  const name = e.inClaude.slice(e.inClaude.lastIndexOf('/') + 1)
  if (e.inClaude === 'state.db' && e.kind === 'sqlite')
    return { action: 'import', importer: 'state-db' }
  if (/^state\.db-(?:wal|shm|journal)$/.test(e.inClaude))
    return skip(
      'sqlite-side-file',
      'a journal file of state.db: its committed content is read through state.db',
    )
  if (e.kind === 'sqlite')
    return skip(
      'other-database',
      'a SQLite database other than state.db: not part of the plan’s import (it is in the backups)',
    )
  if (/-(?:wal|shm|journal)$/.test(name))
    return skip('sqlite-side-file', 'a SQLite journal file: read through its database, if at all')
  if (e.kind === 'binary')
    return skip(
      'binary',
      e.utf16
        ? 'UTF-16 text (byte-order mark first): log lines are read as UTF-8; convert it (iconv -f UTF-16 -t UTF-8) to import its lines'
        : 'binary content: not a text file the importers read',
    )
  if (e.top === 'logs') {
    if (e.format)
      return { action: 'import', importer: 'log', format: e.format, gz: e.kind === 'gz' }
    if (e.kind === 'env') return strayEnv('logs')
    if (e.kind === 'gz')
      return skip(
        'unsupported-format',
        'compressed, in logs/, but its name does not say a line log (.jsonl, .log, .txt inside the .gz)',
      )
    // The plan moves every file of logs/ to events: any other text (app.err, a file without an
    // extension, a pretty-printed .json) is read as text lines, each kept as its exact bytes.
    return { action: 'import', importer: 'log', format: 'text', gz: false }
  }
  if (e.top === 'context') {
    if (e.size > WHOLE_FILE_LIMIT)
      return skip(
        'too-large',
        `larger than ${WHOLE_FILE_LIMIT >> 20} MiB: context files are read whole`,
      )
    if (e.kind === 'md') return { action: 'import', importer: 'context', format: 'markdown' }
    if (e.kind === 'json') return { action: 'import', importer: 'context', format: 'json' }
    if (e.kind === 'env') return strayEnv('context')
    if (e.kind === 'gz')
      return skip(
        'unsupported-format',
        'compressed, in context/: context files are read whole, as text',
      )
    // The plan moves every file of context/ to context_sessions: any other text (a .jsonl
    // transcript, YAML notes, a file without an extension) is one row, its exact bytes kept.
    return { action: 'import', importer: 'context', format: 'text' }
  }
  if (e.top === 'config') {
    if (e.size > WHOLE_FILE_LIMIT)
      return skip(
        'too-large',
        `larger than ${WHOLE_FILE_LIMIT >> 20} MiB: config files are read whole`,
      )
    if (
      e.kind === 'json' ||
      e.kind === 'yaml' ||
      e.kind === 'toml' ||
      e.kind === 'ini' ||
      e.kind === 'env'
    )
      return { action: 'import', importer: 'config', format: e.kind }
    return skip('unsupported-format', 'in config/ but not JSON, YAML, TOML, INI or .env')
  }
  return skip(
    'not-in-plan',
    'outside context/, logs/ and config/: the plan imports only those folders and state.db',
  )
}
