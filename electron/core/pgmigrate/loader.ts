// Loads one table: SQLite rows in key order → COPY … FROM STDIN, in batches. Each batch's COPY,
// its rejects and its ledger row commit in one transaction (RELIABILITY rule 2), so a run killed
// at any moment resumes after the last committed batch: every row exactly once. A value
// PostgreSQL refuses despite our checks fails the whole COPY (rule 3: all-or-nothing); the row
// named in the error context is quarantined with PostgreSQL's reason and the batch is redone.
import { createHash } from 'node:crypto'
import { once } from 'node:events'
import { finished } from 'node:stream/promises'
import type pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import { FerryError } from '../../../shared/contract/envelope'
import { faultPoint } from '../jobs/faults'
import { isTransientPgError } from './retry'
import { throwIfCancelled } from '../jobs/job'
import { quoteIdent, type SqliteDb } from '../sqlite/open'
import { keyCmpSql, keyRangeSql, keySelectSql, keyValues } from './keys'
import {
  insertLedger,
  insertRejects,
  ledgerState,
  PART_STRIDE,
  rejectedKeys,
  type LedgerBatch,
  type RejectRow,
} from './ledger'
import { qq } from './names'
import { copyColumnsSql, makeRowCodec, type ForcedRejects, type RowCodec } from './row-codec'
import { generatedTargets } from './ddl'
import type { TablePlan } from './types'
import { keyDisplay } from '../../../shared/contract/row-key'

export interface LoadOptions {
  schema: string
  batchRows: number
  /** A batch also ends after this many bytes of COPY text. */
  batchBytes: number
  signal: AbortSignal
  /** `done` = rows loaded + rejected so far; `sent` = COPY bytes this run and rows rejected so far. */
  onProgress: (table: string, done: number, sent?: { bytes: number; rejected: number }) => void
  /**
   * Re-hash the last committed batch before continuing (default true). Delta sync (delta.ts) turns
   * it off: there, rows in already-copied ranges are expected to have changed and are upserted.
   */
  verifyLast?: boolean
  /** One key range of a split table (parts.ts); absent: the whole table. */
  part?: LoadPart
}

/** Keys `from` ≤ key < `to` (null: unbounded), loaded as the table's part `index`. */
export interface LoadPart {
  index: number
  from: string | null
  to: string | null
}

export interface TableLoadResult {
  table: string
  target: string
  sourceRows: number
  loadedRows: number
  rejectedRows: number
  batches: number
  /** Batches found committed by an earlier run (not redone). */
  resumedBatches: number
  /** COPY attempts PostgreSQL refused, each followed by quarantining one row. */
  retries: number
  /** UTF-8 bytes of COPY text this run sent. */
  bytes: number
  ms: number
}

const CHUNK_BYTES = 256 * 1024
const MAX_RETRIES = 100
/** Chunks kept for reuse between batches (4 MiB): a batch of larger rows allocates the rest. */
const POOLED_CHUNKS = 16

/**
 * The COPY text chunks of one table's load. A chunk handed to the stream may still be held by the
 * socket until its bytes are written, so it is reused only once its batch's COPY has completed
 * (PostgreSQL has then read every byte). Without reuse, each 256 KiB chunk became garbage outside
 * the JavaScript heap, which V8 collects late: the load's peak memory was ~10 MB higher (measured
 * on the 1M-event workspace with 2 threads: 291–301 MB without, 282–288 MB with).
 */
class ChunkPool {
  private readonly free: Buffer[] = []
  private readonly lent: Buffer[] = []
  take(): Buffer {
    const b = this.free.pop() ?? Buffer.allocUnsafe(CHUNK_BYTES)
    this.lent.push(b)
    return b
  }
  /** The batch's COPY completed: its chunks are free again. */
  reclaim(): void {
    for (const b of this.lent) if (this.free.length < POOLED_CHUNKS) this.free.push(b)
    this.lent.length = 0
  }
  /** The batch's COPY failed: its chunks may still be in the socket's hands; never reused. */
  forget(): void {
    this.lent.length = 0
  }
}

