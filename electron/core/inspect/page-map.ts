// The page map of one view: the order tuple of every MAP_STEP-th row, so a page at row index n
// seeks from a key instead of running OFFSET n. Reading it means one pass over the view, which at
// a million rows takes seconds: it starts in the background when the view is counted, SQLite's
// pass yields to the event loop every few thousand rows (the main process stays responsive), and
// a page waits only until the pass has reached its block.
import type { InspectSource } from './source'

export const MAP_STEP = 200
const YIELD_EVERY = 4096

export class PageMap {
  readonly anchors: unknown[][] = []
  done = false
  private error: unknown = null
  private waiters: (() => void)[] = []
  private readonly abort = new AbortController()

  constructor(
    src: InspectSource,
    /** The view's order columns (and nothing else), ordered, with its filters. */
    orderedSql: string,
    /** The same with row_number(): every MAP_STEP-th row, for servers that can do it themselves. */
    windowSql: string,
    params: unknown[],
  ) {
    this.build(src, orderedSql, windowSql, params)
      .then(() => (this.done = true))
      .catch((err: unknown) => (this.error = err))
      .finally(() => this.wake())
  }

  private async build(
    src: InspectSource,
    orderedSql: string,
    windowSql: string,
    params: unknown[],
  ): Promise<void> {
    if (!src.scan) {
      const r = await src.query(windowSql, params)
      for (const row of r.rows) this.anchors.push(row)
      return
    }
    let i = 0
    for await (const rows of src.scan(orderedSql, params, this.abort.signal, YIELD_EVERY)) {
      for (const row of rows) {
        if (i % MAP_STEP === 0) this.anchors.push(row)
        i++
      }
      if (this.waiters.length) this.wake()
    }
  }

  /** The first key of block `block`, once the pass has reached it; undefined past the end. */
  async anchor(block: number): Promise<unknown[] | undefined> {
    while (this.anchors.length <= block && !this.done && this.error === null) {
      await new Promise<void>((resolve) => this.waiters.push(resolve))
    }
    if (this.anchors.length <= block && this.error !== null) throw this.error
    return this.anchors[block]
  }

  cancel(): void {
    this.abort.abort()
  }

  private wake(): void {
    const w = this.waiters
    this.waiters = []
    for (const f of w) f()
  }
}
