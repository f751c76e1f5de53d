// Reject rules (issue 5): the explicit, per-column transforms a user chooses for rejected rows, and
// how a recorded rule is applied to a source row — by the retry (rejects.ts) and by validation
// re-reading SQLite (validate.ts, bisect.ts), so a row a rule fixed compares as the rule made it.
// A rule applies only to the keys it was recorded with; nothing is transformed without one.
import { decodeTextBytes, textEncoding } from '../sqlite/text-encoding'
import type pg from 'pg'
import { FerryError } from '../../../shared/contract/envelope'
import { RejectRule as RejectRuleSchema, type RejectRule } from '../../../shared/contract/migration'
import { quoteIdent, type SqliteDb } from '../sqlite/open'
import { keyCmpSql } from './keys'
import { qq } from './names'
import type { EncodedRow, RowCodec } from './row-codec'
import type { ColumnPlan, TablePlan } from './types'

async function exists(client: pg.ClientBase, schema: string, table: string): Promise<boolean> {
  const r = await client.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [
    qq(schema, table),
  ])
  return Boolean(r.rows[0]?.t)
}

/** Rules by column index of the table's plan (checked: the columns exist, one rule each). */
export function rulesByColumn(t: TablePlan, rules: RejectRule[]): Map<number, RejectRule> {
  const ruled = new Map<number, RejectRule>()
  for (const rule of rules) {
    const i = t.columns.findIndex((c) => c.source === rule.column)
    if (i < 0)
      throw new FerryError(
        'UNKNOWN_COLUMN',
        `Table "${t.source}" has no column "${rule.column}" for the ${rule.transform} rule`,
        'Choose one of the columns named in the reject list.',
      )
    if (ruled.has(i))
      throw new FerryError(
        'DUPLICATE_RULE',
        `Two rules for column "${t.source}"."${rule.column}"`,
        'Keep one rule per column.',
      )
    ruled.set(i, rule)
  }
  return ruled
}

/** One source row (key columns first, as the codec selects it) encoded after its rules. */
export function encodeWithRules(
  db: SqliteDb,
  t: TablePlan,
  codec: RowCodec,
  row: unknown[],
  ruled: Map<number, RejectRule>,
  mode: 'hash' | 'both',
): EncodedRow | { column: string; error: string } {
  const kw = codec.keyWidth
  const out = codec.natural(row).slice()
  for (const [i, rule] of ruled) {
    const v = applyRule(db, t, i, rule, out[kw + i], row.slice(0, kw))
    if ('error' in v) return { column: rule.column, error: v.error }
    out[kw + i] = v.value
  }
  return codec.encode(out, mode, undefined, new Set(ruled.keys()))
}

export type RulesByKey = Map<string, Map<number, RejectRule>>

/** codec.encode(row, 'hash'), after the recorded rules of that row's key when it has some. */
export function encodeRuled(
  db: SqliteDb,
  t: TablePlan,
  codec: RowCodec,
  row: unknown[],
  rules: RulesByKey,
): EncodedRow {
  const r = codec.encode(row, 'hash')
  const ruled = rules.size ? rules.get(r.key) : undefined
  if (!ruled) return r
  const e = encodeWithRules(db, t, codec, row, ruled, 'hash')
  if (!('error' in e)) return e
  const reject = {
    key: r.key,
    column: e.column,
    reason: e.error,
    storage: null,
    rawHex: null,
    rowJson: '',
  }
  return { key: r.key, line: null, hash: 0n, rejects: [reject] }
}

/**
 * The recorded rules of one table, by the row key they were applied to: validation re-reading
 * SQLite applies them, so the rows a rule changed compare equal to what was loaded.
 */
export async function recordedRulesByKey(
  client: pg.ClientBase,
  schema: string,
  t: TablePlan,
): Promise<RulesByKey> {
  const out: RulesByKey = new Map()
  if (!(await exists(client, schema, 'ferry_rules'))) return out
  const r = await client.query<{
    column_name: string
    transform: string
    value: string | null
    keys: string[]
  }>(
    `SELECT column_name, transform, value, keys FROM ${qq(schema, 'ferry_rules')} WHERE table_name = $1 ORDER BY id`,
    [t.source],
  )
  const perKey = new Map<string, RejectRule[]>()
  for (const x of r.rows) {
    const rule = RejectRuleSchema.parse({
      column: x.column_name,
      transform: x.transform,
      value: x.value,
    })
    for (const k of x.keys)
      perKey.set(k, [...(perKey.get(k) ?? []).filter((y) => y.column !== rule.column), rule])
  }
  for (const [k, rules] of perKey) out.set(k, rulesByColumn(t, rules))
  return out
}

type RuleValue = { value: unknown } | { error: string }

/** The value a rule gives one column of one row (SQLite value types: bigint, number, string, Buffer). */
function applyRule(
  db: SqliteDb,
  t: TablePlan,
  i: number,
  rule: RejectRule,
  v: unknown,
  keyVals: unknown[],
): RuleValue {
  const col = t.columns[i]!
  switch (rule.transform) {
    case 'to-null':
      return { value: null }
    case 'strip-nul':
      if (typeof v === 'string') return { value: v.replace(/\0/g, '') }
      if (Buffer.isBuffer(v)) return { error: 'strip-nul applies to text; this value is a BLOB' }
      return { value: v }
    case 'replace-invalid-utf8': {
      // better-sqlite3 already decoded the text; the bytes are re-read so the replacement is exact.
      const raw = rawBytes(db, t, col, keyVals)
      if (raw === null) return { value: v }
      return { value: decodeTextBytes(raw, textEncoding(db)) }
    }
    case 'cast-text':
      if (v === null) return { value: null }
      // A BLOB becomes PostgreSQL's text form of bytea (\x + hex): reversible, nothing guessed.
      if (Buffer.isBuffer(v)) return { value: `\\x${v.toString('hex')}` }
      return { value: String(v) }
    case 'set-value':
      return fromText(rule.value ?? null, col)
  }
}

function rawBytes(db: SqliteDb, t: TablePlan, col: ColumnPlan, keyVals: unknown[]): Buffer | null {
  const where = keyCmpSql(t.key, '=')
  const r = db
    .prepare(
      `SELECT CAST(${quoteIdent(col.source)} AS BLOB) FROM ${quoteIdent(t.source)} WHERE ${where}`,
    )
    .pluck()
    .get(...keyVals) as Buffer | null | undefined
  return r ?? null
}

/** A typed-in value, as the SQLite value the column's encoder expects. */
function fromText(text: string | null, col: ColumnPlan): RuleValue {
  if (text === null) return { value: null }
  switch (col.type) {
    case 'bigint':
      return /^-?\d+$/.test(text.trim())
        ? { value: BigInt(text.trim()) }
        : { error: `"${text}" is not an integer` }
    case 'boolean':
      return /^(1|true)$/i.test(text.trim())
        ? { value: 1n }
        : /^(0|false)$/i.test(text.trim())
          ? { value: 0n }
          : { error: `"${text}" is not true/false` }
    case 'double precision':
    case 'numeric': {
      const n = Number(text.trim())
      return text.trim() !== '' && Number.isFinite(n)
        ? { value: n }
        : { error: `"${text}" is not a number` }
    }
    case 'bytea':
      return /^\\x([0-9a-f]{2})*$/i.test(text)
        ? { value: Buffer.from(text.slice(2), 'hex') }
        : { error: 'a bytea value is written \\x followed by hex digits' }
    default:
      return { value: text }
  }
}