export async function loadTable(
  db: SqliteDb,
  client: pg.PoolClient,
  plan: TablePlan,
  opts: LoadOptions,
): Promise<TableLoadResult> {
  const started = Date.now()
  // A column made generated after an earlier load (a delta, a resumed run) is PostgreSQL's to fill.
  const computed = await generatedTargets(client, opts.schema, plan.target)
  const codec = makeRowCodec(db, plan, computed)
  const part = opts.part ?? { index: 0, from: null, to: null }
  const state = await ledgerState(
    client,
    opts.schema,
    plan.source,
    opts.part ? part.index : undefined,
  )
  if (state.last && opts.verifyLast !== false)
    await verifyLastBatch(db, client, plan, codec, opts.schema, state.last)
  const base = part.index * PART_STRIDE
  let batch = state.last?.batch ?? base
  let after = state.last?.keyTo ?? null
  let loaded = state.rows
  let rejected = state.rejected
  const resumedBatches = batch - base
  let retries = 0
  const forced: ForcedRejects = new Map()
  const chunks = new ChunkPool()
  let bytes = 0
  opts.onProgress(plan.source, loaded + rejected, { bytes, rejected })
  const select = `SELECT ${codec.selectList} FROM ${quoteIdent(plan.source)}`
  const order = ` ORDER BY ${keySelectSql(plan.key)} LIMIT ?`
  // A part's rows: from ≤ key < to; `after` moves the lower bound past each committed batch.
  const upper = part.to === null ? [] : [keyCmpSql(plan.key, '<')]
  const upperValues = part.to === null ? [] : keyValues(plan.key, part.to)
  const where = (lower: string[]): string => {
    const all = [...lower, ...upper]
    return all.length ? ` WHERE ${all.join(' AND ')}` : ''
  }
  const firstLower = part.from === null ? [] : [keyCmpSql(plan.key, '>=')]
  const firstValues = part.from === null ? [] : keyValues(plan.key, part.from)
  const first = db
    .prepare(select + where(firstLower) + order)
    .raw(true)
    .safeIntegers(true)
  const next = db
    .prepare(select + where([keyCmpSql(plan.key, '>')]) + order)
    .raw(true)
    .safeIntegers(true)
  const copySql = `COPY ${qq(opts.schema, plan.target)} (${copyColumnsSql(plan, computed)}) FROM STDIN WITH (FORMAT text)`

  for (;;) {
    throwIfCancelled(opts.signal)
    const rows =
      after === null
        ? first.iterate(...firstValues, ...upperValues, opts.batchRows)
        : next.iterate(...keyValues(plan.key, after), ...upperValues, opts.batchRows)
    const written: string[] = []
    let outcome: BatchOutcome
    try {
      await client.query(BEGIN_BATCH)
      outcome = await copyBatch(
        client,
        copySql,
        rows,
        codec,
        forced,
        opts.batchBytes,
        written,
        chunks,
      )
      if (outcome.read === 0) {
        await client.query('ROLLBACK')
        break
      }
      await insertRejects(client, opts.schema, plan.source, batch + 1, outcome.rejects)
      const entry: LedgerBatch = {
        batch: batch + 1,
        keyFrom: outcome.keyFrom!,
        keyTo: outcome.keyTo!,
        rows: outcome.written,
        rejected: outcome.rejectedRows,
        sourceHash: outcome.hash,
        rowHashSum: outcome.rowHashSum.toString(),
      }
      await insertLedger(client, opts.schema, plan.source, entry)
      await faultPoint('pgmigrate:before-batch-commit', opts.signal)
      await client.query('COMMIT')
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined)
      // A lost connection is the caller's to retry on a fresh one (retry.ts), not a load failure.
      if (isTransientPgError(err)) throw err
      const refusal = refusedRow(err, plan)
      if (!refusal || retries >= MAX_RETRIES) throw loadError(err, plan, batch + 1)
      retries++
      // Line N of this batch's COPY is the N-th row written; quarantine it and redo the batch.
      const key = written[refusal.line - 1]
      if (key === undefined) throw loadError(err, plan, batch + 1)
      forced.set(key, { column: refusal.column, reason: refusal.reason })
      continue
    } finally {
      if (typeof rows.return === 'function') rows.return()
    }
    await faultPoint('pgmigrate:after-batch-commit', opts.signal)
    batch++
    after = outcome.keyTo
    loaded += outcome.written
    rejected += outcome.rejectedRows
    bytes += outcome.bytes
    opts.onProgress(plan.source, loaded + rejected, { bytes, rejected })
    if (outcome.read < opts.batchRows && !outcome.cutShort) break
  }
  if (batch > base + resumedBatches) await flushCommits(client, opts.schema, plan.source, batch)
  return {
    table: plan.source,
    target: plan.target,
    sourceRows: plan.rows,
    loadedRows: loaded,
    rejectedRows: rejected,
    batches: batch - base,
    resumedBatches,
    retries,
    bytes,
    ms: Date.now() - started,
  }
}

