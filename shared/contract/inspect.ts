// The table inspector's values (issue 7): sources, tables, pages of rows, the read-only SQL
// console. Cells are JSON-safe and lossless: NULL is null, text is a string (never ''↔NULL),
// integers beyond 2^53 are strings, blobs are a size and a hex preview, long text a prefix.
import { z } from 'zod'

/** 'state' (state.db), 'memory' (.claude/memory.db) or 'pg:<schema>' on the target. */
export const SourceId = z.string().min(1).max(200)
const Name = z.string().min(1).max(1000)

export const Cell = z.union([
  z.null(),
  z.string(),
  z.number(),
  z.boolean(),
  /** An integer outside ±(2^53-1), exact, or a PostgreSQL numeric / special float. */
  z.object({ t: z.literal('num'), v: z.string() }),
  /** Text that parses as a JSON object or array (kept as the original text). */
  z.object({ t: z.literal('json'), v: z.string() }),
  /** Long text: the first characters; the whole value comes from inspect.cell. */
  z.object({ t: z.literal('long'), v: z.string(), chars: z.number().int(), json: z.boolean() }),
  z.object({ t: z.literal('blob'), size: z.number().int(), hex: z.string() }),
])
export type Cell = z.infer<typeof Cell>

export const SourceInfo = z.object({
  id: SourceId,
  kind: z.enum(['sqlite', 'postgres']),
  label: z.string(),
  /** File path, or the target's display (password redacted). */
  location: z.string(),
  available: z.boolean(),
  /** Why it cannot be browsed (missing file, target not connected …). */
  note: z.string().nullable(),
})
export type SourceInfo = z.infer<typeof SourceInfo>

export const ColumnInfo = z.object({
  name: z.string(),
  /** The declared type (SQLite), or the source's declared type Phase 3 recorded (target). */
  declaredType: z.string(),
  /** The PostgreSQL type, on the target only. */
  pgType: z.string().nullable(),
  notNull: z.boolean(),
  /** 1-based position in the primary key, 0 when not part of it. */
  pk: z.number().int(),
  /** The first column of some index (or the key): the grid can sort by it. */
  sortable: z.boolean(),
})
export type ColumnInfo = z.infer<typeof ColumnInfo>

export const TableInfo = z.object({
  name: z.string(),
  /** Exact count when rowsExact, else the planner's estimate (PostgreSQL reltuples). */
  rows: z.number().nullable(),
  rowsExact: z.boolean(),
  bytes: z.number().nullable(),
  /** 'dbstat', 'pages' (estimated from the page count) or 'pg' (pg_total_relation_size). */
  bytesFrom: z.enum(['dbstat', 'pages', 'pg']),
  indexes: z.number().int(),
  /** What pages are keyed by: rowid, the primary key, or ctid (a PostgreSQL table without one). */
  key: z.object({ kind: z.enum(['rowid', 'pk', 'ctid']), columns: z.array(z.string()) }),
  columns: z.array(ColumnInfo),
  /** What Phase 3 (p3.migrate) last did with this table, for memory.db and agent_memory. */
  migration: z
    .object({
      at: z.string().nullable(),
      loadedRows: z.number(),
      rejectedRows: z.number(),
      /** Validation's verdict: equal, different, or null when it did not run. */
      equal: z.boolean().nullable(),
    })
    .nullable(),
})
export type TableInfo = z.infer<typeof TableInfo>

export const Filter = z
  .object({
    column: Name,
    op: z.enum(['eq', 'contains', 'range', 'null', 'notnull']),
    value: z.string().max(10_000).optional(),
    min: z.string().max(10_000).optional(),
    max: z.string().max(10_000).optional(),
  })
  .strict()
export type Filter = z.infer<typeof Filter>

export const ViewRef = z
  .object({
    source: SourceId,
    table: Name,
    sort: z.object({ column: Name, desc: z.boolean() }).strict().nullable().optional(),
    filters: z.array(Filter).max(20).optional(),
  })
  .strict()
export type ViewRef = z.infer<typeof ViewRef>

/**
 * Where a page starts: the first or last rows; after / before a row (its opaque `key`); at a key the
 * user typed (one value per key column); or at a row index (seeks from a sampled key, never OFFSET).
 */
export const PageAt = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('first') }),
  z.object({ mode: z.literal('last') }),
  z.object({ mode: z.literal('after'), key: z.string().max(200_000) }),
  z.object({ mode: z.literal('before'), key: z.string().max(200_000) }),
  z.object({ mode: z.literal('key'), values: z.array(z.string().max(10_000)).min(1).max(16) }),
  z.object({ mode: z.literal('index'), index: z.number().int().min(0).max(1e12) }),
])
export type PageAt = z.infer<typeof PageAt>

export const PageRequest = ViewRef.extend({
  at: PageAt,
  limit: z.number().int().min(1).max(1000),
}).strict()
export type PageRequest = z.infer<typeof PageRequest>

export const Row = z.object({ key: z.string(), cells: z.array(Cell) })
export type Row = z.infer<typeof Row>

export const PageResult = z.object({
  columns: z.array(z.string()),
  rows: z.array(Row),
  /** Index of the first row when known (index and key modes, first/last with a known count). */
  index: z.number().nullable(),
  /** More rows after the last one / before the first one in this order. */
  hasNext: z.boolean(),
  hasPrev: z.boolean(),
  ms: z.number(),
})
export type PageResult = z.infer<typeof PageResult>

export const CountResult = z.object({ rows: z.number(), exact: z.boolean(), ms: z.number() })

export const CellRequest = z
  .object({ source: SourceId, table: Name, key: z.string().max(200_000), column: Name })
  .strict()
export const CellValue = z.object({
  kind: z.enum(['null', 'text', 'blob', 'number', 'boolean']),
  /** Text as is; blobs as hex. Capped at 4 MiB of text / 1 MiB of blob. */
  value: z.string().nullable(),
  /** Characters (text) or bytes (blob) of the whole value. */
  size: z.number(),
  truncated: z.boolean(),
  json: z.boolean(),
})
export type CellValue = z.infer<typeof CellValue>

export const SqlRequest = z
  .object({ source: SourceId, sql: z.string().min(1).max(100_000) })
  .strict()

export const SqlResult = z.object({
  columns: z.array(z.object({ name: z.string(), type: z.string().nullable() })),
  rows: z.array(z.array(Cell)),
  /** True when more rows existed than the cap; only the first `cap` are returned. */
  capped: z.boolean(),
  cap: z.number(),
  ms: z.number(),
})
export type SqlResult = z.infer<typeof SqlResult>

export interface PlanNode {
  label: string
  detail: string | null
  children: PlanNode[]
}
export const PlanNode: z.ZodType<PlanNode> = z.lazy(() =>
  z.object({ label: z.string(), detail: z.string().nullable(), children: z.array(PlanNode) }),
)

export const ExplainResult = z.object({
  dialect: z.enum(['sqlite', 'postgres']),
  tree: z.array(PlanNode),
  /** The plan as the database printed it (EXPLAIN QUERY PLAN rows or FORMAT JSON text). */
  raw: z.string(),
  ms: z.number(),
})
export type ExplainResult = z.infer<typeof ExplainResult>

export const HistoryEntry = z.object({
  at: z.string(),
  source: z.string(),
  sql: z.string(),
  kind: z.enum(['run', 'explain']),
  ok: z.boolean(),
  rows: z.number().nullable(),
  ms: z.number().nullable(),
  error: z.string().nullable(),
})
export type HistoryEntry = z.infer<typeof HistoryEntry>
