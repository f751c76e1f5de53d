// One schema of the PostgreSQL target as an inspector source. Values are read as the server's
// text (the pool parses nothing), so int8, numeric and timestamps arrive exactly as stored.
import type pg from 'pg'
import { FerryError } from '../../../shared/contract/envelope'
import type { ColumnInfo, TableInfo } from '../../../shared/contract/inspect'
import {
  fullValue,
  HEX_PREVIEW_BYTES,
  LONG_VALUE_BYTES,
  pgCell,
  pgPreviewCell,
  TEXT_PREVIEW,
  type KeyValue,
} from './cells'
import type { Dialect } from './keyset'
import type { InspectSource, QueryRows, TableMeta } from './source'

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`
/**
 * The types whose large values PostgreSQL cuts to a preview itself (Dialect.preview); columns of
 * other types are read as they are, with no per-value test (format_type spellings).
 */
const CUT_TYPES = /^(text|character varying(\(\d+\))?|json|jsonb|bytea)$/

export const PG: Dialect = {
  name: 'pg',
  quote,
  nullsLargest: true,
  preview: {
    sql: (c, type) => {
      if (type === null || !CUT_TYPES.test(type)) return null
      // text, varchar and bytea know their size without being read (TOAST header); json/jsonb
      // are measured as text.
      const json = type === 'json' || type === 'jsonb'
      const long = `octet_length(${json ? `${c}::text` : c}) > ${LONG_VALUE_BYTES}`
      const meta =
        type === 'bytea'
          ? `'bytea:' || octet_length(${c}) || ':' || encode(substring(${c} from 1 for ${HEX_PREVIEW_BYTES}), 'hex')`
          : `${json ? `'${type}'` : "'text'"} || ':' || char_length(${c}::text) || ':' || left(${c}::text, ${TEXT_PREVIEW})`
      return {
        // NULL in the value's own type (its oid types the other rows' cells); the meta has it all.
        value: `CASE WHEN ${long} THEN NULL ELSE ${c} END`,
        meta: `CASE WHEN ${long} THEN ${meta} END`,
      }
    },
    cell: pgPreviewCell,
  },
}
/** Catalog metadata is re-read after this long (there is no data_version on PostgreSQL). */
const META_TTL_MS = 30_000

interface TableRow {
  name: string
  oid: number
  estimate: string
  bytes: string
  indexes: number
}

export class PgSource implements InspectSource {
  readonly dialect = PG
  private metas = new Map<string, { at: number; meta: TableMeta }>()

  constructor(
    private readonly pool: pg.Pool,
    readonly schema: string,
  ) {}

  private async run(sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
    try {
      return await this.pool.query({ text: sql, values: params, rowMode: 'array' })
    } catch (err) {
      const e = err as Error & { code?: string }
      const code =
        e.code === '57014'
          ? 'QUERY_TIMEOUT'
          : e.code?.startsWith('22')
            ? 'BAD_VALUE'
            : 'QUERY_FAILED'
      throw new FerryError(
        code,
        `Reading schema "${this.schema}" on the target failed: ${e.message}`,
        'Check the filter values, and that the target is connected.',
      )
    }
  }

  private async tableRows(only?: string): Promise<TableRow[]> {
    const r = await this.run(
      `SELECT c.relname, c.oid::int, c.reltuples::bigint::text, pg_total_relation_size(c.oid)::text,
              (SELECT count(*)::int FROM pg_index i WHERE i.indrelid = c.oid)
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND ($2::text IS NULL OR c.relname = $2)
        ORDER BY c.relname`,
      [this.schema, only ?? null],
    )
    return r.rows.map((row: string[]) => ({
      name: row[0]!,
      oid: Number(row[1]),
      estimate: row[2]!,
      bytes: row[3]!,
      indexes: Number(row[4]),
    }))
  }

  async tables(): Promise<TableInfo[]> {
    const out: TableInfo[] = []
    for (const t of await this.tableRows()) {
      const meta = await this.meta(t.name, t)
      const est = Number(t.estimate)
      out.push({
        ...meta.info,
        rows: est < 0 ? null : est,
        rowsExact: false,
        bytes: Number(t.bytes),
        bytesFrom: 'pg',
        indexes: t.indexes,
      })
    }
    return out
  }

  async meta(table: string, row?: TableRow): Promise<TableMeta> {
    const cached = this.metas.get(table)
    if (cached && Date.now() - cached.at < META_TTL_MS) return cached.meta
    const t = row ?? (await this.tableRows(table))[0]
    if (!t) {
      throw new FerryError(
        'NO_SUCH_TABLE',
        `Schema "${this.schema}" on the target has no table "${table}".`,
        'Reload the tables list.',
      )
    }
    const cols = await this.run(
      `SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
              coalesce((SELECT k.n FROM unnest(pk.indkey::int2[]) WITH ORDINALITY k(att, n) WHERE k.att = a.attnum), 0),
              EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = a.attrelid AND i.indkey[0] = a.attnum)
         FROM pg_attribute a
         LEFT JOIN pg_index pk ON pk.indrelid = a.attrelid AND pk.indisprimary
        WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attnum`,
      [t.oid],
    )
    const declared = await this.declaredTypes(table)
    const columns: ColumnInfo[] = cols.rows.map((c: unknown[]) => ({
      name: String(c[0]),
      declaredType: declared.get(String(c[0])) ?? String(c[1]),
      pgType: String(c[1]),
      notNull: c[2] === 't',
      pk: Number(c[3]),
      sortable: c[4] === 't',
    }))
    const pk = columns.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk)
    const key: TableInfo['key'] = pk.length
      ? { kind: 'pk', columns: pk.map((c) => c.name) }
      : { kind: 'ctid', columns: [] }
    const meta: TableMeta = {
      info: {
        name: table,
        rows: null,
        rowsExact: false,
        bytes: null,
        bytesFrom: 'pg',
        indexes: t.indexes,
        key,
        columns,
        migration: null,
      },
      from: `${quote(this.schema)}.${quote(table)}`,
      keyExprs: pk.length ? pk.map((c) => quote(c.name)) : ['ctid'],
      version: String(Math.floor(Date.now() / META_TTL_MS)),
    }
    this.metas.set(table, { at: Date.now(), meta })
    return meta
  }

  /** The SQLite declared types Phase 3 recorded in ferry_run.plan, when this schema has one. */
  private async declaredTypes(table: string): Promise<Map<string, string>> {
    const out = new Map<string, string>()
    try {
      const has = await this.run(`SELECT to_regclass($1) IS NOT NULL`, [
        `${quote(this.schema)}."ferry_run"`,
      ])
      if (has.rows[0]?.[0] !== 't') return out
      const r = await this.run(`SELECT plan::text FROM ${quote(this.schema)}."ferry_run" LIMIT 1`)
      const plan = JSON.parse(String(r.rows[0]?.[0] ?? '{}')) as {
        tables?: { target: string; columns: { target: string; declaredType: string }[] }[]
      }
      for (const c of plan.tables?.find((x) => x.target === table)?.columns ?? [])
        out.set(c.target, c.declaredType)
    } catch {
      // No plan, or an older shape: the PostgreSQL type is shown alone.
    }
    return out
  }

  async query(sql: string, params: unknown[]): Promise<QueryRows> {
    const r = await this.run(sql, params)
    const oids = r.fields.map((f) => f.dataTypeID)
    return {
      rows: r.rows as unknown[][],
      cell: (v, col) => pgCell(v as string | null, oids[col] ?? 25),
      full: (v, col) => fullValue(v, oids[col] ?? 25),
    }
  }

  bindKey(v: unknown): unknown {
    const k = v as KeyValue
    if (k === null) return null
    if ('s' in k) return k.s
    if ('i' in k) return k.i
    if ('r' in k) return String(k.r)
    return `\\x${k.b}`
  }

  bindTyped(text: string): unknown {
    return text
  }

  async count(meta: TableMeta, whereSql: string, params: unknown[]): Promise<number> {
    const r = await this.run(`SELECT count(*)::text FROM ${meta.from}${whereSql}`, params)
    return Number(r.rows[0]?.[0])
  }

  async close(): Promise<void> {
    this.metas.clear()
  }
}