/**
 * A batch commits without waiting for its WAL to reach disk (synchronous_commit off, for that
 * transaction only): the load no longer stalls on one fsync per batch. Nothing can be half-kept:
 * a server crash may forget the last few commits, but each takes its ledger row with it (same
 * transaction), so the next run redoes exactly those batches. Before the load reports anything
 * as loaded, flushCommits makes every batch durable.
 */
const BEGIN_BATCH = 'BEGIN; SET LOCAL synchronous_commit = off'

/**
 * One synchronous commit: it waits for the WAL up to its own commit record, which covers every
 * batch committed before it on this server. It must write something — PostgreSQL does not wait
 * for a transaction that wrote no WAL, even one with a transaction id — so it rewrites the last
 * batch's ledger row unchanged.
 */
async function flushCommits(
  client: pg.PoolClient,
  schema: string,
  table: string,
  batch: number,
): Promise<void> {
  await client.query(
    `UPDATE ${qq(schema, 'ferry_ledger')} SET rows = rows WHERE table_name = $1 AND batch = $2`,
    [table, batch],
  )
}

interface BatchOutcome {
  read: number
  written: number
  rejectedRows: number
  rejects: RejectRow[]
  keyFrom: string | null
  keyTo: string | null
  /** The ledger's source hash, re-checked on resume (batchHash). */
  hash: string
  rowHashSum: bigint
  /** UTF-8 bytes of COPY text sent (for MB/s). */
  bytes: number
  /** The batch ended on its byte budget, not because the table ran out. */
  cutShort: boolean
}

/** `keys` receives the key of each row written, by COPY line, to name a refused line. */
async function copyBatch(
  client: pg.PoolClient,
  sql: string,
  rows: IterableIterator<unknown>,
  codec: RowCodec,
  forced: ForcedRejects,
  batchBytes: number,
  keys: string[],
  chunks: ChunkPool,
): Promise<BatchOutcome> {
  const stream = client.query(copyFrom(sql))
  const done = finished(stream)
  done.catch(() => undefined)
  const out: BatchOutcome = {
    read: 0,
    written: 0,
    rejectedRows: 0,
    rejects: [],
    keyFrom: null,
    keyTo: null,
    hash: '',
    rowHashSum: 0n,
    bytes: 0,
    cutShort: false,
  }
  try {
    await copyRows(stream, done, rows, codec, forced, batchBytes, keys, out, chunks)
  } catch (err) {
    chunks.forget()
    // Anything thrown while the COPY is open (a row SQLite cannot hand over, a bug) must end it
    // first: destroy() sends CopyFail, so the caller's ROLLBACK is not queued behind a COPY that
    // never finishes (the connection would hang).
    stream.destroy(err as Error)
    await done.catch(() => undefined)
    throw err
  }
  stream.end()
  try {
    await done
  } catch (err) {
    chunks.forget()
    throw err
  }
  chunks.reclaim()
  out.hash = batchHash(out.rowHashSum)
  return out
}

/** copyBatch's loop: rows encoded and written, the COPY left open for the caller to end. */
async function copyRows(
  stream: ReturnType<typeof copyFrom>,
  done: Promise<void>,
  rows: IterableIterator<unknown>,
  codec: RowCodec,
  forced: ForcedRejects,
  batchBytes: number,
  keys: string[],
  out: BatchOutcome,
  chunks: ChunkPool,
): Promise<void> {
  // Lines are encoded to UTF-8 straight into a chunk buffer: no growing string for the stream to
  // flatten and convert again, and the byte count comes with the write. A chunk handed to the
  // stream belongs to it until the COPY completes (ChunkPool), so each flush starts a new one.
  let chunk = chunks.take()
  let used = 0
  const send = async (buf: Buffer): Promise<void> => {
    const ok = stream.write(buf)
    if (!ok) await Promise.race([once(stream, 'drain'), done])
  }
  const flush = async (): Promise<void> => {
    if (!used) return
    const full = chunk.subarray(0, used)
    chunk = chunks.take()
    used = 0
    await send(full)
  }
  for (const row of rows) {
    const r = codec.encode(row as unknown[], 'both', forced)
    out.read++
    out.keyFrom ??= r.key
    out.keyTo = r.key
    if (r.rejects) {
      out.rejectedRows++
      out.rejects.push(...r.rejects)
    } else {
      const line = r.line!
      // A UTF-16 code unit takes at most 3 bytes of UTF-8.
      if (used + line.length * 3 > CHUNK_BYTES) await flush()
      if (line.length * 3 > CHUNK_BYTES) {
        const big = Buffer.from(line, 'utf8')
        out.bytes += big.length
        await send(big)
      } else {
        const n = chunk.write(line, used)
        used += n
        out.bytes += n
      }
      keys.push(r.key)
      out.written++
      out.rowHashSum += r.hash
    }
    if (out.bytes >= batchBytes) {
      out.cutShort = true
      break
    }
  }
  await flush()
}

