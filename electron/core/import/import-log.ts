// logs/ → file_events, incrementally. The ledger says how far the file was read and what those
// bytes hashed to: unchanged → nothing to do; same prefix → only the new lines (plus the last
// record, which may have grown); different prefix → the file was rewritten, its own rows are
// replaced. Each batch of rows commits together with the ledger's new offset.
import { createHash, type Hash } from 'node:crypto'
import type { WalkEntry } from '../inventory/walk'
import type { LogFormat } from '../inventory/kinds'
import {
  createLedger,
  findLedger,
  type LedgerRow,
  rowStats,
  saveFinished,
  saveProgress,
} from './ledger'
import type { ImportContext, FileOutcome } from './outcome'
import { type EventRow, hashWithPrefix, logPass, PrefixHasher } from './read-log'
import { isGzFormat, prefixDigests } from './rotation'

type Mode = 'new' | 'appended' | 'replaced'

async function decide(
  e: WalkEntry,
  gz: boolean,
  l: LedgerRow,
): Promise<{ mode: Mode | 'unchanged'; prefix?: Hash }> {
  if (gz && !isGzFormat(l.format) && l.committedOffset > 0 && l.prefixSha256) {
    // A plain log rotated into this .gz (rotation.ts moved its ledger here): continue after the
    // lines already imported, read through gzip.
    const d = (await prefixDigests(e, true, [l.committedOffset])).get(l.committedOffset)
    return { mode: d?.equals(l.prefixSha256) ? 'appended' : 'replaced' }
  }
  if (gz) {
    const { full } = await hashWithPrefix(e, 0)
    return { mode: l.fileSha256?.equals(full) ? 'unchanged' : 'replaced' }
  }
  const h = await hashWithPrefix(e, l.committedOffset)
  if (l.fileSha256?.equals(h.full) && h.size === l.size) return { mode: 'unchanged' }
  if (h.prefix && l.prefixSha256 && h.prefix.copy().digest().equals(l.prefixSha256))
    return { mode: 'appended', prefix: h.prefix }
  return { mode: 'replaced' }
}

export async function importLog(
  ctx: ImportContext,
  e: WalkEntry,
  format: LogFormat,
  gz: boolean,
): Promise<FileOutcome> {
  const { mem } = ctx
  const base = {
    path: e.path,
    ...(e.pathHex ? { pathHex: e.pathHex } : {}),
    importer: 'log' as const,
    format: gz ? `${format}.gz` : format,
    table: 'file_events',
  }
  const found = findLedger(mem, e)
  let ledger = found
  let mode: Mode = 'new'
  let prefixState: Hash = createHash('sha256')
  if (found) {
    const d = await decide(e, gz, found)
    if (d.mode === 'unchanged') {
      ctx.bytes(e.size)
      return {
        ...base,
        status: 'imported',
        action: 'unchanged',
        added: 0,
        removed: 0,
        ...rowStats(mem, 'file_events', found.fileId),
        error: found.error,
      }
    }
    mode = d.mode
    if (d.prefix) prefixState = d.prefix
  } else ledger = mem.transaction(() => createLedger(mem, e, 'log', base.format, ctx.now()))()
  const fileId = (ledger as LedgerRow).fileId
  const start = mode === 'appended' ? (ledger as LedgerRow).committedOffset : 0
  const startLine = mode === 'appended' ? (ledger as LedgerRow).committedLine : 1

  const insert = mem.prepare(
    'INSERT INTO file_events (file_id, source_offset, source_line, line_count, ts, level, agent_id, event_type, message, payload, raw, content_sha256, parse_error, redactions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  )
  // Rows at or after the resume point are the last run's provisional tail: read again, replaced.
  const clear =
    mode === 'replaced'
      ? mem.prepare('DELETE FROM file_events WHERE file_id = ?').bind(fileId)
      : mem
          .prepare('DELETE FROM file_events WHERE file_id = ? AND source_offset >= ?')
          .bind(fileId, start)
  let cleared = false
  let removed = 0
  let added = 0
  let committed = start
  let committedLine = startLine
  let batch: EventRow[] = []
  let tail = false
  let tailStart: { offset: number; line: number } | null = null
  const full = prefixState.copy()
  const hasher = new PrefixHasher(prefixState, start)

  const write = mem.transaction((rows: EventRow[]) => {
    if (!cleared) {
      removed += clear.run().changes
      cleared = true
    }
    for (const r of rows) {
      const rec = r.record
      insert.run(
        fileId,
        rec.offset,
        rec.lineNo,
        rec.lineCount,
        r.ts,
        r.level,
        r.agentId,
        r.eventType,
        r.message,
        r.payload,
        r.raw,
        r.sha256,
        r.parseError,
        r.redactions,
      )
      if (tail) tailStart ??= { offset: rec.offset, line: rec.lineNo }
      else {
        committed = rec.end
        committedLine = rec.lineNo + rec.lineCount
      }
    }
    added += rows.length
    ctx.rows?.(rows.length)
    if (!gz) {
      const upTo = tailStart?.offset ?? committed
      hasher.advance(upTo)
      saveProgress(mem, fileId, upTo, tailStart?.line ?? committedLine, hasher.digest(), ctx.now())
    }
  })
  const flush = async (force: boolean): Promise<void> => {
    if (batch.length === 0 || (!force && batch.length < ctx.batchRows)) return
    write(batch)
    batch = []
    await ctx.afterBatch()
  }

  const result = await logPass(e, {
    format,
    gz,
    start,
    startLine,
    scrub: ctx.scrub,
    onRow: (r) => batch.push(r),
    onRaw: (c) => {
      full.update(c)
      if (!gz) hasher.push(c)
      ctx.bytes(c.length)
    },
    afterChunk: () => flush(false),
    beforeTail: () => {
      // Everything handed out so far is final; what follows may still grow.
      if (batch.length) write(batch)
      batch = []
      tail = true
    },
  })
  if (batch.length || !cleared) write(batch)
  batch = []
  await ctx.afterBatch()
  const size = (gz ? 0 : start) + result.rawBytes
  mem.transaction(() =>
    saveFinished(mem, fileId, {
      size,
      fileSha256: full.digest(),
      format: base.format,
      error: result.error ? `${result.error.code}: ${result.error.message}` : null,
      now: ctx.now(),
    }),
  )()
  const stats = rowStats(mem, 'file_events', fileId)
  return {
    ...base,
    status: 'imported',
    action: mode,
    added,
    removed,
    ...stats,
    error: result.error ? `${result.error.code}: ${result.error.message}` : null,
  }
}
