// Lines → log records. A JSONL record is one line. A plain-text record that starts with a
// timestamp (`2026-10-01T00:00:01Z INFO [agent] message`, `[2026-10-01 00:00:01] …`) takes the
// lines after it that do not (a stack trace belongs to the error above it); any other line is a
// record of its own, so a log without timestamps is one record per line, not one huge record.
// The rule looks at nothing but the record in progress: a re-run that starts at a record's
// offset cuts the rest exactly as a full pass does. Blank lines are counted, never stored. Each
// record keeps its exact bytes and byte range, which is what makes re-runs incremental.
import type { LogFormat } from '../inventory/kinds'
import type { Line } from '../inventory/stream'

export interface LogRecord {
  /** Byte offset of the record's first line. */
  offset: number
  /** Offset just past the record's last line (its '\n' included when there is one). */
  end: number
  /** 1-based line of the record's first line. */
  lineNo: number
  lineCount: number
  /** The record's exact bytes: its lines joined by '\n', without the final '\n'. */
  bytes: Buffer
  /** Set when a plain-text record was cut at the size cap and this is the rest of it. */
  continues: boolean
}

/** A plain-text record longer than this is cut, so one runaway trace cannot fill memory. */
export const MAX_RECORD_LINES = 10_000
export const MAX_RECORD_BYTES = 8 << 20

const TS_HEAD = /^\[?\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/

function isBlank(b: Buffer): boolean {
  for (const c of b) if (c !== 0x20 && c !== 0x09 && c !== 0x0d) return false
  return true
}

export function isTextHead(b: Buffer): boolean {
  return TS_HEAD.test(b.subarray(0, 17).toString('latin1'))
}

export class RecordAssembler {
  private lines: Line[] = []
  private bytes = 0
  private blanks: Line[] = []
  private continues = false
  /** The record in progress started with a timestamp: the lines after it without one join it. */
  private headed = false
  blankLines = 0

  constructor(
    private readonly format: LogFormat,
    private readonly onRecord: (r: LogRecord) => void,
  ) {}

  line(l: Line): void {
    if (isBlank(l.bytes)) {
      // In a text log a blank line may sit inside a stack trace; it belongs to the record only if
      // the record goes on after it.
      if (this.format === 'text' && this.lines.length > 0) this.blanks.push(l)
      else this.blankLines++
      return
    }
    if (this.format === 'jsonl') {
      this.onRecord({
        offset: l.offset,
        end: l.end,
        lineNo: l.lineNo,
        lineCount: 1,
        bytes: l.bytes,
        continues: false,
      })
      return
    }
    const head = isTextHead(l.bytes)
    if (head || this.lines.length === 0 || !this.headed) {
      this.flush()
      this.continues = false
      this.headed = head
    } else if (
      this.lines.length + this.blanks.length >= MAX_RECORD_LINES ||
      this.bytes + l.bytes.length > MAX_RECORD_BYTES
    ) {
      this.flush()
      this.continues = true
    }
    for (const b of this.blanks) this.add(b)
    this.blanks = []
    this.add(l)
  }

  private add(l: Line): void {
    this.lines.push(l)
    this.bytes += l.bytes.length + 1
  }

  /** Emits the record in progress (at the end of the data, or before a new one starts). */
  flush(): void {
    this.blankLines += this.blanks.length
    this.blanks = []
    const first = this.lines[0]
    const last = this.lines[this.lines.length - 1]
    if (!first || !last) return
    const bytes =
      this.lines.length === 1
        ? first.bytes
        : Buffer.concat(this.lines.flatMap((l, i) => (i === 0 ? [l.bytes] : [NL, l.bytes])))
    this.onRecord({
      offset: first.offset,
      end: last.end,
      lineNo: first.lineNo,
      lineCount: this.lines.length,
      bytes,
      continues: this.continues,
    })
    this.lines = []
    this.bytes = 0
  }
}

const NL = Buffer.from('\n')
