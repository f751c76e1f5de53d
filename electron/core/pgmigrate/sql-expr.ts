// A small SQLite SQL tokenizer and the translations built on it: CHECK expressions, partial and
// expression index items, view bodies. Only what is clearly the same in PostgreSQL is translated
// (column references, literals, comparison/arithmetic operators, a short list of functions whose
// meaning matches); anything else is refused with the reason, so the caller reports it.
import pg from 'pg'

export type TokKind =
  'id' | 'qid' | 'str' | 'num' | 'blob' | 'op' | 'lp' | 'rp' | 'comma' | 'dot' | 'semi'
export interface Tok {
  k: TokKind
  /** Identifier or string value (unquoted), or the token text. */
  v: string
  start: number
  end: number
  /** A qid written in double quotes (SQLite may read it as a string; `…` and […] never). */
  dq?: true
}

const ID_START = /[\p{L}_]/u
const ID_PART = /[\p{L}\p{N}_$]/u
const OPS = ['||', '<=', '>=', '<>', '!=', '==', '<<', '>>', '->>', '->']

export function tokenize(sql: string): Tok[] {
  const out: Tok[] = []
  let i = 0
  const quoted = (close: string, k: TokKind): void => {
    const start = i
    let v = ''
    i++
    for (;;) {
      if (i >= sql.length) throw new Error(`unterminated ${close} quote`)
      const ch = sql[i]!
      if (ch === close) {
        if (close !== ']' && sql[i + 1] === close) {
          v += close
          i += 2
          continue
        }
        i++
        break
      }
      v += ch
      i++
    }
    out.push({ k, v, start, end: i })
  }
  while (i < sql.length) {
    const ch = sql[i]!
    if (/\s/.test(ch)) i++
    else if (ch === '-' && sql[i + 1] === '-') while (i < sql.length && sql[i] !== '\n') i++
    else if (ch === '/' && sql[i + 1] === '*') {
      const e = sql.indexOf('*/', i + 2)
      i = e < 0 ? sql.length : e + 2
    } else if ((ch === 'x' || ch === 'X') && sql[i + 1] === "'") {
      i++
      quoted("'", 'blob')
      out[out.length - 1]!.start--
    } else if (ch === "'") quoted("'", 'str')
    else if (ch === '"') {
      quoted('"', 'qid')
      out[out.length - 1]!.dq = true
    } else if (ch === '`') quoted('`', 'qid')
    else if (ch === '[') quoted(']', 'qid')
    else if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      const m = /^(0x[0-9a-f]+|(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?)/i.exec(sql.slice(i))!
      out.push({ k: 'num', v: m[0], start: i, end: i + m[0].length })
      i += m[0].length
    } else if (ID_START.test(ch)) {
      const start = i
      while (i < sql.length && ID_PART.test(sql[i]!)) i++
      out.push({ k: 'id', v: sql.slice(start, i), start, end: i })
    } else if (ch === '(' || ch === ')' || ch === ',' || ch === '.' || ch === ';') {
      const k = ({ '(': 'lp', ')': 'rp', ',': 'comma', '.': 'dot', ';': 'semi' } as const)[ch]
      out.push({ k, v: ch, start: i, end: ++i })
    } else {
      const op = OPS.find((o) => sql.startsWith(o, i)) ?? ch
      out.push({ k: 'op', v: op, start: i, end: i + op.length })
      i += op.length
    }
  }
  return out
}

const isKw = (t: Tok | undefined, kw: string): boolean => t?.k === 'id' && t.v.toUpperCase() === kw

/** A double-quoted word SQLite reads as a string when it names no column (not `t."c"`). */
const dqString = (toks: Tok[], i: number): boolean =>
  toks[i]?.dq === true && toks[i + 1]?.k !== 'dot' && toks[i - 1]?.k !== 'dot'

/**
 * The expression as SQLite reads it with double-quoted strings turned off (better-sqlite3 builds
 * SQLite so): each double-quoted word that names no column, single-quoted. The pre-flight runs
 * a source CHECK through this.
 */
export function withSingleQuotedStrings(sql: string, isColumn: (name: string) => boolean): string {
  const toks = tokenize(sql)
  let out = ''
  let at = 0
  toks.forEach((t, i) => {
    if (!dqString(toks, i) || isColumn(t.v)) return
    out += `${sql.slice(at, t.start)}'${t.v.replace(/'/g, "''")}'`
    at = t.end
  })
  return out + sql.slice(at)
}

