// pre.document-schema: introspect state.db read-only and write .ferry/schema.md (+ schema.json
// for later phases). Never writes to the source.
import { createHash } from 'node:crypto'
import { join, relative } from 'node:path'
import { FerryError } from '../../../shared/contract/envelope'
import { writeFileAtomic } from '../fs/atomic'
import { faultPoint } from '../jobs/faults'
import { throwIfCancelled, type JobContext } from '../jobs/job'
import { countRows, databaseFacts, describeTable, listTables, type SchemaInfo, type TableInfo } from '../sqlite/introspect'
import { openSqliteReadOnly } from '../sqlite/open'
import { ensureFerryDir, type WorkspacePaths } from '../workspace/resolve'
import { renderSchemaMarkdown } from './schema-markdown'
import { existsSync, readFileSync, statSync } from 'node:fs'

export interface DocumentSchemaEvidence extends Record<string, unknown> {
  source: string
  sourceBytes: number
  tableCount: number
  totalRows: number
  document: string
  documentSha256: string
  json: string
  tables: { name: string; rows: number | null; columns: number; indexes: number; foreignKeys: number }[]
  views: number
  triggers: number
  sqliteVersion: string
}

export async function documentSchema(paths: WorkspacePaths, ctx: JobContext, now: () => Date = () => new Date()): Promise<DocumentSchemaEvidence> {
  if (!existsSync(paths.stateDb)) {
    throw new FerryError(
      'STATE_DB_MISSING',
      `No state.db in ${paths.claudeDir}`,
      'This step documents .claude/state.db; check that the workspace is the right folder.',
    )
  }
  const db = openSqliteReadOnly(paths.stateDb)
  let schema: SchemaInfo
  try {
    const rows = listTables(db)
    const tables: TableInfo[] = []
    ctx.progress(0, rows.length, 'tables', 'Reading the schema')
    for (const [i, row] of rows.entries()) {
      throwIfCancelled(ctx.signal)
      ctx.progress(i, rows.length, 'tables', `Counting rows of ${row.name}`)
      tables.push({ ...describeTable(db, row), ...countRows(db, row.name) })
      // Yield so a cancel message can arrive between tables.
      await new Promise((r) => setImmediate(r))
      await faultPoint('document-schema:after-table', ctx.signal)
    }
    schema = { ...databaseFacts(db), tables }
  } finally {
    db.close()
  }
  throwIfCancelled(ctx.signal)
  ensureFerryDir(paths)
  const md = renderSchemaMarkdown(relative(paths.root, paths.stateDb), schema, now().toISOString())
  const docPath = join(paths.ferryDir, 'schema.md')
  const jsonPath = join(paths.ferryDir, 'schema.json')
  writeFileAtomic(docPath, md)
  writeFileAtomic(jsonPath, JSON.stringify(schema, null, 2))
  ctx.progress(schema.tables.length, schema.tables.length, 'tables', 'Schema document written')
  ctx.log('info', `Documented ${schema.tables.length} tables of state.db in ${relative(paths.root, docPath)}`)
  return {
    source: paths.stateDb,
    sourceBytes: statSync(paths.stateDb).size,
    tableCount: schema.tables.length,
    totalRows: schema.tables.reduce((n, t) => n + (t.rowCount ?? 0), 0),
    document: docPath,
    documentSha256: createHash('sha256').update(md).digest('hex'),
    json: jsonPath,
    tables: schema.tables.map((t) => ({
      name: t.name,
      rows: t.rowCount,
      columns: t.columns.length,
      indexes: t.indexes.length,
      foreignKeys: t.foreignKeys.length,
    })),
    views: schema.views.length,
    triggers: schema.triggers.length,
    sqliteVersion: schema.sqliteVersion,
  }
}

/** The profile that pre.document-schema wrote last (.ferry/schema.json), or null. */
export function readSchemaProfile(paths: WorkspacePaths): Record<string, unknown> | null {
  const file = join(paths.ferryDir, 'schema.json')
  if (!existsSync(file)) return null
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
}