/**
 * A batch's source hash: the sum of its rows' hashes (canonical.ts), which the loader computes
 * anyway — so no second hash runs over every byte sent. Ledgers of older runs hold the md5 of the
 * batch's COPY text instead (32 hex digits); verifyLastBatch recognises both.
 */
const batchHash = (rowHashSum: bigint): string => `rh:${rowHashSum}`

/** The row of a refused COPY, from PostgreSQL's error context ("COPY t, line 3, column c: …"). */
function refusedRow(
  err: unknown,
  plan: TablePlan,
): { line: number; column: string | null; reason: string } | null {
  const e = err as { code?: string; where?: string; message?: string }
  if (!e.code || !/^2[23]/.test(e.code) || !e.where) return null
  const m = /COPY [^,]+, line (\d+)(?:, column ([^:]+))?/.exec(e.where)
  if (!m) return null
  const column = m[2] && plan.columns.some((c) => c.target === m[2]) ? m[2] : null
  return { line: Number(m[1]), column, reason: `PostgreSQL refused it: ${e.message} (${e.code})` }
}

function loadError(err: unknown, plan: TablePlan, batch: number): FerryError {
  if (err instanceof FerryError) return err
  const e = err as { message?: string; code?: string }
  // A full disk on the server (53100, "could not extend file …") is no fault of the data: name
  // the cause and the way out (the same wording as target-errors.ts, kept inside this function).
  if (e.code === '53100')
    return new FerryError(
      'TARGET_DISK_FULL',
      `The PostgreSQL server ran out of disk space while loading table "${plan.source}" (batch ${batch}): ${e.message ?? String(err)} (53100)`,
      `Batch ${batch} was rolled back: nothing of it was committed. Free space on the PostgreSQL server (the disk or tablespace that holds the target schema), then run the same command again to resume from the ledger.`,
    )
  return new FerryError(
    'LOAD_FAILED',
    `Loading table "${plan.source}" failed in batch ${batch}: ${e.message ?? String(err)}${e.code ? ` (${e.code})` : ''}`,
    'Nothing of that batch was committed; fix the cause and run the same command again to resume.',
  )
}

/** On resume, the last committed batch is re-read and re-hashed: the ledger is checked, not trusted. */
async function verifyLastBatch(
  db: SqliteDb,
  client: pg.PoolClient,
  plan: TablePlan,
  codec: RowCodec,
  schema: string,
  last: LedgerBatch,
): Promise<void> {
  const skip = await rejectedKeys(client, schema, plan.source, last.batch)
  const st = db
    .prepare(
      `SELECT ${codec.selectList} FROM ${quoteIdent(plan.source)} WHERE ${keyRangeSql(plan.key)}`,
    )
    .raw(true)
    .safeIntegers(true)
  const legacy = !last.sourceHash.startsWith('rh:')
  const md5 = createHash('md5')
  let sum = 0n
  let rows = 0
  for (const row of st.iterate(
    ...keyValues(plan.key, last.keyFrom),
    ...keyValues(plan.key, last.keyTo),
  ) as IterableIterator<unknown[]>) {
    const r = codec.encode(row, legacy ? 'line' : 'hash')
    if (skip.has(r.key) || r.rejects !== null) continue
    if (legacy) md5.update(r.line!, 'utf8')
    else sum += r.hash
    rows++
  }
  const hash = legacy ? md5.digest('hex') : batchHash(sum)
  if (hash !== last.sourceHash || rows !== last.rows) {
    throw new FerryError(
      'SOURCE_CHANGED',
      `Table "${plan.source}" changed since batch ${last.batch} was loaded (keys ${keyDisplay(last.keyFrom)} … ${keyDisplay(last.keyTo)}: ${rows} rows now, ${last.rows} then, or different values)`,
      'The source was modified between runs. After a completed load, copy the changes with "ferry migrate-sqlite … --delta"; otherwise migrate into a new --schema (or drop this one) to start over from the current data.',
    )
  }
}
