// .claude/memory.db: state.db's tables copied as they are, plus Ferry's tables for the file
// imports and their ledger. The first build happens in `.memory.db.building` and is renamed into
// place only when complete (a crash leaves no half-built memory.db, and the next run continues the
// building file from its ledger); later runs update memory.db in place, one transaction per batch.
import Database from 'better-sqlite3'
import { existsSync, renameSync } from 'node:fs'
import { join } from 'node:path'
import { FerryError } from '../../../shared/contract/envelope'
import { refuseLinkOut } from '../fs/link-out'
import { fsyncDir } from '../fs/atomic'
import type { WorkspacePaths } from '../workspace/resolve'

export type MemoryDb = Database.Database

export const FERRY_TABLES = [
  'import_files',
  'import_runs',
  'import_state_tables',
  'import_redactions',
  'file_events',
  'file_context_sessions',
  'file_configurations',
] as const

const SCHEMA = `
CREATE TABLE IF NOT EXISTS import_files (
  file_id INTEGER PRIMARY KEY,
  path TEXT NOT NULL,
  path_hex TEXT NOT NULL UNIQUE,
  importer TEXT NOT NULL,
  format TEXT,
  size INTEGER NOT NULL,
  committed_offset INTEGER NOT NULL DEFAULT 0,
  committed_line INTEGER NOT NULL DEFAULT 1,
  prefix_sha256 BLOB,
  file_sha256 BLOB,
  error TEXT,
  first_imported_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS import_runs (
  run_id TEXT PRIMARY KEY,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  rows_added INTEGER,
  rows_removed INTEGER,
  summary TEXT
);
CREATE TABLE IF NOT EXISTS import_state_tables (
  table_name TEXT PRIMARY KEY,
  create_sql TEXT NOT NULL,
  rows INTEGER NOT NULL,
  digest BLOB NOT NULL,
  redactions INTEGER NOT NULL DEFAULT 0,
  imported_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS import_redactions (
  table_name TEXT NOT NULL,
  row_key TEXT NOT NULL,
  column_name TEXT NOT NULL,
  hits INTEGER NOT NULL,
  PRIMARY KEY (table_name, row_key, column_name)
);
CREATE TABLE IF NOT EXISTS file_events (
  id INTEGER PRIMARY KEY,
  file_id INTEGER NOT NULL REFERENCES import_files(file_id),
  source_offset INTEGER NOT NULL,
  source_line INTEGER NOT NULL,
  line_count INTEGER NOT NULL,
  ts TEXT,
  level TEXT,
  agent_id TEXT,
  event_type TEXT,
  message TEXT,
  payload TEXT,
  raw BLOB NOT NULL,
  content_sha256 BLOB NOT NULL,
  parse_error TEXT,
  redactions INTEGER NOT NULL DEFAULT 0,
  UNIQUE (file_id, source_offset)
);
CREATE INDEX IF NOT EXISTS idx_file_events_agent_id ON file_events(agent_id);
CREATE TABLE IF NOT EXISTS file_context_sessions (
  id INTEGER PRIMARY KEY,
  file_id INTEGER NOT NULL UNIQUE REFERENCES import_files(file_id),
  format TEXT NOT NULL,
  folder TEXT,
  agent_id TEXT,
  session_id TEXT,
  title TEXT,
  created_at TEXT,
  body TEXT,
  metadata TEXT,
  raw BLOB NOT NULL,
  content_sha256 BLOB NOT NULL,
  parse_error TEXT,
  redactions INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS idx_file_context_sessions_agent_id ON file_context_sessions(agent_id);
CREATE TABLE IF NOT EXISTS file_configurations (
  id INTEGER PRIMARY KEY,
  file_id INTEGER NOT NULL REFERENCES import_files(file_id),
  source_index INTEGER NOT NULL,
  source_line INTEGER,
  scope TEXT NOT NULL,
  agent_id TEXT,
  config_key TEXT NOT NULL,
  config_value TEXT,
  is_secret INTEGER NOT NULL,
  content_sha256 BLOB NOT NULL,
  parse_error TEXT,
  redactions INTEGER NOT NULL DEFAULT 0,
  UNIQUE (file_id, source_index)
);
CREATE INDEX IF NOT EXISTS idx_file_configurations_agent_id ON file_configurations(agent_id);
`

export const BUILDING_NAME = '.memory.db.building'

export function memoryDbPath(paths: WorkspacePaths): string {
  return join(paths.claudeDir, 'memory.db')
}

export interface OpenedMemoryDb {
  db: MemoryDb
  /** Where it is open: memory.db itself, or the building file of a first build. */
  file: string
  firstBuild: boolean
  /** A building file of an interrupted first build was found and is being continued. */
  resumed: boolean
}

function configure(db: MemoryDb): void {
  db.pragma('busy_timeout = 5000')
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  // state.db's own orphans are copied as they are; foreign_key_check reports them afterwards.
  db.pragma('foreign_keys = OFF')
  // Replaced rows are overwritten on disk, not left in free pages.
  db.pragma('secure_delete = ON')
  // Room for the indexes' hot pages while a million rows go in (bounded: 32 MiB).
  db.pragma('cache_size = -32768')
}

/**
 * Opens (or starts) memory.db. `encoding`: state.db's text encoding — a new memory.db is created
 * in it, so state.db's text bytes are copied as they are (a UTF-16 state.db, too).
 */
export function openMemoryDb(paths: WorkspacePaths, encoding = 'UTF-8'): OpenedMemoryDb {
  const final = memoryDbPath(paths)
  const firstBuild = !existsSync(final)
  const file = firstBuild ? join(paths.claudeDir, BUILDING_NAME) : final
  const resumed = firstBuild && existsSync(file)
  refuseLinkOut(file)
  let db: MemoryDb
  try {
    db = new Database(file)
  } catch (err) {
    throw new FerryError(
      'MEMORY_DB_OPEN_FAILED',
      `Cannot open ${file}: ${(err as Error).message}`,
      'Check the permissions of the .claude folder.',
    )
  }
  // Only a database with nothing in it yet takes an encoding (before WAL writes the header).
  if (tableCount(db) === 0 && /^UTF-16(le|be)$/i.test(encoding))
    db.pragma(`encoding = '${encoding}'`)
  configure(db)
  const clash = db
    .prepare(
      `SELECT name FROM sqlite_schema WHERE type = 'table' AND name IN (${FERRY_TABLES.map(() => '?').join(',')})`,
    )
    .all(...FERRY_TABLES) as { name: string }[]
  if (!firstBuild && clash.length === 0 && tableCount(db) > 0) {
    db.close()
    throw new FerryError(
      'MEMORY_DB_FOREIGN',
      `${final} exists but was not built by Ferry (it has no import_files table)`,
      'Move that file aside; Ferry will not write into a database it did not create.',
    )
  }
  db.exec(SCHEMA)
  return { db, file, firstBuild, resumed }
}

function tableCount(db: MemoryDb): number {
  return (
    db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'").get() as {
      n: number
    }
  ).n
}

/** Ends a run: back to a rollback journal, close, and on a first build move the file into place. */
export function finishMemoryDb(paths: WorkspacePaths, opened: OpenedMemoryDb): void {
  // WAL while writing (one fsync per batch); a single self-contained file at rest, so readers
  // (read-only ones included) leave no -wal/-shm behind and a copy of the file is the database.
  opened.db.pragma('journal_mode = DELETE')
  opened.db.close()
  if (!opened.firstBuild) return
  renameSync(opened.file, memoryDbPath(paths))
  fsyncDir(paths.claudeDir)
}
