import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Journal } from '../../electron/core/journal/journal'
import { computeProgress } from '../../electron/core/runner'
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
    j.finish('pre.document-schema', 'run-1', 'done', '2026-11-01T10:00:02.000Z', { tableCount: 13 }, null)
    j.close()
    const again = new Journal(path)
    const s = again.state('pre.document-schema')
    expect(s).toMatchObject({ status: 'done', runId: 'run-1', finishedAt: '2026-11-01T10:00:02.000Z', evidence: { tableCount: 13 } })
    expect(again.state('pre.backup').status).toBe('pending')
    expect(again.runs('pre.document-schema')).toEqual([
      { runId: 'run-1', status: 'done', startedAt: '2026-11-01T10:00:00.000Z', finishedAt: '2026-11-01T10:00:02.000Z' },
    ])
    again.close()
  })

  it('marks a run left running by a crash as failed INTERRUPTED, keeping the last good evidence', () => {
    const path = journalPath()
    const j = new Journal(path)
    j.start('pre.document-schema', 'run-1', '2026-11-01T10:00:00.000Z')
    j.finish('pre.document-schema', 'run-1', 'done', '2026-11-01T10:00:01.000Z', { tableCount: 13 }, null)
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

describe('computeProgress', () => {
  it('derives rate and ETA from the elapsed time', () => {
    const p = computeProgress(500, 2000, 'rows', 2000)
    expect(p.rate).toBe(250)
    expect(p.etaSeconds).toBe(6)
    expect(computeProgress(0, 100, 'rows', 10).rate).toBeNull()
    expect(computeProgress(10, null, 'rows', 1000).etaSeconds).toBeNull()
  })
})
