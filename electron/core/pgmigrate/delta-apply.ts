// The two writing halves of a delta run for one table, each batch one transaction with its
// ferry_delta_ledger row (so a run killed at any moment resumes after the last committed batch):
//  - changed rows: SQLite rows at or below the key high-water mark whose time column is at or past
//    the previous watermark, COPY'd into a temp table and upserted (INSERT … ON CONFLICT (pk) DO
//    UPDATE … WHERE the row differs, so `applied` counts only rows that really changed);
//  - deleted rows: target keys SQLite no longer has, found by looking each target key up in
//    SQLite (only when the counts say some are missing), and deleted only when asked to.
import { createHash } from 'node:crypto'
import { once } from 'node:events'
import { setImmediate as tick } from 'node:timers/promises'
import { finished } from 'node:stream/promises'
import type pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import { FerryError } from '../../../shared/contract/envelope'
import { faultPoint } from '../jobs/faults'
import { throwIfCancelled } from '../jobs/job'
import { quoteIdent, type SqliteDb } from '../sqlite/open'
import { keySelectSql, keyText, keyValues } from './keys'
import { rejectedKeys } from './ledger'
import { insertDeltaBatch, lastDeltaBatch } from './delta-marks'
import { keyPastSql, movedSql } from './delta-lag'
import { comparedBuckets, COMPARE_PAGE_ROWS, copiedPages } from './delta-compare'
import { q, qq } from './names'
import { encodeWithRules, recordedRulesByKey } from './reject-rules'
import { copyColumnsSql, makeRowCodec } from './row-codec'
import { generatedTargets } from './ddl'
import type { TablePlan } from './types'
import { keyDisplay } from '../../../shared/contract/row-key'

export interface ChangedResult {
  /** Rows examined (time column at or past the watermark, or every copied row when compared; rows in the reject log left out). */
  rows: number
  /** Rows inserted or updated on the target (the rest were already equal). */
  applied: number
  /** Rows whose new values PostgreSQL cannot take unchanged: not copied, listed by key. */
  rejectedKeys: string[]
  batches: number
  /** Compared: the key-hash buckets checksummed, those that differed, the rows staged from them. */
  compared: { buckets: number; differing: number; staged: number } | null
}

/** A compared batch stages at least this many rows (they are mostly read, not written)… */
const COMPARE_BATCH_ROWS = 1000
/** …and ends after this many examined rows (the ledger's resume point moves on). */
const COMPARE_MAX_EXAMINED = 100_000

