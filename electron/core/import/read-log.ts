// One pass over a log file as events rows would see it, shared by the dry run, the import and the
// reconciliation so all three count the same records: chunks → lines → records → scrubbed row
// fields. A damaged .gz or an over-long line ends the pass with an error; what was read before it
// has already been handed out.
import { createHash, type Hash, hash } from 'node:crypto'
import type { LogFormat } from '../inventory/kinds'
import { openListed, osError } from '../inventory/open'
import { fileChunks, LineSplitter, LineTooLongError } from '../inventory/stream'
import type { WalkEntry } from '../inventory/walk'
import { type EventFields, parseEventRecord } from './log-event'
import { type LogRecord, RecordAssembler } from './log-records'
import type { Scrubber } from './secrets'

export interface EventRow extends EventFields {
  record: LogRecord
  /** What is stored in `raw`: the record's text, or its bytes when it is not UTF-8. */
  raw: string | Buffer
  sha256: Buffer
  redactions: number
}

export interface LogPassOptions {
  format: LogFormat
  gz: boolean
  start?: number
  /** Stop before this offset (plain files; the reconciliation reads what was imported, no more). */
  end?: number
  startLine?: number
  scrub: Scrubber
  onRow: (row: EventRow) => void
  /** Raw bytes as read (compressed for .gz), with the offset of their first byte. */
  onRaw?: (chunk: Buffer, offset: number) => void
  /** After each chunk's rows were handed out: commit a batch, report progress, honour cancel. */
  afterChunk?: () => Promise<void>
  /** Called once before the rows that may still change (the data's last record) are handed out. */
  beforeTail?: () => void
}

export interface LogPassResult {
  rawBytes: number
  /** Offset reached in the (decompressed) data. */
  end: number
  lines: number
  blankLines: number
  error: { code: string; message: string } | null
}

export function toEventRow(format: LogFormat, rec: LogRecord, scrub: Scrubber): EventRow {
  const s = scrub.buffer(rec.bytes)
  const scrubbed = s.hits > 0 ? { ...rec, bytes: s.value } : rec
  const fields = parseEventRecord(format, scrubbed)
  const raw = fields.text ?? scrubbed.bytes
  // The text is those very bytes decoded (it is valid UTF-8), so hashing the bytes saves re-encoding.
  return { ...fields, record: rec, raw, sha256: sha256Of(scrubbed.bytes), redactions: s.hits }
}

/** One-shot SHA-256: a million small rows make a Hash object per row a visible cost. */
export function sha256Of(v: string | Buffer): Buffer {
  return hash('sha256', v, 'buffer')
}

export async function logPass(e: WalkEntry, o: LogPassOptions): Promise<LogPassResult> {
  const fh = await openListed(e.abs, e, e.path)
  let lines = 0
  let rawBytes = 0
  let end = o.start ?? 0
  let error: LogPassResult['error'] = null
  const asm = new RecordAssembler(o.format, (rec) => o.onRow(toEventRow(o.format, rec, o.scrub)))
  const split = new LineSplitter(
    (l) => {
      lines++
      end = l.end
      asm.line(l)
    },
    o.start ?? 0,
    o.startLine ?? 1,
  )
  const chunks = fileChunks(fh, {
    start: o.start,
    end: o.end,
    gz: o.gz,
    onRaw: (c) => {
      o.onRaw?.(c, o.gz ? rawBytes : (o.start ?? 0) + rawBytes)
      rawBytes += c.length
    },
  })
  let skip = o.gz ? (o.start ?? 0) : 0
  try {
    for (;;) {
      // Only reading the file may fail "for the file"; a failed commit in afterChunk is Ferry's
      // own failure and propagates.
      let next: IteratorResult<Buffer>
      try {
        next = await chunks.next()
      } catch (err) {
        error = osError(err)
        break
      }
      if (next.done) break
      let chunk = next.value
      if (skip > 0) {
        // gzip cannot seek: a .gz continued after its imported lines is read from the top.
        const n = Math.min(skip, chunk.length)
        skip -= n
        chunk = chunk.subarray(n)
        if (!chunk.length) continue
      }
      try {
        split.push(chunk)
      } catch (err) {
        if (!(err instanceof LineTooLongError)) throw err
        error = osError(err)
        break
      }
      await o.afterChunk?.()
    }
    // Whatever the data ends with, even after damage, is still data: handed out, marked
    // provisional. (Not the over-long line itself: that is the one thing left out, and reported.)
    o.beforeTail?.()
    if (error?.code !== 'LINE_TOO_LONG') split.finish()
    asm.flush()
  } finally {
    await chunks.return(undefined)
    await fh.close()
  }
  return { rawBytes, end, lines, blankLines: asm.blankLines, error }
}

/** Reads a plain file whole, hashing it and taking a copy of the hash state at `at` bytes. */
export async function hashWithPrefix(
  e: WalkEntry,
  at: number,
): Promise<{ full: Buffer; prefix: Hash | null; size: number }> {
  const fh = await openListed(e.abs, e, e.path)
  const h = createHash('sha256')
  let prefix: Hash | null = at === 0 ? h.copy() : null
  let pos = 0
  try {
    for await (const chunk of fileChunks(fh)) {
      if (!prefix && pos + chunk.length >= at) {
        h.update(chunk.subarray(0, at - pos))
        prefix = h.copy()
        h.update(chunk.subarray(at - pos))
      } else h.update(chunk)
      pos += chunk.length
    }
  } finally {
    await fh.close()
  }
  return { full: h.digest(), prefix, size: pos }
}

/** Hashes bytes up to a moving committed offset, keeping only the chunks not hashed yet. */
export class PrefixHasher {
  private queue: Buffer[] = []
  constructor(
    private readonly hash: Hash,
    private at: number,
  ) {}

  push(chunk: Buffer): void {
    this.queue.push(chunk)
  }

  advance(to: number): void {
    while (this.at < to) {
      const c = this.queue[0]
      if (!c) return
      const take = Math.min(c.length, to - this.at)
      this.hash.update(c.subarray(0, take))
      this.at += take
      if (take === c.length) this.queue.shift()
      else this.queue[0] = c.subarray(take)
    }
  }

  digest(): Buffer {
    return this.hash.copy().digest()
  }
}
