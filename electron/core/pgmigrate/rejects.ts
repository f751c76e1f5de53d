// The reject queue (issue 5): rows PostgreSQL could not take unchanged sit in ferry_rejects with
// the reason. The user may choose, per column, an explicit transform (strip NUL bytes, replace
// invalid UTF-8 with U+FFFD, NULL, cast to text, a value typed in) and retry only those rows. Nothing
// is altered without such a rule, and every rule is recorded with the migration (ferry_rules, with
// the keys it changed). A retry commits in one transaction: the fixed rows' COPY, a ledger row for
// them (negative batch number: never taken for the loader's resume point; rejected = -rows so the
// ledger's processed count stays the same), and the move of their rejects to ferry_rejects_resolved.
import { createHash } from 'node:crypto'
import { finished } from 'node:stream/promises'
import type pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import { FerryError } from '../../../shared/contract/envelope'
import type {
  RecordedRule,
  RejectEntry,
  RejectList,
  RejectRule,
  RetryResult,
} from '../../../shared/contract/migration'
import { quoteIdent, type SqliteDb } from '../sqlite/open'
import { encodeWithRules, rulesByColumn } from './reject-rules'
import { keyCmpSql, keyValues } from './keys'
import { rejectQueueDdl } from './ledger'
import { qq } from './names'
import { copyColumnsSql, makeRowCodec } from './row-codec'
import { generatedTargets } from './ddl'
import type { MigrationPlan } from './types'

const RAW_HEX_MAX = 8192

async function exists(client: pg.ClientBase, schema: string, table: string): Promise<boolean> {
  const r = await client.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [
    qq(schema, table),
  ])
  return Boolean(r.rows[0]?.t)
}

export async function listRejects(
  client: pg.ClientBase,
  schema: string,
  opts: { table?: string; limit?: number },
): Promise<RejectList> {
  if (!(await exists(client, schema, 'ferry_rejects')))
    return { schema, total: 0, entries: [], rules: [], resolved: 0 }
  const total = await client.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM ${qq(schema, 'ferry_rejects')} WHERE ($1::text IS NULL OR table_name = $1)`,
    [opts.table ?? null],
  )
  const r = await client.query<{
    table_name: string
    key: string
    column_name: string | null
    reason: string
    storage: string | null
    raw_hex: string | null
    row_json: string
    batch: number
  }>(
    `SELECT table_name, key, column_name, reason, storage, left(raw_hex, ${RAW_HEX_MAX}) AS raw_hex, row_json, batch
       FROM ${qq(schema, 'ferry_rejects')} WHERE ($1::text IS NULL OR table_name = $1)
      ORDER BY table_name, batch, key, column_name LIMIT $2`,
    [opts.table ?? null, opts.limit ?? 200],
  )
  const entries: RejectEntry[] = r.rows.map((x) => ({
    table: x.table_name,
    key: x.key,
    column: x.column_name,
    reason: x.reason,
    storage: x.storage,
    rawHex: x.raw_hex,
    row: x.row_json,
    batch: x.batch,
  }))
  let rules: RecordedRule[] = []
  let resolved = 0
  if (await exists(client, schema, 'ferry_rules')) {
    rules = await recordedRules(client, schema)
    const n = await client.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM ${qq(schema, 'ferry_rejects_resolved')}`,
    )
    resolved = Number(n.rows[0]?.n ?? 0)
  }
  return { schema, total: Number(total.rows[0]?.n ?? 0), entries, rules, resolved }
}

export async function recordedRules(
  client: pg.ClientBase,
  schema: string,
): Promise<RecordedRule[]> {
  const r = await client.query<{
    id: number
    table_name: string
    column_name: string
    transform: string
    value: string | null
    keys: string[]
    at: string
  }>(
    `SELECT id, table_name, column_name, transform, value, keys, recorded_at::text AS at FROM ${qq(schema, 'ferry_rules')} ORDER BY id`,
  )
  return r.rows.map((x) => ({
    id: x.id,
    table: x.table_name,
    column: x.column_name,
    transform: x.transform,
    value: x.value,
    keys: x.keys,
    at: x.at,
  }))
}

