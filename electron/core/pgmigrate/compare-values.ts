// Compare view for a table matched by its primary key's (or first UNIQUE's) values rather than an
// identity column (bisect-hash.ts matches them the same way): a WITHOUT ROWID table, or a rowid
// table keyed by `agent_id TEXT PRIMARY KEY`. The source is paged in its own key order (keyset,
// never OFFSET); the target rows with the same key values are fetched through the key columns
// (their index), then matched by the canonical text validation hashes, so a match is exact even
// under a case-insensitive collation. A jump to the rows validation named takes their keys as
// bisect-hash.ts wrote them.
import type pg from 'pg'
import type { CompareResult, CompareRow } from '../../../shared/contract/migration'
import { quoteIdent, type SqliteDb } from '../sqlite/open'
import { canonicalSql, encoderFor, isRejection } from './canonical'
import { keyCmpSql, keySelectSql, keyText, keyValues, keyWidth } from './keys'
import { q, qq } from './names'
import type { ColumnPlan, TablePlan } from './types'

type Texts = (string | null)[]

export async function compareByValues(
  db: SqliteDb,
  client: pg.ClientBase,
  schema: string,
  t: TablePlan,
  match: number[],
  input: { after?: string | null; keys?: string[]; limit?: number },
  bisectKeys: string[],
  rejected: Set<string>,
): Promise<CompareResult> {
  const limit = input.limit ?? 100
  const kw = keyWidth(t.key)
  const encoders = t.columns.map((c) => encoderFor(c))
  const cols = match.map((i) => t.columns[i]!)
  const select = `SELECT ${keySelectSql(t.key)}, ${t.columns.map((c) => quoteIdent(c.source)).join(', ')} FROM ${quoteIdent(t.source)}`
  const canon = (row: unknown[]): Texts =>
    row.slice(kw).map((v, i) => {
      const c = encoders[i]!(v)
      return isRejection(c) ? `⚠ ${c.reason}` : c
    })

  // The page of source rows: in key order after `after`, or the rows asked for by key — as
  // validation names them (key values, displayKey) or as the reject log does (the loader's key).
  let srcRows: unknown[][]
  const asked = input.keys?.length ? input.keys : null
  const wanted = asked ? asked.map((k) => parseDisplayKey(cols, k)) : null
  if (asked && wanted) {
    const found = new Set(wanted.filter((w): w is Texts => w !== null).map(tupleKey))
    const loaderKeys = asked
      .filter((_, i) => wanted[i] === null)
      .flatMap((k) => {
        try {
          return [keyValues(t.key, k)]
        } catch {
          return []
        }
      })
    srcRows = []
    const byKey = db
      .prepare(`${select} WHERE ${keyCmpSql(t.key, '=')}`)
      .raw(true)
      .safeIntegers(true)
    for (const k of loaderKeys.slice(0, limit)) {
      const row = byKey.get(...k) as unknown[] | undefined
      if (row) srcRows.push(row)
    }
    if (found.size)
      for (const row of db
        .prepare(select)
        .raw(true)
        .safeIntegers(true)
        .iterate() as IterableIterator<unknown[]>) {
        if (srcRows.length >= limit) break
        const texts = canon(row)
        if (found.has(tupleKey(match.map((i) => texts[i]!)))) srcRows.push(row)
      }
  } else {
    const after = input.after ? keyValues(t.key, input.after) : null
    srcRows = db
      .prepare(
        `${select}${after ? ` WHERE ${keyCmpSql(t.key, '>')}` : ''} ORDER BY ${keySelectSql(t.key)} LIMIT ?`,
      )
      .raw(true)
      .safeIntegers(true)
      .all(...(after ?? []), limit) as unknown[][]
  }
  const source = srcRows.map((row) => ({
    key: keyText(t.key, row.slice(0, kw)),
    texts: canon(row),
  }))

  // The target rows with those key values (and those validation named that only it has).
  const tuples = [
    ...source.map((s) => match.map((i) => s.texts[i]!)),
    ...(wanted ?? []).filter((w): w is Texts => w !== null),
  ]
  const target = await targetRows(client, schema, t, cols, tuples, limit * 2)
  const byKey = new Map<string, Texts[]>()
  for (const r of target) {
    const k = tupleKey(match.map((i) => r[i]!))
    byKey.set(k, [...(byKey.get(k) ?? []), r])
  }
  const rows: CompareRow[] = source.map((s) => {
    const k = tupleKey(match.map((i) => s.texts[i]!))
    const g = byKey.get(k)?.shift() ?? null
    const differentColumns = g
      ? t.columns.filter((_, i) => s.texts[i] !== g[i]).map((c) => c.source)
      : []
    const state: CompareRow['state'] = rejected.has(s.key)
      ? 'rejected'
      : !g
        ? 'missing-in-target'
        : differentColumns.length
          ? 'different'
          : 'equal'
    // Named by its key values, as validation names rows (the loader's key can be a hidden rowid).
    return {
      key: displayKey(
        cols,
        match.map((i) => s.texts[i]!),
      ),
      state,
      source: s.texts,
      target: g,
      differentColumns,
    }
  })
  // Target rows no source row claimed: only the ones validation named (a page has no key range
  // that would hold the others: the two databases order keys differently).
  const named = new Set((wanted ?? []).filter((w): w is Texts => w !== null).map(tupleKey))
  for (const [k, left] of byKey) {
    if (!named.has(k)) continue
    for (const g of left)
      rows.push({
        key: displayKey(
          cols,
          match.map((i) => g[i]!),
        ),
        state: 'extra-in-target',
        source: null,
        target: g,
        differentColumns: [],
      })
  }
  return {
    table: t.source,
    columns: t.columns.map((c) => ({ source: c.source, target: c.target, type: c.typeSql })),
    rows,
    nextAfter: !wanted && srcRows.length === limit ? source[source.length - 1]!.key : null,
    bisectKeys,
    keyed: true,
  }
}

