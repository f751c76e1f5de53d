// What the top bar and `ferry status` show about the source: state.db and file counts per area.
// Cheap by design (lstat only, no content reads; the newest backup's manifest for what it found
// damaged); the full inventory is Phase 2's job.
import { lstatSync, opendirSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FileCounts, SourceStatus, WorkspaceSummary } from '../../../shared/contract/types'
import { openWorkspaceDbReadOnly } from '../sqlite/open'
import { BACKUP_ID, backupsDir, MANIFEST_FILE } from '../backup/manifest'
import type { WorkspacePaths } from './resolve'

const MAX_DEPTH = 64

function countFiles(
  dir: string,
  skip: (name: string, depth: number) => boolean = () => false,
): FileCounts {
  const out: FileCounts = { files: 0, bytes: 0 }
  const walk = (d: string, depth: number): void => {
    if (depth > MAX_DEPTH) return
    let handle
    try {
      handle = opendirSync(d)
    } catch {
      return
    }
    try {
      for (let e = handle.readSync(); e; e = handle.readSync()) {
        if (skip(e.name, depth)) continue
        const p = join(d, e.name)
        // Entries are classified by lstat: a symbolic link is counted, never followed.
        if (e.isDirectory()) walk(p, depth + 1)
        else {
          out.files += 1
          try {
            const st = lstatSync(p)
            if (st.isFile()) out.bytes += st.size
          } catch {
            /* vanished or unreadable: counted, no size */
          }
        }
      }
    } finally {
      handle.closeSync()
    }
  }
  walk(dir, 0)
  return out
}

const AREAS = new Set(['context', 'logs', 'config'])
const STATE_FILES = new Set(['state.db', 'state.db-wal', 'state.db-shm', 'state.db-journal'])

export function sourceStatus(paths: WorkspacePaths): SourceStatus {
  let sizeBytes: number | null = null
  let exists = false
  let tables: number | null = null
  let error: string | null = null
  try {
    const st = lstatSync(paths.stateDb)
    exists = true
    sizeBytes = st.size
    if (!st.isFile()) error = 'state.db is not a regular file'
  } catch {
    /* missing */
  }
  if (exists && !error) {
    try {
      const db = openWorkspaceDbReadOnly(paths.stateDb)
      try {
        const row = db
          .prepare(
            "SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
          )
          .get() as { n: number }
        tables = Number(row.n)
      } finally {
        db.close()
      }
    } catch (err) {
      error = `state.db cannot be read as SQLite: ${(err as Error).message}`
    }
  }
  // Opening reads only the schema; a backup reads every page. What the newest backup found
  // damaged stays shown while the file is the same one (size and mtime unchanged since).
  if (exists && !error) error = damagedSinceBackup(paths)
  return {
    stateDb: { path: paths.stateDb, exists, sizeBytes, tables, error },
    context: countFiles(join(paths.claudeDir, 'context')),
    logs: countFiles(join(paths.claudeDir, 'logs')),
    config: countFiles(join(paths.claudeDir, 'config')),
    other: countFiles(
      paths.claudeDir,
      (name, depth) => depth === 0 && (AREAS.has(name) || STATE_FILES.has(name)),
    ),
  }
}

export function workspaceSummary(paths: WorkspacePaths): WorkspaceSummary {
  return {
    root: paths.root,
    claudeDir: paths.claudeDir,
    ferryDir: paths.ferryDir,
    source: sourceStatus(paths),
  }
}

/** The newest backup's finding that state.db is damaged, if the file has not changed since. */
function damagedSinceBackup(paths: WorkspacePaths): string | null {
  try {
    const dir = backupsDir(paths)
    const newest = readdirSync(dir)
      .filter((n) => BACKUP_ID.test(n))
      .sort()
      .pop()
    if (!newest) return null
    const m = JSON.parse(readFileSync(join(dir, newest, MANIFEST_FILE), 'utf8')) as {
      entries?: { path?: string; damaged?: string; size?: number; mtime?: string }[]
    }
    const e = m.entries?.find((x) => x.path === '.claude/state.db' && x.damaged)
    if (!e) return null
    const st = lstatSync(paths.stateDb)
    if (st.size !== e.size || st.mtime.toISOString() !== e.mtime) return null
    return `${e.damaged} (found by backup ${newest}); repair a copy with sqlite3 ".recover", or restore an earlier backup`
  } catch {
    return null // no backups, or one being written: nothing known
  }
}
