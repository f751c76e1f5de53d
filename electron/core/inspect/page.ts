// Pages of one table view by keyset: first/last, after/before a row, at a typed key, or at a row
// index. Index pages seek from a sampled key (the page map: every 200th row's order tuple, read
// once per view and data version), so scrolling to row 900,000 never runs OFFSET 900000.
import { FerryError } from '../../../shared/contract/envelope'
import type {
  CellValue,
  PageAt,
  PageRequest,
  PageResult,
  Row,
  ViewRef,
} from '../../../shared/contract/inspect'
import { decodeKey, encodeKey } from './cells'
import { afterSql, Binds, filterSql, orderBy, reverse, where, type OrderCol } from './keyset'
import { MAP_STEP, PageMap } from './page-map'
import type { InspectSource, TableMeta } from './source'

export interface View {
  meta: TableMeta
  order: OrderCol[]
  /** The column name behind each order expression (for typing values the user entered). */
  orderNames: string[]
  /** Filter terms, written into a fresh Binds for each query (placeholders are positional). */
  filters(binds: Binds): string[]
  cacheKey: string
}

export async function buildView(src: InspectSource, ref: ViewRef): Promise<View> {
  const meta = await src.meta(ref.table)
  const d = src.dialect
  const names = meta.info.columns.map((c) => c.name)
  const keys: OrderCol[] = meta.keyExprs.map((expr) => ({ expr, desc: false, nullable: false }))
  let order = keys
  const keyNames = meta.info.key.kind === 'pk' ? meta.info.key.columns : meta.keyExprs
  let orderNames = keyNames
  if (ref.sort) {
    const col = meta.info.columns.find((c) => c.name === ref.sort!.column)
    if (!col)
      throw new FerryError(
        'NO_SUCH_COLUMN',
        `Table "${ref.table}" has no column "${ref.sort.column}".`,
        'Pick a column from the header.',
      )
    if (!col.sortable) {
      throw new FerryError(
        'NOT_INDEXED',
        `Sorting "${ref.table}" by "${col.name}" would read the whole table: the column has no index.`,
        'Sort by a column marked as indexed, or filter instead.',
      )
    }
    const desc = ref.sort.desc
    const isKey = meta.info.key.columns.length === 1 && meta.info.key.columns[0] === col.name
    order = isKey
      ? keys.map((k) => ({ ...k, desc }))
      : [
          { expr: d.quote(col.name), desc, nullable: !col.notNull },
          ...keys.map((k) => ({ ...k, desc })),
        ]
    if (!isKey) orderNames = [col.name, ...keyNames]
  }
  const jsonCols = new Set(
    meta.info.columns
      .filter((c) => c.pgType !== null && /^jsonb?$/.test(c.pgType))
      .map((c) => c.name),
  )
  const eqExpr = (c: string): string => (jsonCols.has(c) ? `${d.quote(c)}::text` : d.quote(c))
  const filters = ref.filters ?? []
  return {
    meta,
    order,
    orderNames,
    filters: (binds) => filterSql(d, filters, names, binds, eqExpr),
    cacheKey: JSON.stringify([ref.table, ref.sort ?? null, filters, meta.version]),
  }
}

function selectSql(
  src: InspectSource,
  v: View,
  terms: string[],
  order: OrderCol[],
  limit: number,
): string {
  const d = src.dialect
  const cols = v.meta.info.columns.map((c) => d.quote(c.name))
  // Each column's value (its preview when large), then each column's meta (Dialect.preview).
  // Named apart: PostgreSQL names CASE … ELSE "id" END "id", and ORDER BY "id" would then be
  // ambiguous; the names are ones no table's column has (ORDER BY never meets them).
  const cut = d.preview
    ? v.meta.info.columns.map((c, i) => d.preview!.sql(cols[i]!, c.pgType))
    : null
  const items = cut
    ? [
        ...cut.map((x, i) => (x ? `${x.value} AS ${d.quote(`ferry·value·${i}`)}` : cols[i]!)),
        ...cut.map((x, i) => `${x ? x.meta : 'NULL'} AS ${d.quote(`ferry·meta·${i}`)}`),
      ]
    : cols
  return `SELECT ${[...v.order.map((o) => o.expr), ...items].join(', ')} FROM ${v.meta.from}${where(terms)} ORDER BY ${orderBy(src.dialect, order)} LIMIT ${Math.floor(limit)}`
}

