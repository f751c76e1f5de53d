// Bounded-memory reading of big files: chunks straight from the file handle (or through gunzip),
// split into lines by byte offset. Lines are bytes, not text, so invalid UTF-8 is seen exactly
// where it is instead of being replaced on the way in.
import type { FileHandle } from 'node:fs/promises'
import { createGunzip } from 'node:zlib'
import { FerryError } from '../../../shared/contract/envelope'

export const CHUNK = 1 << 20
/** A single line longer than this is refused rather than held in memory. */
export const MAX_LINE = 64 << 20

export interface Line {
  /** The line's bytes without its '\n' (a '\r' before it is kept: it is part of the data). */
  bytes: Buffer
  /** Byte offset of the line's first byte (in the decompressed stream for .gz). */
  offset: number
  /** Offset just past the line, its '\n' included. */
  end: number
  /** 1-based. */
  lineNo: number
  /** False for a last line with no '\n' after it. */
  terminated: boolean
}

export class LineTooLongError extends FerryError {
  constructor(lineNo: number) {
    super(
      'LINE_TOO_LONG',
      `line ${lineNo} is longer than ${MAX_LINE >> 20} MiB`,
      'Ferry does not hold a single line that large in memory; split the file or leave it out.',
    )
  }
}

export class LineSplitter {
  private carry: Buffer[] = []
  private carryLen = 0
  private lineStart: number
  private lineNo: number

  constructor(
    private readonly onLine: (line: Line) => void,
    start = 0,
    firstLine = 1,
    private readonly maxLine = MAX_LINE,
  ) {
    this.lineStart = start
    this.lineNo = firstLine
  }

  push(chunk: Buffer): void {
    let i = 0
    while (i < chunk.length) {
      const nl = chunk.indexOf(10, i)
      if (nl < 0) {
        this.carry.push(chunk.subarray(i))
        this.carryLen += chunk.length - i
        if (this.carryLen > this.maxLine) throw new LineTooLongError(this.lineNo)
        return
      }
      let bytes = chunk.subarray(i, nl)
      if (this.carryLen > 0) {
        bytes = Buffer.concat([...this.carry, bytes])
        this.carry = []
        this.carryLen = 0
        if (bytes.length > this.maxLine) throw new LineTooLongError(this.lineNo)
      }
      this.emit(bytes, true)
      i = nl + 1
    }
  }

  /** The unterminated last line, if any. */
  finish(): void {
    if (this.carryLen === 0) return
    const bytes = Buffer.concat(this.carry)
    this.carry = []
    this.carryLen = 0
    this.emit(bytes, false)
  }

  private emit(bytes: Buffer, terminated: boolean): void {
    const offset = this.lineStart
    const end = offset + bytes.length + (terminated ? 1 : 0)
    this.onLine({ bytes, offset, end, lineNo: this.lineNo, terminated })
    this.lineNo += 1
    this.lineStart = end
  }
}

export interface ChunkOptions {
  start?: number
  /** Stop before this offset (plain files only). */
  end?: number
  gz?: boolean
  /** Every raw (compressed, for .gz) byte read from the file, in order. */
  onRaw?: (chunk: Buffer) => void
}

/** The file's bytes in chunks; for .gz the decompressed bytes (a truncated stream throws at the end). */
export async function* fileChunks(fh: FileHandle, opts: ChunkOptions = {}): AsyncGenerator<Buffer> {
  if (opts.gz) {
    yield* gunzipChunks(fh, opts.onRaw)
    return
  }
  let pos = opts.start ?? 0
  const end = opts.end ?? Infinity
  for (;;) {
    const want = Math.min(CHUNK, end - pos)
    if (want <= 0) return
    // A fresh buffer each time: lines handed out keep pointing into it.
    const buf = Buffer.allocUnsafe(want)
    const { bytesRead } = await fh.read(buf, 0, want, pos)
    if (bytesRead === 0) return
    const chunk = buf.subarray(0, bytesRead)
    pos += bytesRead
    opts.onRaw?.(chunk)
    yield chunk
  }
}

export class GzipError extends FerryError {
  constructor(
    message: string,
    readonly compressedBytes: number,
  ) {
    super(
      'GZIP_DAMAGED',
      message,
      'The lines before the damage were read; restore the file from a backup if the rest matters.',
    )
  }
}

async function* gunzipChunks(
  fh: FileHandle,
  onRaw?: (chunk: Buffer) => void,
): AsyncGenerator<Buffer> {
  const src = fh.createReadStream({ start: 0, autoClose: false, highWaterMark: CHUNK })
  const gunzip = createGunzip({ chunkSize: 256 * 1024 })
  let compressed = 0
  src.on('data', (c) => {
    const b = c as Buffer
    compressed += b.length
    onRaw?.(b)
  })
  src.on('error', (err) => gunzip.destroy(err))
  src.pipe(gunzip)
  try {
    for await (const chunk of gunzip) yield chunk as Buffer
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    const what =
      e.code === 'Z_BUF_ERROR' || /unexpected end/i.test(e.message)
        ? 'the gzip data ends early (the file is truncated)'
        : `the gzip data is damaged (${e.message})`
    throw new GzipError(`${what} after ${compressed} compressed bytes`, compressed)
  } finally {
    src.unpipe(gunzip)
    src.destroy()
    gunzip.destroy()
  }
}