/** Index of the `)` matching the `(` at `open`. */
export function matchParen(toks: Tok[], open: number): number {
  let depth = 0
  for (let i = open; i < toks.length; i++) {
    if (toks[i]!.k === 'lp') depth++
    else if (toks[i]!.k === 'rp' && --depth === 0) return i
  }
  return toks.length - 1
}

/** Splits tokens at top-level commas. */
export function splitTop(toks: Tok[]): Tok[][] {
  const parts: Tok[][] = [[]]
  let depth = 0
  for (const t of toks) {
    if (t.k === 'lp') depth++
    if (t.k === 'rp') depth--
    if (t.k === 'comma' && depth === 0) parts.push([])
    else parts[parts.length - 1]!.push(t)
  }
  return parts.filter((p) => p.length > 0)
}

export interface CheckClause {
  name: string | null
  /** The column it was declared on (column constraint), or null (table constraint). */
  column: string | null
  /** The expression as written in SQLite. */
  sql: string
  toks: Tok[]
}

export interface ColumnDef {
  name: string
  collation: string | null
  /** The expression of a generated column, as written. */
  generated: string | null
}

/** CHECK clauses and per-column COLLATE of a CREATE TABLE statement. */
export function parseCreateTable(sql: string): { checks: CheckClause[]; columns: ColumnDef[] } {
  const toks = tokenize(sql)
  const open = toks.findIndex((t) => t.k === 'lp')
  if (open < 0) return { checks: [], columns: [] }
  const body = toks.slice(open + 1, matchParen(toks, open))
  const checks: CheckClause[] = []
  const columns: ColumnDef[] = []
  for (const part of splitTop(body)) {
    const first = part[0]!
    const tableConstraint =
      first.k === 'id' &&
      ['CONSTRAINT', 'PRIMARY', 'UNIQUE', 'CHECK', 'FOREIGN'].includes(first.v.toUpperCase())
    const column = tableConstraint ? null : first.v
    if (column !== null) {
      const c = part.findIndex((t) => isKw(t, 'COLLATE'))
      const g = part.findIndex((t, i) => isKw(t, 'AS') && part[i + 1]?.k === 'lp')
      const gEnd = g >= 0 ? matchParen(part, g + 1) : -1
      columns.push({
        name: column,
        collation: c >= 0 ? (part[c + 1]?.v ?? null) : null,
        generated:
          g >= 0 && gEnd > g + 2 ? sql.slice(part[g + 2]!.start, part[gEnd - 1]!.end) : null,
      })
    }
    for (let i = 0; i < part.length; i++) {
      if (!isKw(part[i], 'CHECK') || part[i + 1]?.k !== 'lp') continue
      const close = matchParen(part, i + 1)
      const inner = part.slice(i + 2, close)
      const named = isKw(part[i - 2], 'CONSTRAINT') ? part[i - 1]!.v : null
      checks.push({
        name: named,
        column,
        sql: inner.length ? sql.slice(inner[0]!.start, inner[inner.length - 1]!.end) : '',
        toks: inner,
      })
    }
  }
  return { checks, columns }
}

/** A foreign key's timing, which PRAGMA foreign_key_list does not report. */
export interface FkTiming {
  /** Child columns, lower-cased (SQLite names are case-insensitive). */
  columns: string[]
  refTable: string
  /** DEFERRABLE INITIALLY DEFERRED: checked at COMMIT, not per statement. */
  deferred: boolean
}

/**
 * Each REFERENCES clause of a CREATE TABLE with whether it is DEFERRABLE INITIALLY DEFERRED (the
 * only form SQLite defers; NOT DEFERRABLE and INITIALLY IMMEDIATE check at once).
 */
