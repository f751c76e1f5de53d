// Validation: per table, row count and an order-independent checksum computed on both sides over
// the same canonical encoding (canonical.ts) — in JS over the SQLite rows, in SQL over the
// target's. Rows in the reject log are expected to be missing and are left out on the source side;
// a source row that cannot be encoded and is not in the reject log counts as a difference.
// Two ways to get the source side: 'sqlite' re-reads and hashes every row (validate-sqlite);
// 'ledger' (after a load) sums the row hashes the loader computed from the SQLite values before
// sending them and stored with each batch, and checks SQLite's count(*) — the target side is
// always computed by PostgreSQL from what it stored.
import { fromTable } from '../sqlite/integrity'
import type pg from 'pg'
import { faultPoint } from '../jobs/faults'
import { throwIfCancelled } from '../jobs/job'
import { quoteIdent, type SqliteDb } from '../sqlite/open'
import { checksumSql } from './canonical'
import { bisectTable, type RowDifference } from './bisect'
import { ledgerTotals, rejectedKeys } from './ledger'
import { qq } from './names'
import { makeRowCodec } from './row-codec'
import { encodeRuled, recordedRulesByKey, type RulesByKey } from './reject-rules'
import type { MigrationPlan, TablePlan } from './types'

export interface TableValidation {
  table: string
  target: string
  sourceRows: number
  rejectedRows: number
  /** Source rows that should be in the target: all rows minus those in the reject log. */
  expectedRows: number
  targetRows: number
  sourceChecksum: string
  targetChecksum: string
  /** Source rows that cannot be stored unchanged yet are not in the reject log. */
  unloadableRows: number
  /** Where the source checksum came from. */
  method: 'sqlite' | 'ledger'
  equal: boolean
  /** When different: the differing rows found by bisecting the key range (null: not possible). */
  differences: RowDifference[] | null
  bisectNote: string | null
}

export interface ValidationResult {
  equal: boolean
  tables: TableValidation[]
  differentTables: string[]
  /**
   * Another connection committed writes to the SQLite file while this run read it (SQLite's
   * data_version moved): differences may be rows written after they were copied.
   */
  sourceChanged: boolean
  ms: number
}

export interface ValidateOptions {
  schema: string
  source: 'sqlite' | 'ledger'
  workers: number
  signal: AbortSignal
  onProgress: (table: string, done: number) => void
  /** Whether SQLite was written to by another connection since the run began (see sourceChanged). */
  sourceChanged?: () => boolean
}

const YIELD_EVERY = 5000

export async function validateSqlite(
  db: SqliteDb,
  pool: pg.Pool,
  plan: MigrationPlan,
  opts: ValidateOptions,
): Promise<ValidationResult> {
  const started = Date.now()
  const queue = [...plan.tables].sort((a, b) => b.rows - a.rows)
  const results = new Map<string, TableValidation>()
  const worker = async (): Promise<void> => {
    for (let t = queue.shift(); t; t = queue.shift()) {
      await faultPoint('pgmigrate:validate-table', opts.signal)
      results.set(t.source, await validateTable(db, pool, t, opts))
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, opts.workers) }, worker))
  const tables = plan.tables.map((t) => results.get(t.source)!)
  const differentTables = tables.filter((t) => !t.equal).map((t) => t.table)
  return {
    equal: differentTables.length === 0,
    tables,
    differentTables,
    sourceChanged: opts.sourceChanged?.() ?? false,
    ms: Date.now() - started,
  }
}

async function validateTable(
  db: SqliteDb,
  pool: pg.Pool,
  t: TablePlan,
  opts: ValidateOptions,
): Promise<TableValidation> {
  const client = await pool.connect()
  try {
    const skip = await rejectedKeys(client, opts.schema, t.source)
    // Rows a recorded reject rule fixed and loaded are compared as the rule made them.
    const rules = await recordedRulesByKey(client, opts.schema, t)
    const target = client.query<{ rows: string; checksum: string }>(
      checksumSql(qq(opts.schema, t.target), t.columns, '', t.rowHash),
    )
    target.catch(() => undefined)
    const source =
      opts.source === 'ledger'
        ? await fromLedger(db, client, t, skip, opts)
        : await sourceChecksum(db, t, skip, opts, rules)
    const tr = (await target).rows[0]!
    const expectedRows = source.rows - source.rejected
    const targetRows = Number(tr.rows)
    const result: TableValidation = {
      table: t.source,
      target: t.target,
      sourceRows: source.rows,
      rejectedRows: source.rejected,
      expectedRows,
      targetRows,
      sourceChecksum: source.checksum.toString(),
      targetChecksum: tr.checksum,
      unloadableRows: source.unloadable,
      method: opts.source,
      equal:
        expectedRows === targetRows &&
        source.checksum.toString() === tr.checksum &&
        source.unloadable === 0,
      differences: null,
      bisectNote: null,
    }
    if (!result.equal) {
      const b = await bisectTable(db, client, opts.schema, t, skip, undefined, rules)
      result.differences = b.differences
      result.bisectNote = b.note
    }
    return result
  } finally {
    client.release()
  }
}

type SourceSide = { rows: number; rejected: number; unloadable: number; checksum: bigint }

/** The source side from the ledger: SQLite's row count, the loader's per-batch hash sums. */
async function fromLedger(
  db: SqliteDb,
  client: pg.PoolClient,
  t: TablePlan,
  skip: Set<string>,
  opts: ValidateOptions,
): Promise<SourceSide> {
  const rows = Number(
    db
      .prepare(`SELECT count(*) FROM ${fromTable(db, t.source)}`)
      .pluck()
      .safeIntegers(true)
      .get() as bigint,
  )
  const ledger = await ledgerTotals(client, opts.schema, t.source)
  opts.onProgress(t.source, rows)
  return {
    rows,
    rejected: skip.size,
    unloadable: Math.max(0, rows - skip.size - ledger.rows),
    checksum: BigInt(ledger.checksum),
  }
}

/** The source side: every row through the loader's own encoder, hashed; yields to the event loop. */
async function sourceChecksum(
  db: SqliteDb,
  t: TablePlan,
  skip: Set<string>,
  opts: ValidateOptions,
  rules: RulesByKey,
): Promise<{ rows: number; rejected: number; unloadable: number; checksum: bigint }> {
  const codec = makeRowCodec(db, t)
  const st = db
    .prepare(`SELECT ${codec.selectList} FROM ${quoteIdent(t.source)}`)
    .raw(true)
    .safeIntegers(true)
  let rows = 0
  let rejected = 0
  let unloadable = 0
  let checksum = 0n
  for (const row of st.iterate() as IterableIterator<unknown[]>) {
    rows++
    const r = encodeRuled(db, t, codec, row, rules)
    if (skip.has(r.key)) rejected++
    else if (r.rejects) unloadable++
    else checksum += r.hash
    if (rows % YIELD_EVERY === 0) {
      opts.onProgress(t.source, rows)
      throwIfCancelled(opts.signal)
      await new Promise((res) => setImmediate(res))
    }
  }
  opts.onProgress(t.source, rows)
  return { rows, rejected, unloadable, checksum }
}
