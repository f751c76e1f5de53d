// pre.document-schema: introspect state.db read-only, profile what its columns really hold, and
// write .ferry/schema.md (+ schema.json for later phases). Never writes to the source.
import { createHash } from 'node:crypto'
import { join, relative } from 'node:path'
import { FerryError } from '../../../shared/contract/envelope'
import { writeFileAtomic } from '../fs/atomic'
import { faultPoint } from '../jobs/faults'
import { throwIfCancelled, type JobContext } from '../jobs/job'
import {
  countRows,
  databaseFacts,
  describeTable,
  listTables,
  type SchemaInfo,
  type TableInfo,
} from '../sqlite/introspect'
import { openWorkspaceDbReadOnly } from '../sqlite/open'
import { addProfileFunctions, profileTable, type ProfiledTable } from '../sqlite/profile'
import { renderProfileMarkdown } from '../sqlite/profile-markdown'
import type { Finding } from '../sqlite/profile-types'
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
  tables: {
    name: string
    rows: number | null
    columns: number
    indexes: number
    foreignKeys: number
  }[]
  views: number
  triggers: number
  sqliteVersion: string
  /** Data problems Phase 3 must decide about (orphans, invalid JSON, mixed types, NUL bytes, …). */
  findings: Finding[]
  profileMs: number
  profiledRows: number
}

export async function documentSchema(
  paths: WorkspacePaths,
  ctx: JobContext,
  now: () => Date = () => new Date(),
): Promise<DocumentSchemaEvidence> {
  if (!existsSync(paths.stateDb)) {
    throw new FerryError(
      'STATE_DB_MISSING',
      `No state.db in ${paths.claudeDir}`,
      'This step documents .claude/state.db; check that the workspace is the right folder.',
    )
  }
  const db = openWorkspaceDbReadOnly(paths.stateDb)
  let schema: Omit<SchemaInfo, 'tables'> & {
    tables: ProfiledTable[]
    findings: Finding[]
    profileMs: number
  }
  try {
    const rows = listTables(db)
    const tables: TableInfo[] = []
    // Two passes over the tables: describe and count, then profile (which needs every parent key).
    const total = rows.length * 2
    ctx.progress(0, total, 'tables', 'Reading the schema')
    for (const [i, row] of rows.entries()) {
      throwIfCancelled(ctx.signal)
      ctx.progress(i, total, 'tables', `Counting rows of ${row.name}`)
      tables.push({ ...describeTable(db, row), ...countRows(db, row.name) })
      // Yield so a cancel message can arrive between tables.
      await new Promise((r) => setImmediate(r))
      await faultPoint('document-schema:after-table', ctx.signal)
    }
    const fns = addProfileFunctions(db)
    const profiled: ProfiledTable[] = []
    const findings: Finding[] = []
    const byName = new Map(tables.map((t) => [t.name, t]))
    const profileStarted = Date.now()
    for (const [i, t] of tables.entries()) {
      const at = rows.length + i
      const label = `Profiling ${t.name}`
      ctx.progress(at, total, 'tables', label)
      const tick = async (done: number) => {
        ctx.progress(at, total, 'tables', `${label}: ${done} of ${t.rowCount ?? '?'} rows`)
        await new Promise((r) => setImmediate(r))
        throwIfCancelled(ctx.signal)
      }
      const r = await profileTable(db, fns, t, byName, { tick })
      profiled.push(r.table)
      findings.push(...r.findings)
      ctx.log(
        'debug',
        `Profiled ${t.name} (${r.table.profile.rowsScanned} rows) in ${r.table.profile.ms} ms`,
      )
      await tick(r.table.profile.rowsScanned)
    }
    schema = {
      ...databaseFacts(db),
      tables: profiled,
      findings,
      profileMs: Date.now() - profileStarted,
    }
  } finally {
    db.close()
  }
  throwIfCancelled(ctx.signal)
  ensureFerryDir(paths)
  const md =
    renderSchemaMarkdown(relative(paths.root, paths.stateDb), schema, now().toISOString()) +
    renderProfileMarkdown(schema.tables, schema.findings)
  const docPath = join(paths.ferryDir, 'schema.md')
  const jsonPath = join(paths.ferryDir, 'schema.json')
  writeFileAtomic(docPath, md)
  writeFileAtomic(jsonPath, JSON.stringify(schema, null, 2))
  ctx.progress(
    schema.tables.length * 2,
    schema.tables.length * 2,
    'tables',
    'Schema document written',
  )
  ctx.log(
    'info',
    `Documented ${schema.tables.length} tables of state.db in ${relative(paths.root, docPath)}`,
  )
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
    findings: schema.findings,
    profileMs: schema.profileMs,
    profiledRows: schema.tables.reduce((n, t) => n + t.profile.rowsScanned, 0),
  }
}

/** The profile that pre.document-schema wrote last (.ferry/schema.json), or null. */
export function readSchemaProfile(paths: WorkspacePaths): Record<string, unknown> | null {
  const file = join(paths.ferryDir, 'schema.json')
  if (!existsSync(file)) return null
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
  } catch (err) {
    throw new FerryError(
      'SCHEMA_PROFILE_UNREADABLE',
      `${file} cannot be read: ${(err as Error).message}`,
      'Run "Document current data schema" again to rewrite it.',
    )
  }
}