export function parseForeignKeyTiming(sql: string): FkTiming[] {
  const toks = tokenize(sql)
  const open = toks.findIndex((t) => t.k === 'lp')
  if (open < 0) return []
  const out: FkTiming[] = []
  for (const part of splitTop(toks.slice(open + 1, matchParen(toks, open)))) {
    const first = part[0]!
    const fkAt = part.findIndex((t) => isKw(t, 'FOREIGN'))
    let columns: string[]
    if (fkAt >= 0 && isKw(part[fkAt + 1], 'KEY') && part[fkAt + 2]?.k === 'lp') {
      const close = matchParen(part, fkAt + 2)
      columns = part
        .slice(fkAt + 3, close)
        .filter((t) => t.k !== 'comma')
        .map((t) => t.v.toLowerCase())
    } else if (
      first.k === 'id' &&
      ['CONSTRAINT', 'PRIMARY', 'UNIQUE', 'CHECK'].includes(first.v.toUpperCase())
    ) {
      continue
    } else columns = [first.v.toLowerCase()]
    const ref = part.findIndex((t) => isKw(t, 'REFERENCES'))
    if (ref < 0 || !part[ref + 1]) continue
    const deferrable = part.findIndex((t, i) => i > ref && isKw(t, 'DEFERRABLE'))
    const deferred =
      deferrable > 0 &&
      !isKw(part[deferrable - 1], 'NOT') &&
      isKw(part[deferrable + 1], 'INITIALLY') &&
      isKw(part[deferrable + 2], 'DEFERRED')
    out.push({ columns, refTable: part[ref + 1]!.v.toLowerCase(), deferred })
  }
  return out
}

export interface ColumnRef {
  target: string
  type: string
  /** Set for a column with a nondeterministic collation (ferry_nocase), where LIKE/ILIKE fail. */
  collation?: string
}

/**
 * ILIKE for SQLite's LIKE; where a nondeterministic collation may be involved (PostgreSQL < 18
 * refuses LIKE/ILIKE under one), the comparison is made under the default collation, which
 * ILIKE's own case-insensitivity makes equivalent.
 */
function pushIlike(out: string[], nocase: boolean): void {
  if (!nocase) {
    out.push('ILIKE')
    return
  }
  // The collation binds to the left operand, before a NOT of NOT LIKE.
  const not = out.at(-1)?.toUpperCase() === 'NOT' ? out.pop() : undefined
  out.push('COLLATE "default"', ...(not ? [not] : []), 'ILIKE')
}

/**
 * SQLite's pattern operators at toks[i] → PostgreSQL, appended to `out`: LIKE as ILIKE (with
 * ESCAPE '' where the literal pattern holds a backslash: SQLite's LIKE has no escape character
 * unless told, PostgreSQL's is the backslash), GLOB with a literal pattern as a regular
 * expression. Returns how many tokens after i it used, why it cannot, or null for another token.
 */
function patternOperator(
  toks: Tok[],
  i: number,
  out: string[],
  nocase: boolean,
): { skip: number } | { reason: string } | null {
  const op = toks[i]!.v.toUpperCase()
  const next = toks[i + 1]
  if (op === 'LIKE') {
    pushIlike(out, nocase)
    if (next?.k === 'str' && next.v.includes('\\') && toks[i + 2]?.v.toUpperCase() !== 'ESCAPE') {
      out.push(pg.escapeLiteral(next.v), "ESCAPE ''")
      return { skip: 1 }
    }
    return { skip: 0 }
  }
  if (op !== 'GLOB' && op !== 'REGEXP' && op !== 'MATCH') return null
  const re = op === 'GLOB' && next?.k === 'str' ? globToRegex(next.v) : null
  if (re === null)
    return {
      reason:
        op === 'GLOB'
          ? `SQLite's GLOB operator with ${next?.k === 'str' ? 'a malformed' : 'a computed'} pattern`
          : `SQLite's ${op} operator`,
    }
  const not = out.at(-1)?.toUpperCase() === 'NOT' ? out.pop() : undefined
  // A nondeterministic collation refuses regular expressions; GLOB compares bytes anyway.
  if (nocase) out.push('COLLATE "default"')
  out.push(not ? '!~' : '~', pg.escapeLiteral(re))
  return { skip: 1 }
}

/**
 * A GLOB pattern → the PostgreSQL regular expression that matches the same strings (anchored;
 * `*` any run, `?` one character, `[...]` / `[^...]` a class with `]` literal first), or null
 * for a pattern SQLite itself never matches (an unterminated class).
 */