const tupleKey = (texts: Texts): string => JSON.stringify(texts)

/** Target rows whose key columns hold one of `tuples` (canonical texts), as canonical texts. */
async function targetRows(
  client: pg.ClientBase,
  schema: string,
  t: TablePlan,
  cols: ColumnPlan[],
  tuples: Texts[],
  limit: number,
): Promise<Texts[]> {
  if (!tuples.length) return []
  const T = qq(schema, t.target)
  const list = t.columns.map((c, i) => `${canonicalSql(c)} AS c${i}`).join(', ')
  const toRows = (r: pg.QueryResult<Record<string, string | null>>): Texts[] =>
    r.rows.map((row) => t.columns.map((_, i) => row[`c${i}`] ?? null))
  const complete = tuples.filter((x) => x.every((v) => v !== null))
  const out: Texts[] = []
  if (complete.length) {
    // Through the key columns' own types, so their index serves the lookup.
    const arrays = cols.map((_, j) => complete.map((x) => x[j]!))
    const typed = cols
      .map((c, j) => (c.type === 'bytea' ? `decode(u${j}, 'hex')` : `u${j}::${c.typeSql}`))
      .join(', ')
    const names = cols.map((_, j) => `u${j}`).join(', ')
    const unnest = cols.map((_, j) => `$${j + 1}::text[]`).join(', ')
    out.push(
      ...toRows(
        await client.query(
          `SELECT ${list} FROM ${T} WHERE (${cols.map((c) => q(c.target)).join(', ')}) IN (SELECT ${typed} FROM unnest(${unnest}) AS u(${names})) LIMIT ${limit}`,
          arrays,
        ),
      ),
    )
  }
  if (complete.length < tuples.length) {
    // A key with NULL in it (SQLite allows it outside INTEGER PRIMARY KEY): matched as NULL.
    out.push(
      ...toRows(
        await client.query(
          `SELECT ${list} FROM ${T} WHERE ${cols.map((c) => `${q(c.target)} IS NULL`).join(' OR ')} LIMIT ${limit}`,
        ),
      ),
    )
  }
  return out
}

/** Types whose canonical text is shown bare in a key (bisect-hash.ts writes keys this way). */
const UNQUOTED = new Set<ColumnPlan['type']>(['bigint', 'double precision', 'numeric', 'boolean'])

/** `agent_id='a'`, `(b=2, a='x')`: the key columns by their canonical text. */
export function displayKey(cols: Pick<ColumnPlan, 'target' | 'type'>[], texts: Texts): string {
  const parts = cols.map((c, j) => {
    const v = texts[j] ?? null
    if (v === null) return `${c.target}=NULL`
    if (UNQUOTED.has(c.type)) return `${c.target}=${v}`
    return `${c.target}='${v.replace(/'/g, "''")}'`
  })
  return parts.length === 1 ? parts[0]! : `(${parts.join(', ')})`
}

/** The canonical texts a displayKey() string was written from, or null when it is not one. */
export function parseDisplayKey(
  cols: Pick<ColumnPlan, 'target' | 'type'>[],
  key: string,
): Texts | null {
  const multi = cols.length > 1
  let s = key
  if (multi) {
    if (!s.startsWith('(') || !s.endsWith(')')) return null
    s = s.slice(1, -1)
  }
  const out: Texts = []
  let i = 0
  for (let j = 0; j < cols.length; j++) {
    const head = `${j ? ', ' : ''}${cols[j]!.target}=`
    if (!s.startsWith(head, i)) return null
    i += head.length
    if (s.startsWith('NULL', i) && (i + 4 === s.length || s.startsWith(', ', i + 4))) {
      out.push(null)
      i += 4
    } else if (s[i] === "'") {
      let v = ''
      i++
      for (;;) {
        if (i >= s.length) return null
        if (s[i] === "'") {
          if (s[i + 1] === "'") {
            v += "'"
            i += 2
            continue
          }
          i++
          break
        }
        v += s[i++]
      }
      out.push(v)
    } else {
      const end = j === cols.length - 1 ? s.length : s.indexOf(', ', i)
      if (end < 0) return null
      out.push(s.slice(i, end))
      i = end
    }
  }
  return i === s.length ? out : null
}
