// Ferry's bookkeeping in the target schema (RELIABILITY rule 2: each batch's COPY commits with
// its ledger row, so on resume the ledger is the truth):
//   ferry_run      one row: the source, its schema fingerprint and the translation plan
//   ferry_ledger   one row per committed batch: key range, rows, rejected, the batch's source hash
//                  (md5 of its COPY text, re-checked on resume) and the sum of its rows' hashes
//   ferry_rejects  one row per refused value: key, column, reason, the raw bytes as hex, the row
import type pg from 'pg'
import { qq } from './names'

export function ledgerDdl(schema: string): string[] {
  return [
    `CREATE TABLE ${qq(schema, 'ferry_run')} (
      id int PRIMARY KEY CHECK (id = 1),
      source_path text NOT NULL,
      source_fingerprint text NOT NULL,
      plan text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      loaded_at timestamptz,
      constraints_at timestamptz)`,
    `CREATE TABLE ${qq(schema, 'ferry_ledger')} (
      table_name text NOT NULL,
      batch int NOT NULL,
      key_from text NOT NULL,
      key_to text NOT NULL,
      rows int NOT NULL,
      rejected int NOT NULL,
      source_hash text NOT NULL,
      row_hash_sum numeric NOT NULL,
      committed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      PRIMARY KEY (table_name, batch))`,
    `CREATE TABLE ${qq(schema, 'ferry_rejects')} (
      table_name text NOT NULL,
      batch int NOT NULL,
      key text NOT NULL,
      column_name text,
      reason text NOT NULL,
      storage text,
      raw_hex text,
      row_json text NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT clock_timestamp())`,
    ...rejectQueueDdl(schema, ''),
  ]
}

/**
 * The reject queue's bookkeeping (rejects.ts): the rules a user chose, and the rejects they resolved
 * (moved out of ferry_rejects in the same transaction as the fixed rows' COPY and ledger row).
 */
export function rejectQueueDdl(schema: string, ifNotExists: '' | 'IF NOT EXISTS '): string[] {
  return [
    `CREATE TABLE ${ifNotExists}${qq(schema, 'ferry_rules')} (
      id int NOT NULL,
      table_name text NOT NULL,
      column_name text NOT NULL,
      transform text NOT NULL,
      value text,
      keys text[] NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT clock_timestamp())`,
    `CREATE TABLE ${ifNotExists}${qq(schema, 'ferry_rejects_resolved')} (
      table_name text NOT NULL,
      batch int NOT NULL,
      key text NOT NULL,
      column_name text,
      reason text NOT NULL,
      storage text,
      raw_hex text,
      row_json text NOT NULL,
      recorded_at timestamptz NOT NULL,
      rule_ids int[] NOT NULL,
      retry_batch int NOT NULL,
      resolved_at timestamptz NOT NULL DEFAULT clock_timestamp())`,
  ]
}

export interface LedgerBatch {
  batch: number
  keyFrom: string
  keyTo: string
  rows: number
  rejected: number
  sourceHash: string
  /** Sum of the loaded rows' hashes (canonical.ts), exact, as text. */
  rowHashSum: string
}

export interface RejectRow {
  key: string
  column: string | null
  reason: string
  storage: string | null
  rawHex: string | null
  rowJson: string
}

/**
 * A large table is loaded as several parts (key ranges, loader.ts) side by side. Each part numbers
 * its batches in a block of its own — part p's are p·PART_STRIDE + 1, + 2, … — so batch numbers stay
 * unique per table with no change to the ledger's layout, an unsplit table (part 0) keeps 1, 2, …,
 * and the highest batch is still the one furthest along in key order.
 */
export const PART_STRIDE = 1_000_000

/** The ledger of a table, or of one part of it: the last batch and the sums. */
export async function ledgerState(
  client: pg.ClientBase,
  schema: string,
  table: string,
  part?: number,
): Promise<{ last: LedgerBatch | null; rows: number; rejected: number }> {
  // Reject-queue retries use batch numbers ≤ 0 (rejects.ts): they count in the sums, never as last.
  const lo = part === undefined ? -2147483648 : part * PART_STRIDE + 1
  const hi = part === undefined ? 2147483647 : (part + 1) * PART_STRIDE - 1
  const inPart = part ? 'batch BETWEEN $2 AND $3' : '(batch <= 0 OR batch BETWEEN $2 AND $3)'
  const sum = await client.query<{ rows: string | null; rejected: string | null }>(
    `SELECT sum(rows)::text AS rows, sum(rejected)::text AS rejected FROM ${qq(schema, 'ferry_ledger')} WHERE table_name = $1 AND ${inPart}`,
    [table, lo, hi],
  )
  const last = await client.query<{
    batch: number
    key_from: string
    key_to: string
    rows: number
    rejected: number
    source_hash: string
    row_hash_sum: string
  }>(
    `SELECT batch, key_from, key_to, rows, rejected, source_hash, row_hash_sum::text FROM ${qq(schema, 'ferry_ledger')} WHERE table_name = $1 AND batch BETWEEN greatest($2, 1) AND $3 ORDER BY batch DESC LIMIT 1`,
    [table, lo, hi],
  )
  const l = last.rows[0]
  return {
    last: l
      ? {
          batch: l.batch,
          keyFrom: l.key_from,
          keyTo: l.key_to,
          rows: l.rows,
          rejected: l.rejected,
          sourceHash: l.source_hash,
          rowHashSum: l.row_hash_sum,
        }
      : null,
    rows: Number(sum.rows[0]?.rows ?? 0),
    rejected: Number(sum.rows[0]?.rejected ?? 0),
  }
}

