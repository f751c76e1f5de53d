// The Schema screen's model, from schema.get's JSON (electron/core/sqlite/introspect.ts
// SchemaInfo, plus the data profile when present). Every field is read defensively: a shape
// this code does not know still reaches the screen as label/value pairs ("extras").
import { findingsText, normalizeFindings, type FindingView } from '../format/findings'
import { isPlainObject } from '../format/labels'
import { formatBytes, formatCount, formatDuration, formatNumber } from '../format/numbers'
import type { Fact } from '../format/profile'
import { num, objects, rest, str, tableModel, type TableModel } from './schema-table'

export type { ColumnModel, ForeignKeyModel, IndexModel, TableModel } from './schema-table'

const DOC_KEYS = new Set([
  'sqliteVersion',
  'pageSize',
  'pageCount',
  'encoding',
  'journalMode',
  'userVersion',
  'views',
  'triggers',
  'tables',
  'findings',
  'profileMs',
])

export interface SchemaModel {
  facts: Fact[]
  tables: TableModel[]
  findings: FindingView[]
  totalRows: number
  extras: Record<string, unknown>
}

export function schemaModel(doc: Record<string, unknown>, evidenceFindings?: unknown): SchemaModel {
  let docFindings = normalizeFindings(doc.findings)
  const rawTables = objects(doc.tables)
  const nested = rawTables.some(
    (t) => Array.isArray(t.findings) || objects(t.columns).some((c) => Array.isArray(c.findings)),
  )
  if (docFindings.length === 0 && !nested) docFindings = normalizeFindings(evidenceFindings)
  const tables = rawTables.map((t) => tableModel(t, docFindings))
  const named = new Set(tables.map((t) => t.name))
  const findings = [
    ...tables.flatMap((t) => t.findings),
    ...docFindings.filter((f) => !f.table || !named.has(f.table)),
  ]
  const totalRows = tables.reduce((n, t) => n + (t.rowCount ?? 0), 0)
  const pageSize = num(doc.pageSize)
  const pageCount = num(doc.pageCount)
  const views = Array.isArray(doc.views)
    ? doc.views.map((v) => (isPlainObject(v) ? String(v.name ?? '') : String(v)))
    : []
  const triggers = objects(doc.triggers).map(
    (t) => `${String(t.name ?? '')}${t.table ? ` on ${String(t.table)}` : ''}`,
  )
  const facts: Fact[] = [
    { key: 'sqlite', label: 'SQLite', text: str(doc.sqliteVersion) ?? '—' },
    { key: 'tables', label: 'Tables', text: formatNumber(tables.length) },
    { key: 'rows', label: 'Rows', text: formatCount(totalRows, 'row') },
    {
      key: 'size',
      label: 'File size',
      text:
        pageSize !== null && pageCount !== null
          ? `${formatBytes(pageSize * pageCount)} (${formatNumber(pageCount)} pages × ${formatBytes(pageSize)})`
          : '—',
    },
    { key: 'encoding', label: 'Encoding', text: str(doc.encoding) ?? '—' },
    { key: 'journal', label: 'Journal mode', text: str(doc.journalMode) ?? '—' },
    { key: 'userVersion', label: 'User version', text: num(doc.userVersion)?.toString() ?? '—' },
    ...(num(doc.profileMs) !== null
      ? [{ key: 'profileMs', label: 'Profiled in', text: formatDuration(num(doc.profileMs) ?? 0) }]
      : []),
    { key: 'views', label: 'Views', text: views.length > 0 ? views.join(', ') : 'none' },
    {
      key: 'triggers',
      label: 'Triggers',
      text: triggers.length > 0 ? triggers.join(', ') : 'none',
    },
  ]
  return { facts, tables, findings, totalRows, extras: rest(doc, DOC_KEYS) }
}

export interface TableListItem {
  name: string
  rowsText: string
  metaText: string
  /** "2 findings" or null */
  findingsText: string | null
  unindexedFks: number
}

export function tableList(tables: TableModel[], filter: string): TableListItem[] {
  const needle = filter.trim().toLowerCase()
  return tables
    .filter((t) => needle === '' || t.name.toLowerCase().includes(needle))
    .map((t) => ({
      name: t.name,
      rowsText: t.rowsText,
      metaText: t.metaText,
      findingsText: findingsText(t.findings.length),
      unindexedFks: t.unindexedFks,
    }))
}

/** The table to show: the chosen one if it exists, else the first one the filter lets through. */
export function pickTable(
  tables: TableModel[],
  selected: string | null,
  filter: string,
): TableModel | null {
  const chosen = selected === null ? undefined : tables.find((t) => t.name === selected)
  if (chosen) return chosen
  const first = tableList(tables, filter)[0]
  return first ? (tables.find((t) => t.name === first.name) ?? null) : null
}
