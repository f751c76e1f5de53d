// p2.validate's second half: memory.db against its sources, read again from scratch. Per file: the
// rows a fresh read gives vs the rows stored, and the SHA-256 of every stored body vs the body the
// source gives now (in order); per state.db table: count and a digest of every cell with its
// storage class; then integrity_check and foreign_key_check, where violations state.db already
// had are "inherited". Every difference is listed; any one fails the step.
import { createHash } from 'node:crypto'
import type Database from 'better-sqlite3'
import { readListed } from '../inventory/open'
import type { WalkEntry } from '../inventory/walk'
import { configRecords, configRowHash, contextRecord } from './import-whole'
import { findLedger } from './ledger'
import type { Disposition } from './map'
import type { MemoryDb } from './memory-db'
import type { FileOutcome } from './outcome'
import { logPass, sha256Of } from './read-log'
import type { Scrubber } from './secrets'
import { checkForeignKeys, checkIntegrity, checkStateTables, goneSources } from './reconcile-db'
import type { StateSchema } from './state-copy'

export interface Difference {
  path?: string
  table?: string
  what: string
  expected?: number | string
  actual?: number | string
}

export interface FileCheck {
  path: string
  table: string
  expectedRows: number
  writtenRows: number
  /** Stored bodies hash to their content_sha256, and the sequence equals what the source gives. */
  hashesMatch: boolean
  ok: boolean
}

export interface TableCheck {
  table: string
  expectedRows: number
  writtenRows: number
  digestMatch: boolean
  ok: boolean
}

export interface ForeignKeyViolation {
  table: string
  rowid: string | null
  parent: string
}

export interface Reconciliation {
  ok: boolean
  files: FileCheck[]
  stateTables: TableCheck[]
  totals: { sourceFiles: number; imported: number; skipped: number; reconciles: boolean }
  integrityCheck: string[]
  foreignKeys: {
    inherited: number
    introduced: ForeignKeyViolation[]
    inheritedByTable: { table: string; parent: string; rows: number }[]
  }
  /** Files imported by an earlier run that are no longer in the workspace: their rows are kept. */
  sourcesGone: { path: string; rows: number }[]
  differences: Difference[]
}

/**
 * The row hashes of one file, in order, folded as they stream by: a count and the SHA-256 of their
 * concatenation. Never a list — a 1 GiB log has millions of rows and the check must stay in
 * bounded memory like the import itself.
 */
class HashSeq {
  count = 0
  private readonly h = createHash('sha256')
  add(sha: Buffer): void {
    this.count++
    this.h.update(sha)
  }
  digest(): string {
    return this.h.digest('hex')
  }
}

async function sourceHashes(
  e: WalkEntry,
  d: Disposition,
  mem: MemoryDb,
  scrub: Scrubber,
): Promise<HashSeq> {
  const out = new HashSeq()
  if (d.action !== 'import') return out
  if (d.importer === 'log') {
    const l = findLedger(mem, e)
    await logPass(e, {
      format: d.format,
      gz: d.gz,
      end: d.gz ? undefined : l?.size,
      scrub,
      onRow: (r) => out.add(r.sha256),
    })
    return out
  }
  const bytes = await readListed(e.abs, e, e.path)
  if (d.importer === 'config')
    for (const r of configRecords(d.format, e.inClaude.slice('config/'.length), bytes, scrub).rows)
      out.add(r.sha256)
  if (d.importer === 'context')
    out.add(contextRecord(d.format, e.inClaude.slice('context/'.length), bytes, scrub).sha256)
  return out
}

interface StoredRow {
  sha: Buffer
  raw?: string | Buffer
  [k: string]: unknown
}

