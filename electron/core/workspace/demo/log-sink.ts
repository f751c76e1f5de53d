// Streams for the big log files: a million lines must not sit in memory, and the gzip'd one goes
// through zlib on the way. write() waits for 'drain' so a slow disk slows the generator down
// instead of buffering without bound.
import { createWriteStream } from 'node:fs'
import { once } from 'node:events'
import type { Writable } from 'node:stream'
import { finished, pipeline } from 'node:stream/promises'
import { createGzip } from 'node:zlib'

export interface LogSink {
  write(text: string): Promise<void>
  close(): Promise<void>
  /** For the error path: stop writing and release the file handle. */
  destroy(): void
}

export function openLogSink(path: string, options: { gzip?: boolean } = {}): LogSink {
  const file = createWriteStream(path)
  const gzip = options.gzip ? createGzip() : null
  const head: Writable = gzip ?? file
  const done = gzip ? pipeline(gzip, file) : finished(file)
  // Errors surface through write() or close(); this only keeps Node from calling them unhandled.
  done.catch(() => undefined)
  return {
    async write(text) {
      if (text.length === 0) return
      if (!head.write(text)) await Promise.race([once(head, 'drain'), done])
    },
    async close() {
      head.end()
      await done
    },
    destroy() {
      gzip?.destroy()
      file.destroy()
    },
  }
}