export function globToRegex(glob: string): string | null {
  const chars = [...glob]
  let re = '^'
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!
    if (c === '*') re += '.*'
    else if (c === '?') re += '.'
    else if (c === '[') {
      let j = i + 1
      let cls = '['
      if (chars[j] === '^') {
        cls += '^'
        j++
      }
      // A ']' right after '[' or '[^' is a member, not the end.
      if (chars[j] === ']') {
        cls += '\\]'
        j++
      }
      while (j < chars.length && chars[j] !== ']') {
        const m = chars[j]!
        cls += m === '\\' || m === '[' ? `\\${m}` : m
        j++
      }
      if (j >= chars.length) return null
      re += `${cls}]`
      i = j
    } else re += /[\\^$.|?*+()[\]{}]/.test(c) ? `\\${c}` : c
  }
  return `${re}$`
}

/** SQLite functions whose meaning is the same in PostgreSQL for the types Ferry chooses. */
const SAME_FUNCTIONS = new Set([
  'lower',
  'upper',
  'length',
  'abs',
  'coalesce',
  'nullif',
  'trim',
  'ltrim',
  'rtrim',
])
const RENAMED_FUNCTIONS: Record<string, string> = { ifnull: 'coalesce' }
const EXPR_KEYWORDS = new Set([
  'AND',
  'OR',
  'NOT',
  'IN',
  'IS',
  'NULL',
  'ISNULL',
  'NOTNULL',
  'BETWEEN',
  'TRUE',
  'FALSE',
  'CASE',
  'WHEN',
  'THEN',
  'ELSE',
  'END',
  'ESCAPE',
])
/** Comparing these as SQLite did (text or numbers) would mean something else, or fail. */
const OPAQUE_TYPES = new Set(['boolean', 'jsonb', 'bytea', 'timestamptz', 'date'])

export type Translated = { ok: true; sql: string } | { ok: false; reason: string }

const word = (t: Tok | undefined, ...words: string[]): boolean =>
  t?.k === 'id' && words.includes(t.v.toUpperCase())

/** toks[i] begins a term of its own: nothing before it but AND / OR / NOT / an open parenthesis. */
const termStart = (toks: Tok[], i: number): boolean => {
  const before = toks[i - 1]
  return !before || before.k === 'lp' || word(before, 'AND', 'OR', 'NOT')
}
/** toks[j] ends a term: the end, a closing parenthesis, AND or OR. */
const termEnd = (toks: Tok[], j: number): boolean => {
  const after = toks[j]
  return !after || after.k === 'rp' || word(after, 'AND', 'OR')
}
/**
 * Whether the column at toks[i] is only tested for NULL — `c IS [NOT] NULL`, `c ISNULL`,
 * `c NOTNULL`, standing alone between AND / OR / NOT / parentheses — which means the same whatever
 * type the column becomes (the usual partial index: WHERE deleted_at IS NULL).
 */
function nullTestOnly(toks: Tok[], i: number): boolean {
  if (!termStart(toks, i)) return false
  let j = i + 1
  if (word(toks[j], 'ISNULL', 'NOTNULL')) j += 1
  else if (word(toks[j], 'IS') && word(toks[j + 1], 'NULL')) j += 2
  else if (word(toks[j], 'IS') && word(toks[j + 1], 'NOT') && word(toks[j + 2], 'NULL')) j += 3
  else return false
  return termEnd(toks, j)
}

const zeroOne = (t: Tok | undefined): boolean => t?.k === 'num' && (t.v === '0' || t.v === '1')
const pgBool = (t: Tok): string => (t.v === '1' ? 'true' : 'false')

/**
 * A column that became boolean (its values were all 0 and 1), in the tests that mean the same on
 * both sides: the bare column as a condition (`WHERE "is_active"`, Django's partial indexes),
 * `col = 1` / `col <> 0`, and `col [NOT] IN (0, 1)` (SQLAlchemy's CHECK on its Boolean type).
 * `skip`: tokens consumed after the column. Null: any other use (arithmetic, a comparison with
 * another value), which keeps the refusal.
 */
