// A job's result of megabytes (the inventory of thousands of files) reaches the backend whole,
// however slowly the backend reads it. The worker used to exit 50 ms after sending it: when the
// backend was busy, the unread part was lost and the job "ended without a result (exit code 0)"
// — seen on a workspace of 20,000 context notes.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { nodeWorkerLauncher, type WorkerMessage } from '../../electron/core/jobs/launcher'
import { tempDir } from '../support/paths'

const t = tempDir('ferry-bigresult-')
afterAll(() => t.cleanup())

describe('a worker result larger than the pipe', () => {
  it('arrives whole when the backend reads it late', async () => {
    const ctx = join(t.dir, 'ws', '.claude', 'context')
    for (let i = 0; i < 2_000; i++) {
      const dir = join(ctx, `agent-${i % 20}`)
      if (i < 20) mkdirSync(dir, { recursive: true })
      writeFileSync(join(dir, `note-${i}.md`), `# Note ${i}\n`)
    }
    const worker = nodeWorkerLauncher()()
    const messages: WorkerMessage[] = []
    const exited = new Promise<number | null>((resolve) => worker.onExit((code) => resolve(code)))
    worker.onMessage((m) => messages.push(m))
    worker.send({ type: 'start', job: 'inventory', params: { root: join(t.dir, 'ws') } })
    // The backend busy (a long synchronous step): the worker finishes meanwhile and its result,
    // far larger than the pipe's buffer, waits to be read.
    const until = Date.now() + 8_000
    while (Date.now() < until) {
      /* busy */
    }
    expect(await exited).toBe(0)
    const result = messages.find((m) => m.type === 'result') as
      { type: 'result'; value: { entries: unknown[] } } | undefined
    expect(messages.find((m) => m.type === 'error')).toBeUndefined()
    expect(result?.value.entries.length).toBeGreaterThanOrEqual(2_000)
  }, 60_000)
})