/** Retries the rejected rows `keys` of `table` with `rules`; the caller holds the schema's lock. */
export async function retryRejects(
  db: SqliteDb,
  client: pg.ClientBase,
  schema: string,
  plan: MigrationPlan,
  table: string,
  keys: string[],
  rules: RejectRule[],
): Promise<RetryResult> {
  const t = plan.tables.find((x) => x.source === table)
  if (!t)
    throw new FerryError(
      'UNKNOWN_TABLE',
      `Table "${table}" is not part of the migration into schema "${schema}"`,
      'Pick a table from the reject list.',
    )
  const ruled = rulesByColumn(t, rules)
  for (const sql of rejectQueueDdl(schema, 'IF NOT EXISTS ')) await client.query(sql)
  const computed = await generatedTargets(client, schema, t.target)
  const codec = makeRowCodec(db, t, computed)
  const one = db
    .prepare(
      `SELECT ${codec.selectList} FROM ${quoteIdent(t.source)} WHERE ${keyCmpSql(t.key, '=')}`,
    )
    .raw(true)
    .safeIntegers(true)
  const copySql = `COPY ${qq(schema, t.target)} (${copyColumnsSql(t, computed)}) FROM STDIN WITH (FORMAT text)`
  const loaded: string[] = []
  const stillRejected: RetryResult['stillRejected'] = []
  const md5 = createHash('md5')
  let hashSum = 0n

  await client.query('BEGIN')
  try {
    const present = await client.query<{ key: string }>(
      `SELECT key FROM ${qq(schema, 'ferry_rejects')} WHERE table_name = $1 AND key = ANY($2::text[]) FOR UPDATE`,
      [table, keys],
    )
    const inLog = new Set(present.rows.map((x) => x.key))
    for (const key of keys) {
      if (!inLog.has(key)) {
        stillRejected.push({ key, column: null, reason: 'not in the reject log (already loaded?)' })
        continue
      }
      const row = one.get(...keyValues(t.key, key)) as unknown[] | undefined
      if (!row) {
        stillRejected.push({ key, column: null, reason: 'the row is no longer in the source' })
        continue
      }
      const enc = encodeWithRules(db, t, codec, row, ruled, 'both')
      if ('error' in enc) {
        stillRejected.push({ key, column: enc.column, reason: enc.error })
        continue
      }
      if (enc.rejects || enc.line === null) {
        const r = enc.rejects?.[0]
        stillRejected.push({ key, column: r?.column ?? null, reason: r?.reason ?? 'not encodable' })
        continue
      }
      await client.query('SAVEPOINT ferry_retry')
      try {
        const stream = client.query(copyFrom(copySql))
        stream.end(enc.line)
        await finished(stream)
        await client.query('RELEASE SAVEPOINT ferry_retry')
      } catch (err) {
        await client.query('ROLLBACK TO SAVEPOINT ferry_retry')
        const e = err as { message?: string; code?: string }
        stillRejected.push({
          key,
          column: null,
          reason: `PostgreSQL refused it: ${e.message ?? String(err)}${e.code ? ` (${e.code})` : ''}`,
        })
        continue
      }
      md5.update(enc.line, 'utf8')
      hashSum += enc.hash
      loaded.push(key)
    }
    const ruleIds: number[] = []
    if (loaded.length) {
      const next = await client.query<{ id: number; batch: number }>(
        `SELECT (SELECT coalesce(max(id), 0) + 1 FROM ${qq(schema, 'ferry_rules')}) AS id,
                (SELECT least(coalesce(min(batch), 0), 0) - 1 FROM ${qq(schema, 'ferry_ledger')} WHERE table_name = $1) AS batch`,
        [table],
      )
      let id = next.rows[0]!.id
      const batch = next.rows[0]!.batch
      for (const rule of ruled.values()) {
        await client.query(
          `INSERT INTO ${qq(schema, 'ferry_rules')} (id, table_name, column_name, transform, value, keys) VALUES ($1, $2, $3, $4, $5, $6::text[])`,
          [id, table, rule.column, rule.transform, rule.value ?? null, loaded],
        )
        ruleIds.push(id++)
      }
      await client.query(
        `WITH moved AS (DELETE FROM ${qq(schema, 'ferry_rejects')} WHERE table_name = $1 AND key = ANY($2::text[]) RETURNING *)
         INSERT INTO ${qq(schema, 'ferry_rejects_resolved')} (table_name, batch, key, column_name, reason, storage, raw_hex, row_json, recorded_at, rule_ids, retry_batch)
         SELECT table_name, batch, key, column_name, reason, storage, raw_hex, row_json, recorded_at, $3::int[], $4 FROM moved`,
        [table, loaded, ruleIds, batch],
      )
      await client.query(
        `INSERT INTO ${qq(schema, 'ferry_ledger')} (table_name, batch, key_from, key_to, rows, rejected, source_hash, row_hash_sum) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::numeric)`,
        [
          table,
          batch,
          loaded[0],
          loaded[loaded.length - 1],
          loaded.length,
          -loaded.length,
          md5.digest('hex'),
          hashSum.toString(),
        ],
      )
    }
    await client.query('COMMIT')
    return { table, retried: keys.length, loaded, stillRejected, ruleIds }
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw err
  }
}