function booleanTest(toks: Tok[], i: number, col: string): { sql: string; skip: number } | null {
  if (!termStart(toks, i)) return null
  if (termEnd(toks, i + 1)) return { sql: col, skip: 0 }
  const op = toks[i + 1]
  if (op?.k === 'op' && ['=', '==', '!=', '<>'].includes(op.v) && zeroOne(toks[i + 2]))
    return termEnd(toks, i + 3)
      ? {
          sql: `${col} ${op.v === '=' || op.v === '==' ? '=' : '<>'} ${pgBool(toks[i + 2]!)}`,
          skip: 2,
        }
      : null
  let j = i + 1
  const not = word(toks[j], 'NOT')
  if (not) j++
  if (!word(toks[j], 'IN') || toks[j + 1]?.k !== 'lp') return null
  const values: string[] = []
  for (j += 2; ; j += 2) {
    if (!zeroOne(toks[j])) return null
    values.push(pgBool(toks[j]!))
    if (toks[j + 1]?.k === 'rp') break
    if (toks[j + 1]?.k !== 'comma') return null
  }
  return termEnd(toks, j + 2)
    ? { sql: `${col} ${not ? 'NOT IN' : 'IN'} (${values.join(', ')})`, skip: j + 1 - i }
    : null
}

/**
 * A SQLite expression over one table's columns → PostgreSQL, or the reason it is not translated.
 * LIKE becomes ILIKE (SQLite's LIKE ignores ASCII case).
 */
export function translateExpr(
  toks: Tok[],
  columns: Map<string, ColumnRef>,
  /** A CHECK or a partial index's WHERE: a truth value, where booleanTest's forms apply. */
  opts: { condition?: boolean } = {},
): Translated {
  const out: string[] = []
  const nocase = [...columns.values()].some((c) => c.collation !== undefined)
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!
    const next = toks[i + 1]
    switch (t.k) {
      case 'str':
        out.push(pg.escapeLiteral(t.v))
        break
      case 'num':
        if (/^0x/i.test(t.v)) return { ok: false, reason: `hexadecimal literal ${t.v}` }
        out.push(t.v)
        break
      case 'lp':
      case 'rp':
      case 'comma':
        out.push(t.v)
        break
      case 'op': {
        const map: Record<string, string> = { '==': '=', '!=': '<>' }
        if (
          !['=', '==', '!=', '<>', '<', '>', '<=', '>=', '+', '-', '*', '/', '%', '||'].includes(
            t.v,
          )
        )
          return { ok: false, reason: `operator ${t.v}` }
        out.push(map[t.v] ?? t.v)
        break
      }
      case 'id':
      case 'qid': {
        const upper = t.v.toUpperCase()
        if (t.k === 'id' && next?.k === 'lp' && !EXPR_KEYWORDS.has(upper)) {
          const fn = t.v.toLowerCase()
          const pgFn = SAME_FUNCTIONS.has(fn) ? fn : RENAMED_FUNCTIONS[fn]
          if (!pgFn) return { ok: false, reason: `SQLite function ${t.v}()` }
          out.push(pgFn)
          break
        }
        const pat = t.k === 'id' ? patternOperator(toks, i, out, nocase) : null
        if (pat && 'reason' in pat) return { ok: false, reason: pat.reason }
        if (pat) {
          i += pat.skip
          break
        }
        if (t.k === 'id' && EXPR_KEYWORDS.has(upper)) {
          out.push(upper)
          break
        }
        const col = columns.get(t.v.toLowerCase())
        // A double-quoted word that names no column is a string to SQLite (its legacy rule for
        // schemas, on by default): status IN ("open", "closed") means the two strings.
        if (!col && dqString(toks, i)) {
          out.push(pg.escapeLiteral(t.v))
          break
        }
        if (!col)
          return {
            ok: false,
            reason: `${t.k === 'qid' ? `"${t.v}"` : t.v} (not a column of the table)`,
          }
        const truth =
          opts.condition && col.type === 'boolean'
            ? booleanTest(toks, i, pg.escapeIdentifier(col.target))
            : null
        if (truth) {
          out.push(truth.sql)
          i += truth.skip
          break
        }
        if (OPAQUE_TYPES.has(col.type) && !nullTestOnly(toks, i))
          return {
            ok: false,
            reason: `column ${t.v} becomes ${col.type}, so the SQLite comparison would not mean the same`,
          }
        out.push(pg.escapeIdentifier(col.target))
        break
      }
      default:
        return { ok: false, reason: `"${t.v}"` }
    }
  }
  if (!out.length) return { ok: false, reason: 'empty expression' }
  return { ok: true, sql: joinSql(out) }
}