export async function upsertChanged(
  db: SqliteDb,
  client: pg.ClientBase,
  schema: string,
  t: TablePlan,
  p: {
    run: number
    hwm: string
    /** The time column; null: every row at or below the high-water mark is compared. */
    column: string | null
    prev: string | null
    /** Compared: the source rows at or below the high-water mark. */
    copied?: number
    batchRows: number
    signal: AbortSignal
    /** Compared: rows checksummed (first pass), then examined again (second pass), so far. */
    onRows?: (phase: 'checksums' | 'compare', done: number) => void
  },
): Promise<ChangedResult> {
  const codec = makeRowCodec(db, t)
  const rules = await recordedRulesByKey(client, schema, t)
  const compared = p.column === null
  // Compared row by row: a row in the reject log stays the reject queue's (listed there already).
  const quarantined = compared ? await rejectedKeys(client, schema, t.source) : null
  const done = await lastDeltaBatch(client, schema, p.run, t.source, 'changed')
  const out: ChangedResult = {
    rows: done?.rows ?? 0,
    applied: done?.applied ?? 0,
    rejectedKeys: [],
    batches: done?.batch ?? 0,
    compared: null,
  }
  // Compared: only the rows of key-hash buckets whose checksums differ are staged.
  const cmp = compared
    ? await comparedBuckets(db, client, schema, t, codec, {
        hwm: p.hwm,
        copied: p.copied ?? 0,
        skip: quarantined!,
        rules,
        signal: p.signal,
        onRows: (n) => p.onRows?.('checksums', n),
      })
    : null
  if (cmp) {
    out.compared = { buckets: cmp.kb.buckets, differing: cmp.differingCount, staged: 0 }
    // Nothing differs: every copied row was examined through its bucket's checksum.
    if (!cmp.differingCount) return { ...out, rows: Math.max(out.rows, cmp.rows) }
  }

  const cols = t.columns.map((c) => q(c.target)).join(', ')
  // One staging table per target table on this session (named by a hash: long names stay distinct).
  const stage = `pg_temp.${q(`ferry_delta_${createHash('md5').update(t.target).digest('hex').slice(0, 16)}`)}`
  await client.query(
    `CREATE TEMP TABLE IF NOT EXISTS ${stage} (LIKE ${qq(schema, t.target)}) ON COMMIT DELETE ROWS`,
  )
  const pk = t.primaryKey!.columns
  // Columns PostgreSQL computes (generated) are staged like the others but never written.
  const computed = await generatedTargets(client, schema, t.target)
  const written = copyColumnsSql(t, computed)
  // Every written column, the key's included: a key whose case changed under a case-insensitive
  // collation finds its old row as the conflict, and is rewritten with it.
  const stored = t.columns.map((c) => c.target).filter((c) => !computed.has(c))
  // Rows compared by their text (each value's output form), not by =: a case-only change under a
  // case-insensitive collation, or jsonb 1.0 → 1, is a change; equal rows are never written, so
  // one kept under a NOT VALID constraint it breaks is not checked again.
  const rowText = (alias: string): string =>
    `ROW(${stored.map((c) => `${alias}.${q(c)}`).join(', ')})::text`
  const conflict = `DO UPDATE SET ${stored.map((c) => `${q(c)} = EXCLUDED.${q(c)}`).join(', ')} WHERE ${rowText('T')} IS DISTINCT FROM ${rowText('EXCLUDED')}`
  const unchanged = `DELETE FROM ${stage} AS S USING ${qq(schema, t.target)} AS T WHERE (${pk.map((c) => `T.${q(c)}`).join(', ')}) = (${pk.map((c) => `S.${q(c)}`).join(', ')}) AND ${rowText('T')} = ${rowText('S')}`
  const upsert = `INSERT INTO ${qq(schema, t.target)} AS T (${written}) SELECT ${written} FROM ${stage} ON CONFLICT (${pk.map(q).join(', ')}) ${conflict}`

  // A batch: the rows examined since the last one (key range keyFrom … keyTo), those staged
  // among them COPY'd, compared and upserted with its ledger row in one transaction.
  let text = ''
  let staged = 0
  let examined = 0
  let keyFrom: string | null = null
  let keyTo = ''
  const commit = async (): Promise<void> => {
    let applied = 0
    await client.query('BEGIN')
    try {
      if (text) {
        await copyText(client, `COPY ${stage} (${cols}) FROM STDIN WITH (FORMAT text)`, text)
        await client.query(unchanged)
        applied = (await client.query(upsert)).rowCount ?? 0
      }
      await insertDeltaBatch(client, schema, {
        run: p.run,
        table: t.source,
        phase: 'changed',
        batch: out.batches + 1,
        keyFrom: keyFrom!,
        keyTo,
        rows: examined,
        applied,
      })
      await faultPoint('pgmigrate:delta-before-commit', p.signal)
      await client.query('COMMIT')
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined)
      throw refusedChange(err, t, keyFrom, keyTo)
    }
    await faultPoint('pgmigrate:delta-after-commit', p.signal)
    out.applied += applied
    out.batches++
    out.rows += examined
    if (out.compared) out.compared.staged += staged
    ;[text, staged, examined, keyFrom] = ['', 0, 0, null]
  }

  const pageRows = compared ? COMPARE_PAGE_ROWS : p.batchRows
  const stageRows = compared ? Math.max(p.batchRows, COMPARE_BATCH_ROWS) : p.batchRows
  const moved: [string, unknown[]] = compared ? ['1', []] : movedSql(p.column!, p.prev, '>=')
  for (const rows of copiedPages(db, t, codec, p.hwm, done?.keyTo ?? null, pageRows, moved)) {
    throwIfCancelled(p.signal)
    // A batch is whole pages: its key range is their first and last rows' (no key text per row).
    const keyOfRow = (row: unknown[]): string => keyText(t.key, row.slice(0, codec.keyWidth))
    keyFrom ??= keyOfRow(rows[0]!)
    keyTo = keyOfRow(rows[rows.length - 1]!)
    for (const row of rows) {
      if (quarantined?.size && quarantined.has(keyOfRow(row))) continue
      examined++
      if (cmp && !cmp.differing[cmp.kb.bucketOf(cmp.kb.keyOf(row).kh)]) continue
      let r = codec.encode(row, 'line')
      // A row a recorded reject rule fixed gets the rule again, as its retry did.
      const ruled = rules.size ? rules.get(r.key) : undefined
      if (ruled) {
        const e = encodeWithRules(db, t, codec, row, ruled, 'both')
        r = 'error' in e ? { ...r, line: null } : e
      }
      if (r.line === null) out.rejectedKeys.push(r.key)
      else {
        text += r.line
        staged++
      }
    }
    if (compared) p.onRows?.('compare', out.rows + examined)
    if (staged >= stageRows || (compared && examined >= COMPARE_MAX_EXAMINED)) await commit()
    // A page without a commit still lets a cancel (and the rest of the process) through.
    else await tick()
  }
  if (keyFrom !== null) await commit()
  return out
}

