// Reading a SQLite table's rows exactly: integers as BigInt, every cell with its storage class,
// text as JS strings — except text that is not valid UTF-8, which the decoder would replace with
// U+FFFD: such a cell (any cell containing U+FFFD) is fetched again as its stored bytes. Strings for
// the common case keep a million-row copy off malloc (a Buffer per cell costs ~100 MB of RSS).
// The same reader feeds the copy into memory.db and both sides of the reconciliation.
import { createHash, type Hash } from 'node:crypto'
import type Database from 'better-sqlite3'
import { quoteIdent } from '../sqlite/open'

export type Cell = bigint | number | string | Buffer | null
export type StorageClass = 'integer' | 'real' | 'text' | 'blob' | 'null'

export interface TableShape {
  name: string
  /** Insertable columns (generated columns are left out: SQLite computes them). */
  columns: string[]
  /** How the rowid is addressed (`rowid`, `_rowid_` or `oid`), or null for WITHOUT ROWID tables. */
  rowid: string | null
  orderBy: string
}

export function tableShape(db: Database.Database, name: string, withoutRowid: boolean): TableShape {
  const cols = db
    .prepare(`SELECT name, pk, hidden FROM pragma_table_xinfo(?) ORDER BY cid`)
    .all(name) as { name: string; pk: number; hidden: number }[]
  const columns = cols.filter((c) => c.hidden === 0).map((c) => c.name)
  const names = new Set(cols.map((c) => c.name.toLowerCase()))
  const rowid = withoutRowid
    ? null
    : (['rowid', '_rowid_', 'oid'].find((r) => !names.has(r)) ?? null)
  const pk = cols.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk)
  const orderBy =
    rowid ??
    (pk.length ? pk.map((c) => quoteIdent(c.name)).join(', ') : columns.map(quoteIdent).join(', '))
  return { name, columns, rowid, orderBy }
}

/** SELECT returning [rowid?, class1, value1, class2, value2 …]; text as bytes when `bytes` is set. */
export function selectSql(t: TableShape, bytes: boolean): string {
  const parts: string[] = t.rowid ? [t.rowid] : []
  for (const c of t.columns) {
    const q = quoteIdent(c)
    parts.push(
      `typeof(${q})`,
      bytes ? `CASE WHEN typeof(${q}) = 'text' THEN CAST(${q} AS BLOB) ELSE ${q} END` : q,
    )
  }
  return `SELECT ${parts.join(', ')} FROM ${quoteIdent(t.name)} ORDER BY ${t.orderBy}`
}

/** INSERT taking [rowid?, isText1, value1, value1, …]: a text cell goes back in as text, byte for byte. */
export function insertSql(t: TableShape): string {
  const cols = [...(t.rowid ? [t.rowid] : []), ...t.columns.map(quoteIdent)]
  // better-sqlite3 binds anonymous parameters only, so each value is passed twice.
  const values: string[] = t.rowid ? ['?'] : []
  for (let i = 0; i < t.columns.length; i++)
    values.push('CASE WHEN ? THEN CAST(? AS TEXT) ELSE ? END')
  return `INSERT INTO ${quoteIdent(t.name)} (${cols.join(', ')}) VALUES (${values.join(', ')})`
}

export interface ExactRow {
  rowid: bigint | null
  classes: StorageClass[]
  cells: Cell[]
}

export function toExactRow(t: TableShape, raw: unknown[]): ExactRow {
  let i = 0
  const rowid = t.rowid ? (raw[i++] as bigint) : null
  const classes: StorageClass[] = []
  const cells: Cell[] = []
  for (let c = 0; c < t.columns.length; c++) {
    classes.push(raw[i++] as StorageClass)
    cells.push(raw[i++] as Cell)
  }
  return { rowid, classes, cells }
}

export function insertParams(row: ExactRow): unknown[] {
  const out: unknown[] = row.rowid !== null ? [row.rowid] : []
  // Only text held as bytes needs the CAST; a string goes in as text by itself.
  row.cells.forEach((v, i) =>
    out.push(row.classes[i] === 'text' && Buffer.isBuffer(v) ? 1 : 0, v, v),
  )
  return out
}

const TAG: Record<StorageClass, number> = { null: 0, integer: 1, real: 2, text: 3, blob: 4 }

/** Adds one row to a table digest: storage class, byte length and exact bytes of every cell. */
export function digestRow(h: Hash, row: ExactRow): void {
  const head = Buffer.alloc(9)
  const put = (tag: number, len: number): void => {
    head[0] = tag
    head.writeBigUInt64BE(BigInt(len), 1)
    h.update(head)
  }
  if (row.rowid !== null) {
    const s = row.rowid.toString()
    put(9, s.length)
    h.update(s)
  }
  row.cells.forEach((v, i) => {
    const tag = TAG[row.classes[i] ?? 'null']
    if (v === null) put(TAG.null, 0)
    else if (typeof v === 'bigint') {
      const s = v.toString()
      put(tag, s.length)
      h.update(s)
    } else if (typeof v === 'number') {
      const b = Buffer.alloc(8)
      b.writeDoubleBE(v)
      put(tag, 8)
      h.update(b)
    } else if (typeof v === 'string') {
      put(tag, Buffer.byteLength(v, 'utf8'))
      h.update(v, 'utf8')
    } else {
      put(tag, v.length)
      h.update(v)
    }
  })
}

const REPLACEMENT = '\uFFFD'

/**
 * A table's rows, exact, in a stable order; pull them at your own pace (await between pulls).
 * `second` is another connection to the same file, for re-reading a text cell as bytes while the
 * first one is busy iterating; without it (or without a rowid) all text is read as bytes.
 */
export function* iterateTable(
  db: Database.Database,
  t: TableShape,
  second?: Database.Database,
): Generator<ExactRow> {
  const asStrings = second !== undefined && t.rowid !== null
  const stmt = db.prepare(selectSql(t, !asStrings)).raw(true).safeIntegers(true)
  const refetch = asStrings
    ? t.columns.map((c) =>
        (second as Database.Database)
          .prepare(
            `SELECT CAST(${quoteIdent(c)} AS BLOB) FROM ${quoteIdent(t.name)} WHERE ${t.rowid} = ?`,
          )
          .pluck()
          .safeIntegers(true),
      )
    : []
  for (const raw of stmt.iterate() as Iterable<unknown[]>) {
    const row = toExactRow(t, raw)
    if (asStrings) {
      row.cells.forEach((v, i) => {
        if (typeof v === 'string' && v.includes(REPLACEMENT))
          row.cells[i] = refetch[i]?.get(row.rowid) as Buffer
      })
    }
    yield row
  }
}

/** Row count and digest of a table. */
export function digestTable(
  db: Database.Database,
  t: TableShape,
  second?: Database.Database,
): { rows: number; digest: Buffer } {
  const h = createHash('sha256')
  let rows = 0
  for (const row of iterateTable(db, t, second)) {
    digestRow(h, row)
    rows++
  }
  return { rows, digest: h.digest() }
}