function joinSql(parts: string[]): string {
  let s = ''
  for (const p of parts) {
    const tight = s.endsWith('(') || s.endsWith('.') || p === ')' || p === ',' || p === '.'
    if (s && !tight && !(p === '(' && /[a-z]$/.test(s))) s += ' '
    s += p
  }
  return s
}

export interface IndexSql {
  items: { toks: Tok[]; desc: boolean }[]
  where: Tok[] | null
}

/** The items and WHERE clause of a CREATE INDEX statement. */
export function parseCreateIndex(sql: string): IndexSql | null {
  const toks = tokenize(sql)
  const on = toks.findIndex((t) => isKw(t, 'ON'))
  const open = toks.findIndex((t, i) => i > on && t.k === 'lp')
  if (on < 0 || open < 0) return null
  const close = matchParen(toks, open)
  const items = splitTop(toks.slice(open + 1, close)).map((part) => {
    let p = part
    let desc = false
    const last = p[p.length - 1]
    if (isKw(last, 'DESC') || isKw(last, 'ASC')) {
      desc = isKw(last, 'DESC')
      p = p.slice(0, -1)
    }
    const coll = p.findIndex((t) => isKw(t, 'COLLATE'))
    if (coll >= 0) p = p.slice(0, coll)
    return { toks: p, desc }
  })
  const w = toks.findIndex((t, i) => i > close && isKw(t, 'WHERE'))
  return { items, where: w >= 0 ? toks.slice(w + 1).filter((t) => t.k !== 'semi') : null }
}

/** Functions that exist only in SQLite (or mean something else in PostgreSQL). */
const SQLITE_ONLY = new Set([
  'datetime',
  'date',
  'time',
  'julianday',
  'strftime',
  'unixepoch',
  'group_concat',
  'printf',
  'format',
  'iif',
  'instr',
  'typeof',
  'total',
  'randomblob',
  'zeroblob',
  'hex',
  'quote',
  'glob',
  'likelihood',
  'ifnull',
  'changes',
  'last_insert_rowid',
  'random',
  'substr',
  'char',
  'unicode',
  'min',
  'max',
])
const SQLITE_ONLY_PREFIX = /^(json_|json$|fts|sqlite_)/i

/**
 * A view's SELECT with identifiers mapped to their target names, or why it is not translated.
 * PostgreSQL then gets the last word: creating the view can still fail, and that is reported too.
 */
const SELECT_KEYWORDS = new Set(
  (
    'SELECT FROM WHERE GROUP BY ORDER HAVING LIMIT OFFSET JOIN LEFT RIGHT FULL INNER OUTER CROSS NATURAL ON USING AS ' +
    'AND OR NOT IN IS NULL DISTINCT ALL UNION EXCEPT INTERSECT CASE WHEN THEN ELSE END ASC DESC BETWEEN EXISTS ' +
    'LIKE TRUE FALSE WITH RECURSIVE NULLS FIRST LAST CAST'
  ).split(' '),
)

export function translateView(
  sql: string,
  rename: (name: string) => string | null,
  /** The schema has columns with a nondeterministic collation (see ilike()). */
  nocase = false,
): Translated {
  let toks: Tok[]
  try {
    toks = tokenize(sql)
  } catch (err) {
    return { ok: false, reason: (err as Error).message }
  }
  const as = toks.findIndex((t) => isKw(t, 'AS'))
  if (as < 0) return { ok: false, reason: 'no AS SELECT found' }
  const out: string[] = []
  const failed = viewTokens(
    toks.slice(as + 1).filter((t) => t.k !== 'semi'),
    out,
    rename,
    nocase,
  )
  return failed ? { ok: false, reason: failed } : { ok: true, sql: joinSql(out) }
}

/**
 * SQLite's CAST target type → PostgreSQL's, by SQLite's affinity rules (INT → 64-bit, unlike
 * PostgreSQL's "integer"); null where the two casts differ in ways a view cannot hide.
 */