/**
 * A changed row the target's constraints refuse (a CHECK or foreign key kept NOT VALID for the
 * rows that broke it at load is still enforced on changes): named, with its batch rolled back,
 * instead of the server's bare error.
 */
function refusedChange(err: unknown, t: TablePlan, keyFrom: string | null, keyTo: string): unknown {
  const e = err as { code?: string; message?: string; constraint?: string; detail?: string }
  if (!e.code || !/^23/.test(e.code)) return err
  return new FerryError(
    'DELTA_ROW_REFUSED',
    `PostgreSQL refused a changed row of table "${t.source}" (keys ${keyFrom === null ? '?' : keyDisplay(keyFrom)} … ${keyDisplay(keyTo)}): ${e.message ?? String(err)} (${e.code})${e.detail ? `. ${e.detail}` : ''}`,
    `That batch was rolled back; nothing of it was applied. The row now breaks ${e.constraint ? `"${e.constraint}"` : 'a constraint'} on the target (constraints added NOT VALID at the load are still enforced on changed rows): correct the value in SQLite, or change the constraint on the target, then run the delta again — it resumes at that batch.`,
  )
}

async function copyText(client: pg.ClientBase, sql: string, text: string): Promise<void> {
  const stream = client.query(copyFrom(sql))
  const done = finished(stream)
  done.catch(() => undefined)
  for (let i = 0; i < text.length; i += 256 * 1024) {
    if (!stream.write(text.slice(i, i + 256 * 1024)))
      await Promise.race([once(stream, 'drain'), done])
  }
  stream.end()
  await done
}

/**
 * Rows SQLite rewrote with INSERT OR REPLACE (or delete and insert) under the same primary key:
 * the new row has a rowid past the high-water mark, so it is copied as new, and the target's old
 * row with that key would refuse it (23505). Those old rows are stale by definition (SQLite holds
 * one row per key): deleted first, in one transaction, found through a temp table of the new
 * rows' keys. Returns how many were deleted.
 */