export async function insertLedger(
  client: pg.ClientBase,
  schema: string,
  table: string,
  b: LedgerBatch,
): Promise<void> {
  await client.query(
    `INSERT INTO ${qq(schema, 'ferry_ledger')} (table_name, batch, key_from, key_to, rows, rejected, source_hash, row_hash_sum) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::numeric)`,
    [table, b.batch, b.keyFrom, b.keyTo, b.rows, b.rejected, b.sourceHash, b.rowHashSum],
  )
}

export async function insertRejects(
  client: pg.ClientBase,
  schema: string,
  table: string,
  batch: number,
  rejects: RejectRow[],
): Promise<void> {
  if (!rejects.length) return
  await client.query(
    `INSERT INTO ${qq(schema, 'ferry_rejects')} (table_name, batch, key, column_name, reason, storage, raw_hex, row_json)
     SELECT $1, $2, * FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])`,
    [
      table,
      batch,
      rejects.map((r) => r.key),
      rejects.map((r) => r.column),
      rejects.map((r) => r.reason),
      rejects.map((r) => r.storage),
      rejects.map((r) => r.rawHex),
      rejects.map((r) => r.rowJson),
    ],
  )
}

/**
 * Keys of a table's rejected rows (all batches, or one). For one batch (the loader re-hashing it on
 * resume) the rejects a rule resolved later count too: that batch was committed without them.
 */
export async function rejectedKeys(
  client: pg.ClientBase,
  schema: string,
  table: string,
  batch?: number,
): Promise<Set<string>> {
  const r = await client.query<{ key: string }>(
    `SELECT DISTINCT key FROM ${qq(schema, 'ferry_rejects')} WHERE table_name = $1 AND ($2::int IS NULL OR batch = $2)`,
    [table, batch ?? null],
  )
  const keys = new Set(r.rows.map((x) => x.key))
  if (batch === undefined) return keys
  const resolved = await client.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [
    qq(schema, 'ferry_rejects_resolved'),
  ])
  if (resolved.rows[0]?.t) {
    const more = await client.query<{ key: string }>(
      `SELECT DISTINCT key FROM ${qq(schema, 'ferry_rejects_resolved')} WHERE table_name = $1 AND batch = $2`,
      [table, batch],
    )
    for (const x of more.rows) keys.add(x.key)
  }
  return keys
}

export async function rejectSummary(
  client: pg.ClientBase,
  schema: string,
  limit = 200,
): Promise<{
  total: number
  rows: {
    table: string
    key: string
    column: string | null
    reason: string
    rawHex: string | null
  }[]
}> {
  const total = await client.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM ${qq(schema, 'ferry_rejects')}`,
  )
  const r = await client.query<{
    table_name: string
    key: string
    column_name: string | null
    reason: string
    raw_hex: string | null
  }>(
    `SELECT table_name, key, column_name, reason, left(raw_hex, 200) AS raw_hex FROM ${qq(schema, 'ferry_rejects')} ORDER BY table_name, batch, key LIMIT $1`,
    [limit],
  )
  return {
    total: Number(total.rows[0]?.n ?? 0),
    rows: r.rows.map((x) => ({
      table: x.table_name,
      key: x.key,
      column: x.column_name,
      reason: x.reason,
      rawHex: x.raw_hex,
    })),
  }
}

/** What the ledger says was loaded: rows and the exact sum of their hashes. */
export async function ledgerTotals(
  client: pg.ClientBase,
  schema: string,
  table: string,
): Promise<{ rows: number; checksum: string }> {
  const r = await client.query<{ rows: string; sum: string }>(
    `SELECT coalesce(sum(rows), 0)::text AS rows, coalesce(sum(row_hash_sum), 0)::text AS sum FROM ${qq(schema, 'ferry_ledger')} WHERE table_name = $1`,
    [table],
  )
  return { rows: Number(r.rows[0]?.rows ?? 0), checksum: r.rows[0]?.sum ?? '0' }
}
