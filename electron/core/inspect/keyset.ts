// The SQL of one table view, for SQLite and PostgreSQL alike: filters as bound parameters, every
// identifier quoted, and keyset predicates over (sort column, key columns) that know where each
// dialect puts NULLs — so pages never use OFFSET and never skip or repeat a row.
import { FerryError } from '../../../shared/contract/envelope'
import type { Cell, Filter } from '../../../shared/contract/inspect'

export interface Dialect {
  name: 'sqlite' | 'pg'
  quote(name: string): string
  /** SQLite sorts NULL first ascending; PostgreSQL sorts it last (NULL is the largest value). */
  nullsLargest: boolean
  /**
   * Large values cut to their preview by the database itself (cells.ts): a grid page's select
   * items for a (quoted) column — `value` (the value, or its head or NULL when large) and `meta`
   * (NULL, or what `previewCell` needs to describe the whole) — and the cell made of the two.
   * Absent: values are read whole.
   */
  preview?: {
    /** Null: values of this column (its PostgreSQL type, null on SQLite) are never cut. */
    sql(col: string, pgType: string | null): { value: string; meta: string } | null
    cell(value: unknown, meta: string): Cell
  }
}

export interface OrderCol {
  /** Already-quoted expression (a column, rowid or ctid). */
  expr: string
  desc: boolean
  /** Keys are never NULL; only a sort column may be. */
  nullable: boolean
}

/** Collects bound values and hands out placeholders (? or $n). */
export class Binds {
  readonly values: unknown[] = []
  constructor(private readonly dialect: Dialect) {}
  add(v: unknown): string {
    this.values.push(v)
    return this.dialect.name === 'sqlite' ? '?' : `$${this.values.length}`
  }
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`)
}

/** WHERE terms for the filters; `columns` is the table's real column list (names are checked). */
export function filterSql(
  d: Dialect,
  filters: readonly Filter[],
  columns: readonly string[],
  binds: Binds,
  /** How an equality filter reads a column (PostgreSQL json has no = operator: it compares as text). */
  eqExpr: (col: string) => string = (c) => d.quote(c),
): string[] {
  return filters.map((f) => {
    if (!columns.includes(f.column)) {
      throw new FerryError(
        'NO_SUCH_COLUMN',
        `There is no column "${f.column}" to filter on.`,
        'Pick a column from the header.',
      )
    }
    const col = d.quote(f.column)
    switch (f.op) {
      case 'null':
        return `${col} IS NULL`
      case 'notnull':
        return `${col} IS NOT NULL`
      case 'eq':
        return `${eqExpr(f.column)} = ${binds.add(f.value ?? '')}`
      case 'contains': {
        const like = d.name === 'pg' ? 'ILIKE' : 'LIKE'
        // Under the default collation: PostgreSQL < 18 refuses ILIKE on a nondeterministic one
        // (a migrated COLLATE NOCASE column), and ILIKE ignores case either way.
        const target = d.name === 'pg' ? `(${col}::text COLLATE "default")` : col
        return `${target} ${like} ${binds.add(`%${escapeLike(f.value ?? '')}%`)} ESCAPE '\\'`
      }
      case 'range': {
        const terms: string[] = []
        if (f.min !== undefined && f.min !== '') terms.push(`${col} >= ${binds.add(f.min)}`)
        if (f.max !== undefined && f.max !== '') terms.push(`${col} <= ${binds.add(f.max)}`)
        return terms.length ? `(${terms.join(' AND ')})` : '1=1'
      }
    }
  })
}

export function orderBy(d: Dialect, order: readonly OrderCol[]): string {
  return order
    .map((o) => {
      const dir = o.desc ? 'DESC' : 'ASC'
      return `${o.expr} ${dir}`
    })
    .join(', ')
}

export function reverse(order: readonly OrderCol[]): OrderCol[] {
  return order.map((o) => ({ ...o, desc: !o.desc }))
}

/**
 * Rows strictly after (or at, when `inclusive`) `values` in `order`. The non-null key columns share
 * one direction and compare as a row value; a nullable sort column in front is expanded by hand.
 */
export function afterSql(
  d: Dialect,
  order: readonly OrderCol[],
  values: readonly unknown[],
  binds: Binds,
  inclusive: boolean,
): string {
  const [head, ...rest] = order
  if (!head) return '1=1'
  if (head.nullable) {
    // Placeholders are added in the order they appear in the text (SQLite's ? are positional).
    const v = values[0]
    const tail = (): string =>
      rest.length ? keyTuple(d, rest, values.slice(1), binds, inclusive) : inclusive ? '1=1' : '1=0'
    const nullsFirst = d.nullsLargest ? head.desc : !head.desc
    const cmp = head.desc ? '<' : '>'
    if (v === null) {
      return nullsFirst
        ? `(${head.expr} IS NOT NULL OR (${head.expr} IS NULL AND ${tail()}))`
        : `(${head.expr} IS NULL AND ${tail()})`
    }
    const p = binds.add(v)
    const p2 = binds.add(v)
    const nullsAfter = nullsFirst ? '' : ` OR ${head.expr} IS NULL`
    return `(${head.expr} ${cmp} ${p} OR (${head.expr} = ${p2} AND ${tail()})${nullsAfter})`
  }
  return keyTuple(d, order, values, binds, inclusive)
}

function keyTuple(
  d: Dialect,
  order: readonly OrderCol[],
  values: readonly unknown[],
  binds: Binds,
  inclusive: boolean,
): string {
  const desc = order[0]!.desc
  const op = (desc ? '<' : '>') + (inclusive ? '=' : '')
  if (order.length === 1) return `${order[0]!.expr} ${op} ${binds.add(values[0])}`
  const left = order.map((o) => o.expr).join(', ')
  const right = values.map((v) => binds.add(v)).join(', ')
  return `(${left}) ${op} (${right})`
}

export function where(terms: readonly string[]): string {
  return terms.length ? ` WHERE ${terms.join(' AND ')}` : ''
}
