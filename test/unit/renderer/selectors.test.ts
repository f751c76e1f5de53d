import { describe, expect, it } from 'vitest'
import type { PlanStep } from '../../../shared/contract/types'
import {
  connectionBanner,
  phaseCounts,
  progressView,
  runGate,
  shortVersion,
  sourceView,
  stepError,
  stepRowView,
  stepTiming,
  targetView,
} from '../../../renderer/src/store/selectors'
import { staticPlanView } from '../../../renderer/src/store/static-plan'
import { TARGET, WORKSPACE, stepState } from './fake-client'

const NOW = Date.parse('2025-06-01T12:00:00Z')

function step(
  id: string,
  patch: Partial<PlanStep['state']> = {},
  available = true,
  undoable = false,
): PlanStep {
  return {
    id,
    title: `Title of ${id}`,
    description: `Does ${id}`,
    available,
    undoable,
    state: stepState(id, patch),
    warning: null,
  }
}

describe('selectors', () => {
  it('counts "N of M done" per phase', () => {
    const phase = staticPlanView().phases[0]!
    expect(phaseCounts(phase).text).toBe('0 of 4 done')
    phase.steps[0]!.state.status = 'done'
    phase.steps[3]!.state.status = 'done'
    phase.steps[1]!.state.status = 'failed'
    expect(phaseCounts(phase)).toEqual({ done: 2, total: 4, text: '2 of 4 done' })
  })

  it('formats progress as percent, done/total, rate and ETA', () => {
    const v = progressView({
      done: 5_120,
      total: 12_500,
      unit: 'rows',
      rate: 163_000,
      etaSeconds: 72,
    })
    expect(v).toEqual({
      fraction: 5_120 / 12_500,
      percentText: '40 %',
      countText: '5,120 / 12,500 rows',
      rateText: '163k rows/s',
      etaText: 'ETA 1 min 12 s',
    })
  })

  it('says "estimating" and shows no percent when total and ETA are unknown', () => {
    const v = progressView({ done: 3, total: null, unit: 'files', rate: null, etaSeconds: null })
    expect(v.fraction).toBeNull()
    expect(v.percentText).toBeNull()
    expect(v.countText).toBe('3 files')
    expect(v.rateText).toBeNull()
    expect(v.etaText).toBe('ETA estimating…')
  })

  it('shows no count before anything is counted when the total is unknown (not "0 tables")', () => {
    const v = progressView({ done: 0, total: null, unit: 'tables', rate: null, etaSeconds: null })
    expect(v.countText).toBe('')
    expect(
      progressView({ done: 0, total: 40, unit: 'steps', rate: null, etaSeconds: null }).countText,
    ).toBe('0 / 40 steps')
  })

  it('summarises a finished schema step in the row', () => {
    const s = step('pre.document-schema', {
      status: 'done',
      runId: 'r1',
      startedAt: '2025-06-01T11:59:50Z',
      finishedAt: '2025-06-01T11:59:58Z',
      evidence: {
        tableCount: 13,
        totalRows: 48_210,
        document: '.ferry/schema.md',
        tables: [{ name: 'agents', rows: 12 }],
      },
    })
    const v = stepRowView(s, {}, NOW)
    expect(v.status).toEqual({ icon: '✔', word: 'done', tone: 'ok' })
    expect(v.statusText).toBe('done')
    expect(v.summary).toBe('13 tables · 48,210 rows')
    expect(v.lastRun?.relative).toBe('2 s ago')
    expect(v.lastRun?.absolute).toContain('2025')
  })

  it('says why a step was skipped in its row', () => {
    const s = step('p1.fk-indexes', {
      status: 'skipped',
      runId: 'r3',
      startedAt: '2025-06-01T11:59:00Z',
      finishedAt: '2025-06-01T11:59:00Z',
      evidence: { skipped: 'No state.db in /w/.claude', hint: 'works on state.db', durationMs: 1 },
    })
    expect(stepRowView(s, {}, NOW).summary).toBe('No state.db in /w/.claude')
  })

  it('shows percent in the status and ETA in the summary while running', () => {
    const s = step('p3.migrate', {
      status: 'running',
      runId: 'r2',
      startedAt: '2025-06-01T11:59:00Z',
    })
    const progress = {
      'p3.migrate': {
        runId: 'r2',
        progress: { done: 41, total: 100, unit: 'tables', rate: 2, etaSeconds: 12 },
      },
    }
    const v = stepRowView(s, progress, NOW)
    expect(v.statusText).toBe('running 41 %')
    expect(v.summary).toBe('ETA 12 s · 41 / 100 tables')
  })

  it('ignores progress from an older run', () => {
    const s = step('p3.migrate', { status: 'running', runId: 'r3' })
    const progress = {
      'p3.migrate': {
        runId: 'r2',
        progress: { done: 41, total: 100, unit: 'tables', rate: 2, etaSeconds: 12 },
      },
    }
    expect(stepRowView(s, progress, NOW).statusText).toBe('running')
  })

  it('shows the error message of a failed step and "not built yet" for unavailable ones', () => {
    const failed = step('pre.backup', {
      status: 'failed',
      error: { code: 'EACCES', message: 'Cannot read state.db' },
    })
    expect(stepRowView(failed, {}, NOW).summary).toBe('Cannot read state.db')
    expect(stepRowView(failed, {}, NOW).status.icon).toBe('✖')
    expect(stepRowView(step('p1.fk-indexes', {}, false), {}, NOW).summary).toBe('not built yet')
    const confirm = step('p1.fk-indexes', {
      status: 'needs-confirmation',
      confirmation: 'Adds 15 indexes to state.db',
    })
    expect(stepRowView(confirm, {}, NOW)).toMatchObject({
      summary: 'Adds 15 indexes to state.db',
      statusText: 'needs confirmation',
    })
  })

  it('gives a duration in ms under a second', () => {
    const s = step('x', {
      status: 'done',
      startedAt: '2025-06-01T11:00:00.000Z',
      finishedAt: '2025-06-01T11:00:00.340Z',
    })
    expect(stepTiming(s, NOW).duration).toBe('340 ms')
  })

  it('explains why Run is disabled', () => {
    expect(runGate(step('x', {}, false), true, undefined).run).toEqual({
      enabled: false,
      reason: 'Not built yet: Does x',
      label: 'Run',
    })
    expect(runGate(step('x'), false, undefined).run.reason).toMatch(/workspace/)
    expect(runGate(step('x', { status: 'done' }), true, undefined).run).toEqual({
      enabled: true,
      reason: null,
      label: 'Run again',
    })
    const running = runGate(step('x', { status: 'running' }), true, undefined)
    expect(running.run.enabled).toBe(false)
    expect(running.canCancel).toBe(true)
    expect(runGate(step('x', { status: 'needs-confirmation' }), true, undefined).canConfirm).toBe(
      true,
    )
  })

  it('offers Undo only for a finished, undoable step', () => {
    expect(runGate(step('x', { status: 'done' }, true, true), true, undefined).canUndo).toBe(true)
    expect(runGate(step('x', { status: 'done' }, true, false), true, undefined).canUndo).toBe(false)
    expect(runGate(step('x', { status: 'failed' }, true, true), true, undefined).canUndo).toBe(
      false,
    )
    expect(runGate(step('x', { status: 'done' }, true, true), true, 'undo').canUndo).toBe(false)
  })

  it('prefers the last action’s error over the recorded one', () => {
    const s = step('x', { status: 'failed', error: { code: 'A', message: 'recorded' } })
    expect(stepError(s, {})?.message).toBe('recorded')
    expect(stepError(s, { x: { code: 'B', message: 'action' } })?.message).toBe('action')
    expect(stepError(step('x'), {})).toBeNull()
  })

  it('describes the source as "state.db 1.2 MB ● ok"', () => {
    expect(sourceView(WORKSPACE)).toMatchObject({
      label: 'state.db 1.2 MB',
      icon: '●',
      word: 'ok',
      tone: 'ok',
    })
    const missing = {
      ...WORKSPACE,
      source: { ...WORKSPACE.source, stateDb: { ...WORKSPACE.source.stateDb, exists: false } },
    }
    expect(sourceView(missing)).toMatchObject({ icon: '○', word: 'missing' })
    const broken = {
      ...WORKSPACE,
      source: {
        ...WORKSPACE.source,
        stateDb: { ...WORKSPACE.source.stateDb, error: 'file is not a database' },
      },
    }
    expect(sourceView(broken)).toMatchObject({
      icon: '✖',
      word: 'unreadable',
      title: 'file is not a database',
    })
    expect(sourceView(null).word).toBe('none')
  })

  it('describes the target as "PG 15.4 ● connected"', () => {
    expect(shortVersion('PostgreSQL 15.4 on x86_64-pc-linux-gnu')).toBe('15.4')
    expect(targetView({ ...TARGET, state: 'connected', serverVersion: '15.4' })).toMatchObject({
      label: 'PG 15.4',
      icon: '●',
      word: 'connected',
    })
    expect(targetView(TARGET)).toMatchObject({
      label: 'PG embedded',
      icon: '○',
      word: 'not started',
    })
    // The user's own server is not started by Ferry: it is not connected yet.
    expect(targetView({ ...TARGET, kind: 'url' })).toMatchObject({
      label: 'PG',
      word: 'not connected',
    })
    const err = targetView({
      ...TARGET,
      state: 'error',
      error: { code: 'E', message: 'refused', hint: 'start it' },
    })
    expect(err).toMatchObject({ icon: '✖', word: 'error' })
    expect(err.title).toContain('refused — start it')
  })

  it('explains each connection problem in the banner', () => {
    expect(connectionBanner({ kind: 'open' }, NOW)).toBeNull()
    expect(connectionBanner({ kind: 'no-token' }, NOW)?.hint).toMatch(/token/)
    expect(connectionBanner({ kind: 'refused', reason: 'bad token' }, NOW)).toMatchObject({
      tone: 'bad',
      canRetry: true,
    })
    const r = connectionBanner(
      { kind: 'reconnecting', attempt: 2, retryAt: NOW + 3_500, reason: 'the connection closed' },
      NOW,
    )
    expect(r?.text).toBe(
      'Lost the connection to the Ferry host (the connection closed). Retrying in 4 s (attempt 2).',
    )
    expect(r?.canRetry).toBe(true)
  })
})