function storedHashes(
  mem: MemoryDb,
  table: string,
  fileId: number,
): { hashes: HashSeq; selfOk: boolean } {
  let selfOk = true
  const hashes = new HashSeq()
  if (table === 'file_configurations') {
    const rows = mem
      .prepare(
        'SELECT content_sha256 AS sha, scope, agent_id AS agentId, config_key AS key, config_value AS value, is_secret AS isSecret, source_line AS line, parse_error AS parseError FROM file_configurations WHERE file_id = ? ORDER BY source_index',
      )
      .all(fileId) as StoredRow[]
    for (const r of rows) {
      if (
        !configRowHash({
          scope: r.scope,
          agentId: r.agentId,
          key: r.key,
          value: r.value,
          isSecret: r.isSecret === 1,
          line: r.line,
          parseError: r.parseError,
        } as Parameters<typeof configRowHash>[0]).equals(r.sha)
      )
        selfOk = false
      hashes.add(r.sha)
    }
    return { hashes, selfOk }
  }
  const order = table === 'file_events' ? 'source_offset' : 'id'
  for (const r of mem
    .prepare(`SELECT content_sha256 AS sha, raw FROM ${table} WHERE file_id = ? ORDER BY ${order}`)
    .iterate(fileId) as Iterable<StoredRow>) {
    if (!sha256Of(r.raw as string | Buffer).equals(r.sha)) selfOk = false
    hashes.add(r.sha)
  }
  return { hashes, selfOk }
}

export interface ReconcileInput {
  mem: MemoryDb
  /** A second read-only connection to memory.db (see iterateTable). */
  memSecond: MemoryDb
  src: Database.Database | null
  srcSecond: Database.Database | null
  schema: StateSchema | null
  scrub: Scrubber
  files: { entry: WalkEntry; d: Disposition; outcome: FileOutcome | undefined }[]
  signal: AbortSignal
  onFile?: (path: string) => void
}

export async function reconcile(i: ReconcileInput): Promise<Reconciliation> {
  const differences: Difference[] = []
  const files: FileCheck[] = []
  const sources = i.files.filter((f) => f.d.action !== 'none')
  for (const { entry, d, outcome } of sources) {
    if (!outcome) {
      differences.push({ path: entry.path, what: 'no outcome: neither imported nor skipped' })
      continue
    }
    if (outcome.status !== 'imported' || d.action !== 'import' || d.importer === 'state-db')
      continue
    i.onFile?.(entry.path)
    const table = outcome.table as string
    const ledger = findLedger(i.mem, entry)
    if (!ledger) {
      differences.push({
        path: entry.path,
        what: 'imported, but memory.db has no ledger row for it',
      })
      continue
    }
    const fresh = await sourceHashes(entry, d, i.mem, i.scrub)
    const stored = storedHashes(i.mem, table, ledger.fileId)
    const hashesMatch = stored.selfOk && fresh.digest() === stored.hashes.digest()
    const check = {
      path: entry.path,
      table,
      expectedRows: fresh.count,
      writtenRows: stored.hashes.count,
      hashesMatch,
      ok: hashesMatch && fresh.count === stored.hashes.count,
    }
    files.push(check)
    if (check.expectedRows !== check.writtenRows)
      differences.push({
        path: entry.path,
        table,
        what: 'row count',
        expected: check.expectedRows,
        actual: check.writtenRows,
      })
    else if (!stored.selfOk)
      differences.push({
        path: entry.path,
        table,
        what: 'a stored body does not hash to its content_sha256',
      })
    else if (!hashesMatch)
      differences.push({
        path: entry.path,
        table,
        what: 'the stored bodies differ from what the source gives (changed while importing? run again)',
      })
  }
  const stateTables = checkStateTables(i, differences)
  const imported = sources.filter((f) => f.outcome?.status === 'imported').length
  const skipped = sources.filter((f) => f.outcome?.status === 'skipped').length
  const totals = {
    sourceFiles: sources.length,
    imported,
    skipped,
    reconciles: sources.length === imported + skipped,
  }
  if (!totals.reconciles)
    differences.push({
      what: 'files in the inventory ≠ imported + skipped',
      expected: sources.length,
      actual: imported + skipped,
    })

  const integrityCheck = checkIntegrity(
    i.mem,
    differences,
    new Set(stateTables.filter((t) => t.digestMatch).map((t) => t.table)),
  )
  const foreignKeys = checkForeignKeys(i.mem, i.src, differences)
  const sourcesGone = goneSources(
    i.mem,
    new Set(sources.map((f) => f.entry.pathHex ?? Buffer.from(f.entry.path).toString('hex'))),
  )
  return {
    ok: differences.length === 0,
    files,
    stateTables,
    totals,
    integrityCheck,
    foreignKeys,
    sourcesGone,
    differences,
  }
}