async function fetchRows(
  src: InspectSource,
  v: View,
  at: { values: unknown[]; inclusive: boolean } | null,
  backwards: boolean,
  limit: number,
): Promise<Row[]> {
  const binds = new Binds(src.dialect)
  const terms = v.filters(binds)
  const order = backwards ? reverse(v.order) : v.order
  if (at)
    terms.push(
      afterSql(src.dialect, order.slice(0, at.values.length), at.values, binds, at.inclusive),
    )
  const r = await src.query(selectSql(src, v, terms, order, limit), binds.values)
  const w = v.order.length
  const n = v.meta.info.columns.length
  const preview = src.dialect.preview
  const rows = r.rows.map((raw) => ({
    key: encodeKey(raw.slice(0, w)),
    cells: raw.slice(w, w + n).map((val, i) => {
      const meta = raw[w + n + i]
      return preview && meta !== null && meta !== undefined
        ? preview.cell(val, String(meta))
        : r.cell(val, i + w)
    }),
  }))
  return backwards ? rows.reverse() : rows
}

export class Pager {
  /** Page maps and exact counts of recent views (a view's key includes the data version). */
  private maps = new Map<string, PageMap>()
  private counts = new Map<string, number>()

  constructor(private readonly src: InspectSource) {}

  async page(req: PageRequest): Promise<PageResult> {
    const started = performance.now()
    const v = await buildView(this.src, req)
    const result = await this.pageOf(v, req.at, req.limit)
    return {
      columns: v.meta.info.columns.map((c) => c.name),
      ...result,
      ms: Math.round((performance.now() - started) * 10) / 10,
    }
  }

  private decode(v: View, key: string): unknown[] {
    return decodeKey(key, v.order.length).map((k) => this.src.bindKey(k))
  }

  private async pageOf(
    v: View,
    at: PageAt,
    limit: number,
  ): Promise<Omit<PageResult, 'columns' | 'ms'>> {
    const more = limit + 1
    switch (at.mode) {
      case 'first': {
        const rows = await fetchRows(this.src, v, null, false, more)
        return {
          rows: rows.slice(0, limit),
          index: 0,
          hasNext: rows.length > limit,
          hasPrev: false,
        }
      }
      case 'last': {
        const rows = await fetchRows(this.src, v, null, true, more)
        const total = this.counts.get(v.cacheKey)
        const page = rows.slice(-limit)
        return {
          rows: page,
          index: total !== undefined ? total - page.length : null,
          hasNext: false,
          hasPrev: rows.length > limit,
        }
      }
      case 'after': {
        const rows = await fetchRows(
          this.src,
          v,
          { values: this.decode(v, at.key), inclusive: false },
          false,
          more,
        )
        return {
          rows: rows.slice(0, limit),
          index: null,
          hasNext: rows.length > limit,
          hasPrev: true,
        }
      }
      case 'before': {
        const rows = await fetchRows(
          this.src,
          v,
          { values: this.decode(v, at.key), inclusive: false },
          true,
          more,
        )
        return {
          rows: rows.slice(-limit),
          index: null,
          hasNext: true,
          hasPrev: rows.length > limit,
        }
      }
      case 'key': {
        if (at.values.length > v.order.length) {
          throw new FerryError(
            'BAD_KEY',
            `This view is ordered by ${v.order.length} column(s); ${at.values.length} values were given.`,
            'Enter one value per key column.',
          )
        }
        const values = at.values.map((t, i) => this.src.bindTyped(t, v.orderNames[i] ?? '', v.meta))
        const rows = await fetchRows(this.src, v, { values, inclusive: true }, false, more)
        const index = await this.countBefore(v, values)
        return {
          rows: rows.slice(0, limit),
          index,
          hasNext: rows.length > limit,
          hasPrev: index > 0,
        }
      }
      case 'index': {
        const total = await this.countView(v)
        const block = Math.floor(at.index / MAP_STEP)
        const anchor = at.index < total ? await this.map(v).anchor(block) : undefined
        if (!anchor) return { rows: [], index: at.index, hasNext: false, hasPrev: total > 0 }
        const skip = at.index - block * MAP_STEP
        const rows = await fetchRows(
          this.src,
          v,
          { values: anchor, inclusive: true },
          false,
          skip + limit,
        )
        const page = rows.slice(skip)
        return {
          rows: page,
          index: at.index,
          hasNext: at.index + page.length < total,
          hasPrev: at.index > 0,
        }
      }
    }
  }