export async function deleteReplaced(
  db: SqliteDb,
  client: pg.ClientBase,
  schema: string,
  t: TablePlan,
  hwm: string,
): Promise<number> {
  const pk = t.primaryKey?.columns ?? []
  if (t.key.kind !== 'rowid' || !pk.length) return 0
  // An INTEGER PRIMARY KEY is the rowid itself: a rewritten row keeps it, nothing to replace.
  if (pk.length === 1 && t.columns.some((c) => c.target === pk[0] && c.identity)) return 0
  // The key columns only: the codec leaves every other column out of its COPY line.
  const others = new Set(t.columns.map((c) => c.target).filter((c) => !pk.includes(c)))
  const codec = makeRowCodec(db, t, others)
  const rows = db
    .prepare(
      `SELECT ${codec.selectList} FROM ${quoteIdent(t.source)} WHERE ${keyPastSql(t)} ORDER BY ${keySelectSql(t.key)}`,
    )
    .raw(true)
    .safeIntegers(true)
  const stage = `pg_temp.${q(`ferry_keys_${createHash('md5').update(t.target).digest('hex').slice(0, 16)}`)}`
  const cols = copyColumnsSql(t, others)
  const copy = `COPY ${stage} (${cols}) FROM STDIN WITH (FORMAT text)`
  await client.query('BEGIN')
  try {
    await client.query(
      `CREATE TEMP TABLE IF NOT EXISTS ${stage} AS SELECT ${cols} FROM ${qq(schema, t.target)} WITH NO DATA`,
    )
    await client.query(`TRUNCATE ${stage}`)
    // The new rows' keys, sent in pieces of a few MB (never the whole set in memory).
    let text = ''
    let any = false
    for (const row of rows.iterate(...keyValues(t.key, hwm)) as IterableIterator<unknown[]>) {
      const r = codec.encode(row, 'line')
      if (r.line !== null) text += r.line
      if (text.length >= 4 * 1024 * 1024) {
        await copyText(client, copy, text)
        ;[text, any] = ['', true]
      }
    }
    if (text) await copyText(client, copy, text)
    if (!text && !any) {
      await client.query('ROLLBACK')
      return 0
    }
    const match = pk.map((c) => `T.${q(c)} = S.${q(c)}`).join(' AND ')
    const r = await client.query(
      `DELETE FROM ${qq(schema, t.target)} T USING ${stage} S WHERE ${match}`,
    )
    await client.query('COMMIT')
    return r.rowCount ?? 0
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw err
  }
}

export interface DeletedResult {
  /** Target keys no longer in SQLite (first 100 listed). */
  count: number
  keys: string[]
  applied: number
  /** Why the keys could not be listed (a composite or non-integer/text primary key). */
  note: string | null
}

const PAGE = 10_000

/** Target keys SQLite no longer holds; deleted on the target only when `apply` (--delta-deletes). */
export async function findDeleted(
  db: SqliteDb,
  client: pg.ClientBase,
  schema: string,
  t: TablePlan,
  p: { run: number; apply: boolean; signal: AbortSignal },
): Promise<DeletedResult> {
  const pk = t.primaryKey?.columns ?? []
  const col = t.columns.find((c) => pk.length === 1 && c.target === pk[0])
  if (!col || (col.type !== 'bigint' && col.type !== 'text'))
    return {
      count: 0,
      keys: [],
      applied: 0,
      note: 'rows were deleted in SQLite, but only a single integer or text primary key can be listed; a full recopy removes them',
    }
  const exists = db
    .prepare(`SELECT 1 FROM ${quoteIdent(t.source)} WHERE ${quoteIdent(col.source)} = ?`)
    .pluck()
  const missing: string[] = []
  let after: string | null = null
  for (;;) {
    throwIfCancelled(p.signal)
    const r: pg.QueryResult<{ k: string }> = await client.query<{ k: string }>(
      `SELECT ${q(col.target)}::text AS k FROM ${qq(schema, t.target)} WHERE $1::text IS NULL OR ${q(col.target)} > $1::${col.type} ORDER BY ${q(col.target)} LIMIT ${PAGE}`,
      [after],
    )
    for (const { k } of r.rows)
      if (exists.get(col.type === 'bigint' ? BigInt(k) : k) === undefined) missing.push(k)
    if (r.rows.length < PAGE) break
    after = r.rows[r.rows.length - 1]!.k
  }
  let applied = 0
  if (p.apply && missing.length) {
    const prior = await lastDeltaBatch(client, schema, p.run, t.source, 'delete')
    await client.query('BEGIN')
    try {
      applied =
        (
          await client.query(
            `DELETE FROM ${qq(schema, t.target)} WHERE ${q(col.target)} = ANY($1::${col.type}[])`,
            [missing],
          )
        ).rowCount ?? 0
      await insertDeltaBatch(client, schema, {
        run: p.run,
        table: t.source,
        phase: 'delete',
        batch: (prior?.batch ?? 0) + 1,
        keyFrom: missing[0]!,
        keyTo: missing[missing.length - 1]!,
        rows: missing.length,
        applied,
      })
      await client.query('COMMIT')
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined)
      throw err
    }
  }
  return { count: missing.length, keys: missing.slice(0, 100), applied, note: null }
}
