// The store's additive schema change: four nullable columns on memory_snapshots and the view
// memory_snapshots_full, installed in one transaction and removed in one by undo.
//
// How readers of the old column keep working during the transition:
// - Rows under the threshold are untouched; new rows written by agents are ordinary inline rows.
// - A moved row has content_path set. Its `content` is NULL where the column allows it, else the
//   marker {"ferry_snapshot_file":"memory_snapshots/<sha256>.json","sha256":…,"bytes":…,"storage":…}
//   (valid JSON, so CHECK (json_valid(content)) holds, and it says where the content went).
// - memory_snapshots_full shows every column with `content` from the row, or that marker, plus
//   content_location ('inline' | 'file'): a reader that only lists snapshots can switch to it.
// - Code that needs the content calls loadSnapshot() (snapshots/reader.ts), which returns inline
//   content as is and file content after checking its SHA-256: the agent store library uses it.
// - The new columns are appended, so `SELECT *` and named-column INSERTs keep working; an
//   `INSERT INTO memory_snapshots VALUES (…)` without a column list would not (reported as a risk).
import { FerryError } from '../../../shared/contract/envelope'
import { quoteIdent, type SqliteDb } from '../sqlite/open'
import {
  SNAPSHOT_TABLE,
  STORE_COLUMNS,
  VIEW_NAME,
  markerFromColumns,
  viewColumnTag,
  type SnapshotTable,
} from './db'

const T = quoteIdent(SNAPSHOT_TABLE)

function viewSql(table: SnapshotTable, content: string): string {
  const store = new Set<string>(STORE_COLUMNS.map(([n]) => n))
  const cols = table.columns
    .filter((c) => !store.has(c))
    .map((c) =>
      c === content
        ? `CASE WHEN "content_path" IS NULL THEN ${quoteIdent(c)} ELSE ${markerFromColumns()} END AS ${quoteIdent(c)}`
        : quoteIdent(c),
    )
  return (
    `CREATE VIEW ${quoteIdent(VIEW_NAME)} AS SELECT /* ${viewColumnTag(content)}: content from the row, or a marker naming its file under .claude/; ` +
    `read file-stored content with loadSnapshot(), which checks the SHA-256 */ ` +
    [
      ...cols,
      ...STORE_COLUMNS.map(([n]) => quoteIdent(n)),
      `CASE WHEN "content_path" IS NULL THEN 'inline' ELSE 'file' END AS "content_location"`,
    ].join(', ') +
    ` FROM ${T}`
  )
}

/** Adds the columns and the view (one transaction); returns the names it added. */
export function installStoreSchema(
  db: SqliteDb,
  table: SnapshotTable,
): { columnsAdded: string[]; viewCreated: boolean } {
  if (table.installed) return { columnsAdded: [], viewCreated: false }
  const content = table.contentColumn
  if (content === null)
    throw new FerryError(
      'SNAPSHOT_NO_CONTENT_COLUMN',
      `${SNAPSHOT_TABLE} has no column the store can move`,
      'Nothing to install: the table holds no large values.',
    )
  if (table.anyStoreColumn) {
    throw new FerryError(
      'SNAPSHOT_COLUMNS_EXIST',
      `${SNAPSHOT_TABLE} already has a column named like the store's (${STORE_COLUMNS.map(([n]) => n).join(', ')}) that Ferry did not add`,
      'Ferry will not reuse columns it does not own. Rename them, or leave this step out.',
    )
  }
  const otherView = db
    .prepare('SELECT type FROM sqlite_schema WHERE name = ? COLLATE NOCASE')
    .pluck()
    .get(VIEW_NAME)
  if (otherView) {
    throw new FerryError(
      'SNAPSHOT_VIEW_EXISTS',
      `state.db already has a ${String(otherView)} named ${VIEW_NAME}`,
      'Ferry will not replace it. Rename it, or leave this step out.',
    )
  }
  const added: string[] = []
  db.transaction(() => {
    for (const [name, type] of STORE_COLUMNS) {
      db.exec(`ALTER TABLE ${T} ADD COLUMN ${quoteIdent(name)} ${type}`)
      added.push(name)
    }
    db.exec(viewSql({ ...table, columns: [...table.columns, ...added] }, content))
  }).immediate()
  return { columnsAdded: added, viewCreated: true }
}

/** Drops the view and the columns (one transaction), only once no row depends on a file. */
export function removeStoreSchema(
  db: SqliteDb,
  table: SnapshotTable,
): { columnsDropped: string[]; viewDropped: boolean } {
  if (!table.installed) return { columnsDropped: [], viewDropped: false }
  const dropped: string[] = []
  db.transaction(() => {
    const stillInFiles = db
      .prepare(`SELECT count(*) FROM ${T} WHERE "content_path" IS NOT NULL`)
      .pluck()
      .get() as number
    if (stillInFiles > 0) {
      throw new FerryError(
        'SNAPSHOT_UNDO_INCOMPLETE',
        `${stillInFiles} snapshots still live in files`,
        'Run the undo again; it puts their content back first.',
      )
    }
    db.exec(`DROP VIEW ${quoteIdent(VIEW_NAME)}`)
    for (const [name] of [...STORE_COLUMNS].reverse()) {
      try {
        db.exec(`ALTER TABLE ${T} DROP COLUMN ${quoteIdent(name)}`)
      } catch (err) {
        throw new FerryError(
          'SNAPSHOT_COLUMN_IN_USE',
          `Cannot drop ${SNAPSHOT_TABLE}.${name}: ${(err as Error).message}`,
          'Something else (an index, trigger or view) now uses this column. Drop that first, then run the undo again; the content is already back in the rows.',
        )
      }
      dropped.push(name)
    }
  }).immediate()
  return { columnsDropped: dropped, viewDropped: true }
}