  private async countBefore(v: View, values: unknown[]): Promise<number> {
    const binds = new Binds(this.src.dialect)
    const terms = v.filters(binds)
    const rev = reverse(v.order).slice(0, values.length)
    terms.push(afterSql(this.src.dialect, rev, values, binds, false))
    return this.src.count(v.meta, where(terms), binds.values)
  }

  /** The view's page map, started on first use (see page-map.ts). */
  private map(v: View): PageMap {
    const cached = this.maps.get(v.cacheKey)
    if (cached) return cached
    const d = this.src.dialect
    const binds = new Binds(d)
    const terms = v.filters(binds)
    const ord = orderBy(d, v.order)
    const exprs = v.order.map((o, i) => `${o.expr} AS k${i}`).join(', ')
    const ks = v.order.map((_, i) => `k${i}`).join(', ')
    const ordered = `SELECT ${exprs} FROM ${v.meta.from}${where(terms)} ORDER BY ${ord}`
    const windowed =
      `SELECT ${ks} FROM (SELECT ${exprs}, row_number() OVER (ORDER BY ${ord}) AS rn` +
      ` FROM ${v.meta.from}${where(terms)}) s WHERE (rn - 1) % ${MAP_STEP} = 0 ORDER BY rn`
    const map = new PageMap(this.src, ordered, windowed, binds.values)
    // Keep a few recent views; an older one's pass is stopped.
    for (const [key, old] of [...this.maps].slice(0, Math.max(0, this.maps.size - 3))) {
      old.cancel()
      this.maps.delete(key)
    }
    this.maps.set(v.cacheKey, map)
    return map
  }

  private async countView(v: View): Promise<number> {
    const cached = this.counts.get(v.cacheKey)
    if (cached !== undefined) return cached
    const binds = new Binds(this.src.dialect)
    const terms = v.filters(binds)
    const n = await this.src.count(v.meta, where(terms), binds.values)
    if (this.counts.size > 50) this.counts.clear()
    this.counts.set(v.cacheKey, n)
    return n
  }

  /** The exact count of a view; a view longer than two pages starts its page map meanwhile. */
  async count(ref: ViewRef): Promise<number> {
    const v = await buildView(this.src, ref)
    const n = await this.countView(v)
    if (n > 2 * MAP_STEP) this.map(v)
    return n
  }

  async cell(table: string, key: string, column: string): Promise<CellValue> {
    const meta = await this.src.meta(table)
    if (!meta.info.columns.some((c) => c.name === column)) {
      throw new FerryError(
        'NO_SUCH_COLUMN',
        `Table "${table}" has no column "${column}".`,
        'Reload the table.',
      )
    }
    const raw = JSON.parse(Buffer.from(key, 'base64url').toString('utf8')) as unknown[]
    const n = meta.keyExprs.length
    if (!Array.isArray(raw) || raw.length < n)
      throw new FerryError(
        'BAD_KEY',
        'The row key does not belong to this table.',
        'Reload the table.',
      )
    const values = decodeKey(key, raw.length)
      .slice(-n)
      .map((k) => this.src.bindKey(k))
    const binds = new Binds(this.src.dialect)
    const terms = meta.keyExprs.map((e, i) => `${e} = ${binds.add(values[i])}`)
    const r = await this.src.query(
      `SELECT ${this.src.dialect.quote(column)} FROM ${meta.from}${where(terms)}`,
      binds.values,
    )
    const row = r.rows[0]
    if (!row)
      throw new FerryError(
        'ROW_GONE',
        `The row is no longer in "${table}".`,
        'Reload the table: it may have been deleted.',
      )
    return r.full(row[0], 0)
  }
}
