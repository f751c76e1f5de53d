// state.db as the importers see it: opened read-only (or the reason it cannot be), its schema,
// and its row counts per table.
import { fromTable } from '../sqlite/integrity'
import { existsSync } from 'node:fs'
import type Database from 'better-sqlite3'
import { openWorkspaceDbReadOnly } from '../sqlite/open'
import type { WorkspacePaths } from '../workspace/resolve'
import { readStateSchema, type StateSchema } from './state-copy'

export interface OpenState {
  src: Database.Database | null
  /** A second read-only connection, for re-reading a cell while src iterates a table. */
  second: Database.Database | null
  schema: StateSchema | null
  error: string | null
  close: () => void
}

export function openState(paths: WorkspacePaths, listed: boolean): OpenState {
  const none = { src: null, second: null, schema: null, close: () => undefined }
  if (!listed || !existsSync(paths.stateDb)) return { ...none, error: null }
  let src: Database.Database
  let second: Database.Database
  try {
    src = openWorkspaceDbReadOnly(paths.stateDb)
  } catch (err) {
    return { ...none, error: (err as Error).message }
  }
  try {
    second = openWorkspaceDbReadOnly(paths.stateDb)
  } catch (err) {
    src.close()
    return { ...none, error: (err as Error).message }
  }
  const close = (): void => {
    for (const db of [src, second]) {
      try {
        db.close()
      } catch {
        // Still busy only when an error interrupted a read: that error is the one to report.
      }
    }
  }
  try {
    return { src, second, schema: readStateSchema(src), error: null, close }
  } catch (err) {
    close()
    return { ...none, error: (err as Error).message }
  }
}

export function stateTableCounts(
  src: Database.Database,
  schema: StateSchema,
): { name: string; rows: number }[] {
  return schema.tables.map((t) => ({
    name: t.name,
    rows: src
      .prepare(`SELECT count(*) FROM ${fromTable(src, t.name)}`)
      .pluck()
      .get() as number,
  }))
}
