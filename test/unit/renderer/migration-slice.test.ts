import { describe, expect, it } from 'vitest'
import type { MigrationStatus, RejectList } from '../../../shared/contract/migration'
import { createFerryStore } from '../../../renderer/src/store/store'
import { createFakeClient } from './fake-client'

const status = (patch: Partial<MigrationStatus> = {}): MigrationStatus => ({
  origin: 'live',
  state: 'running',
  stepId: 'p3.migrate',
  runId: 'run-1',
  schema: 'agent_memory',
  phase: 'load',
  startedAt: '2026-11-01T10:00:00.000Z',
  finishedAt: null,
  tables: [
    {
      table: 'events',
      totalRows: 100,
      doneRows: 40,
      rejectedRows: 1,
      bytes: 4000,
      rowsPerSec: 20,
      mbPerSec: 0.1,
      etaSeconds: 3,
      status: 'loading',
    },
  ],
  totals: {
    totalRows: 100,
    doneRows: 40,
    rejectedRows: 1,
    bytes: 4000,
    rowsPerSec: 20,
    mbPerSec: 0.1,
    etaSeconds: 3,
  },
  samples: [],
  error: null,
  ...patch,
})

const sample = (t: number) => ({ t, rowsPerSec: t, mbPerSec: 1 })
const emptyRejects: RejectList = {
  schema: 'agent_memory',
  total: 0,
  entries: [],
  rules: [],
  resolved: 0,
}

describe('migration slice', () => {
  it('redraws from migration.status (a reload), then appends only new chart points from events', async () => {
    const client = createFakeClient()
    client.handle('migration.status', status({ samples: [sample(1), sample(2)] }))
    const store = createFerryStore(client)
    store.getState().start()
    await store.getState().loadMigration()
    expect(store.getState().migration?.samples.map((s) => s.t)).toEqual([1, 2])
    // An event repeating a point already held, and a new one.
    client.emit('migration.progress', status({ samples: [sample(2), sample(3)] }))
    expect(store.getState().migration?.samples.map((s) => s.t)).toEqual([1, 2, 3])
    // A new run starts a new chart.
    client.emit('migration.progress', status({ runId: 'run-2', samples: [sample(9)] }))
    expect(store.getState().migration?.samples.map((s) => s.t)).toEqual([9])
  })

  it('reads the reconciliation and the reject queue when the run ends', async () => {
    const client = createFakeClient()
    client.handle('migration.status', status())
    client.handle('migration.reconciliation', {
      schema: 'agent_memory',
      available: true,
      note: null,
      sequences: [],
      foreignKeys: [],
      checks: [],
    })
    client.handle('migration.rejects', emptyRejects)
    const store = createFerryStore(client)
    store.getState().start()
    await store.getState().loadMigration()
    expect(client.calls.some((c) => c.method === 'migration.reconciliation')).toBe(false)
    client.emit('migration.progress', status({ state: 'done', phase: 'validate' }))
    await new Promise((r) => setTimeout(r, 0))
    expect(client.calls.map((c) => c.method)).toEqual(
      expect.arrayContaining(['migration.reconciliation', 'migration.rejects']),
    )
    expect(store.getState().reconciliation?.available).toBe(true)
    expect(store.getState().rejects?.total).toBe(0)
  })

  it('retries the picked rows with the chosen rules, then re-reads the queue', async () => {
    const client = createFakeClient()
    client.handle('migration.rejects', emptyRejects)
    client.handle('migration.retryRejects', {
      table: 'events',
      retried: 1,
      loaded: ['7'],
      stillRejected: [],
      ruleIds: [1],
    })
    const store = createFerryStore(client)
    await store
      .getState()
      .retryRejects('events', ['7'], [{ column: 'message', transform: 'strip-nul' }])
    expect(client.calls[0]).toEqual({
      method: 'migration.retryRejects',
      input: {
        table: 'events',
        keys: ['7'],
        rules: [{ column: 'message', transform: 'strip-nul' }],
      },
    })
    expect(store.getState().lastRetry?.loaded).toEqual(['7'])
    expect(client.calls[1]?.method).toBe('migration.rejects')
  })
})