function castTarget(typeName: string): { prefix: string; suffix: string } | null {
  const t = typeName.toUpperCase()
  // SQLite truncates a real toward zero where PostgreSQL rounds; via numeric, trunc() does the same.
  if (t.includes('INT')) return { prefix: 'trunc((', suffix: ')::numeric)::bigint' }
  if (/CHAR|CLOB|TEXT/.test(t)) return { prefix: '(', suffix: ')::text' }
  if (/REAL|FLOA|DOUB/.test(t)) return { prefix: '(', suffix: ')::double precision' }
  // BLOB (text::bytea reads backslash escapes) and NUMERIC (SQLite picks integer or real): not alike.
  return null
}

/**
 * SQLite functions a view may use under PostgreSQL's name, with two arguments: the same result for
 * the same values (instr/strpos: 1-based, 0 when absent, NULL on NULL; PostgreSQL refuses blobs).
 */
const VIEW_RENAMED_FUNCTIONS: Record<string, string> = { ifnull: 'coalesce', instr: 'strpos' }

/** The view body's tokens → PostgreSQL, appended to `out`; the reason when not translatable. */
function viewTokens(
  body: Tok[],
  out: string[],
  rename: (name: string) => string | null,
  nocase: boolean,
): string | null {
  for (let i = 0; i < body.length; i++) {
    const t = body[i]!
    if (isKw(t, 'CAST') && body[i + 1]?.k === 'lp') {
      const close = matchParen(body, i + 1)
      const inner = body.slice(i + 2, close)
      let depth = 0
      const asAt = inner.findIndex((x) => {
        if (x.k === 'lp') depth++
        if (x.k === 'rp') depth--
        return depth === 0 && isKw(x, 'AS')
      })
      const typeName =
        asAt >= 0
          ? inner
              .slice(asAt + 1)
              .map((x) => x.v)
              .join(' ')
          : ''
      const target = castTarget(typeName)
      if (!target)
        return `uses CAST(… AS ${typeName || '?'}), which SQLite and PostgreSQL do not evaluate alike`
      out.push(target.prefix)
      const failed = viewTokens(inner.slice(0, asAt), out, rename, nocase)
      if (failed) return failed
      out.push(target.suffix)
      i = close
      continue
    }
    if (t.k === 'id' && body[i + 1]?.k === 'lp') {
      const fn = t.v.toLowerCase()
      const close = matchParen(body, i + 1)
      const argToks = splitTop(body.slice(i + 2, close))
      const args = argToks.length
      // iif(c, a, b) is CASE WHEN c THEN a ELSE b END (PostgreSQL refuses a c that is not boolean).
      if (fn === 'iif' && args === 3) {
        const parts = ['(CASE WHEN', 'THEN', 'ELSE']
        for (let a = 0; a < 3; a++) {
          out.push(parts[a]!)
          const failed = viewTokens(argToks[a]!, out, rename, nocase)
          if (failed) return failed
        }
        out.push('END)')
        i = close
        continue
      }
      const same = VIEW_RENAMED_FUNCTIONS[fn]
      // min/max with several arguments are SQLite's scalar forms (PostgreSQL: least/greatest).
      if ((fn === 'min' || fn === 'max') && args === 1) out.push(fn)
      else if (same && args === 2) out.push(same)
      else if (SQLITE_ONLY.has(fn) || SQLITE_ONLY_PREFIX.test(fn))
        return `uses the SQLite function ${t.v}()`
      else out.push(t.v)
      continue
    }
    const pat = t.k === 'id' ? patternOperator(body, i, out, nocase) : null
    if (pat && 'reason' in pat) return `uses ${pat.reason}`
    if (pat) i += pat.skip
    else if (t.k === 'qid') out.push(pg.escapeIdentifier(rename(t.v) ?? t.v))
    else if (t.k === 'id') {
      // A known table or column is quoted with its target name (a bare name would fold to lower case).
      const r = SELECT_KEYWORDS.has(t.v.toUpperCase()) ? null : rename(t.v)
      out.push(r === null ? t.v : pg.escapeIdentifier(r))
    } else if (t.k === 'str') out.push(pg.escapeLiteral(t.v))
    else if (t.k === 'blob') return 'uses a blob literal'
    else if (t.k === 'op' && (t.v === '==' || t.v === '!=')) out.push(t.v === '==' ? '=' : '<>')
    else out.push(t.v)
  }
  return null
}
