import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { Journal } from '../../electron/core/journal/journal'
import { computeProgress, phaseClock } from '../../electron/core/runner'
import { tempDir } from '../support/paths'

const cleanups: (() => void)[] = []
afterEach(() => cleanups.splice(0).forEach((c) => c()))

function journalPath(): string {
  const t = tempDir()
  cleanups.push(t.cleanup)
  return join(t.dir, 'journal.db')
}

describe('Journal', () => {
  it('keeps step states and evidence across a reopen', () => {
    const path = journalPath()
    const j = new Journal(path)
    j.start('pre.document-schema', 'run-1', '2026-11-01T10:00:00.000Z')
    j.finish(
      'pre.document-schema',
      'run-1',
      'done',
      '2026-11-01T10:00:02.000Z',
      { tableCount: 13 },
      null,
    )
    j.close()
    const again = new Journal(path)
    const s = again.state('pre.document-schema')
    expect(s).toMatchObject({
      status: 'done',
      runId: 'run-1',
      finishedAt: '2026-11-01T10:00:02.000Z',
      evidence: { tableCount: 13 },
    })
    expect(again.state('pre.backup').status).toBe('pending')
    expect(again.runs('pre.document-schema')).toEqual([
      {
        runId: 'run-1',
        status: 'done',
        startedAt: '2026-11-01T10:00:00.000Z',
        finishedAt: '2026-11-01T10:00:02.000Z',
      },
    ])
    again.close()
  })

  it('marks a run left running by a crash as failed INTERRUPTED, keeping the last good evidence', () => {
    const path = journalPath()
    const j = new Journal(path)
    j.start('pre.document-schema', 'run-1', '2026-11-01T10:00:00.000Z')
    j.finish(
      'pre.document-schema',
      'run-1',
      'done',
      '2026-11-01T10:00:01.000Z',
      { tableCount: 13 },
      null,
    )
    j.start('pre.document-schema', 'run-2', '2026-11-01T11:00:00.000Z')
    j.close() // the app dies here
    const again = new Journal(path)
    const recovered = again.recoverInterrupted('2026-11-01T12:00:00.000Z')
    expect(recovered.map((s) => s.stepId)).toEqual(['pre.document-schema'])
    const s = again.state('pre.document-schema')
    expect(s.status).toBe('failed')
    expect(s.error?.code).toBe('INTERRUPTED')
    expect(s.evidence).toEqual({ tableCount: 13 })
    again.close()
  })
})

describe('Journal shared by several processes (the app, ferry serve, a CLI)', () => {
  /** A step started "by another process": its runs row owned by a live child's PID. */
  async function runningElsewhere(path: string, heartbeatAt = new Date().toISOString()) {
    const child = spawn('sleep', ['60'])
    cleanups.push(() => child.kill('SIGKILL'))
    const j = new Journal(path)
    j.start('p2.validate', 'run-x', '2026-11-01T10:00:00.000Z')
    j.close()
    const raw = new Database(path)
    raw
      .prepare('UPDATE runs SET owner_pid = ?, heartbeat_at = ? WHERE run_id = ?')
      .run(child.pid, heartbeatAt, 'run-x')
    raw.close()
    return child
  }

  it('leaves a step another live process runs alone, and refuses a second step with BUSY naming it', async () => {
    const path = journalPath()
    const child = await runningElsewhere(path)
    const j = new Journal(path)
    expect(j.recoverInterrupted('2026-11-01T10:00:05.000Z')).toEqual([])
    expect(j.state('p2.validate').status).toBe('running')
    expect(() => j.start('pre.document-schema', 'run-y', '2026-11-01T10:00:06.000Z')).toThrow(
      expect.objectContaining({
        code: 'BUSY',
        message: expect.stringContaining(`pid ${child.pid}) is running p2.validate`),
      }),
    )
    expect(j.state('pre.document-schema').status).toBe('pending')
    // That process dies: its step is interrupted, and the workspace is free again.
    child.kill('SIGKILL')
    await once(child, 'exit')
    expect(j.recoverInterrupted('2026-11-01T10:01:00.000Z').map((s) => s.stepId)).toEqual([
      'p2.validate',
    ])
    expect(j.start('pre.document-schema', 'run-y', '2026-11-01T10:01:01.000Z').status).toBe(
      'running',
    )
    j.close()
  })

  it('takes a step whose owner stopped beating for a minute for dead, even if its PID lives on', async () => {
    const path = journalPath()
    await runningElsewhere(path, new Date(Date.now() - 10 * 60_000).toISOString())
    const j = new Journal(path)
    expect(j.foreignRun()).toBeNull()
    expect(j.recoverInterrupted('2026-11-01T10:20:00.000Z').map((s) => s.stepId)).toEqual([
      'p2.validate',
    ])
    j.close()
  })
})

describe('computeProgress', () => {
  it('derives rate and ETA from the elapsed time', () => {
    const p = computeProgress(500, 2000, 'rows', 2000)
    expect(p.rate).toBe(250)
    expect(p.etaSeconds).toBe(6)
    expect(computeProgress(0, 100, 'rows', 10).rate).toBeNull()
    expect(computeProgress(10, null, 'rows', 1000).etaSeconds).toBeNull()
  })
})

describe('phaseClock', () => {
  it('times each unit of a job, and each pass that counts again, from its own first report', () => {
    const clock = phaseClock()
    // The sandbox's restore reports 333 bytes first, after a silent check of the backup: no rate
    // yet (333 bytes over the check's 0.9 s read as an ETA of two hours).
    let c = clock('bytes', 333, undefined, 1900)
    expect(
      computeProgress(333, 3_000_000, 'bytes', c.elapsedMs, undefined, undefined, c.base)
        .etaSeconds,
    ).toBeNull()
    c = clock('bytes', 1_000_333, undefined, 2900)
    const p = computeProgress(
      1_000_333,
      3_000_333,
      'bytes',
      c.elapsedMs,
      undefined,
      undefined,
      c.base,
    )
    expect(p.rate).toBe(1_000_000)
    expect(p.etaSeconds).toBe(2)
    // A second pass from zero in the same unit starts over.
    expect(clock('bytes', 10, undefined, 5000)).toEqual({
      elapsedMs: 0,
      base: { done: 10, rows: 0 },
    })
    expect(clock('bytes', 510, undefined, 5500).elapsedMs).toBe(500)
    // Another unit: from its first report, rows too.
    expect(clock('files', 1, 40, 6000)).toEqual({ elapsedMs: 0, base: { done: 1, rows: 40 } })
    c = clock('files', 5, 240, 7000)
    expect(computeProgress(5, 10, 'files', c.elapsedMs, undefined, 240, c.base)).toMatchObject({
      rate: 4,
      rowsRate: 200,
    })
  })
})
