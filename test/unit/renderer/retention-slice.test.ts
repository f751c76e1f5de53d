import { describe, expect, it } from 'vitest'
import { FerryError } from '../../../shared/contract/envelope'
import type { RetentionPreviewView } from '../../../shared/contract/retention'
import { createFerryStore } from '../../../renderer/src/store/store'
import { createFakeClient } from './fake-client'

const view = (removeRows: number): RetentionPreviewView => ({
  backend: 'sqlite',
  policy: { keep: 3, perDay: true },
  sessions: removeRows ? [{ sessionId: 's1', snapshots: 10, bytes: 1000, removeRows, removeBytes: removeRows * 100 }] : [],
  totals: { sessions: 1, snapshots: 10, bytes: 1000, removeRows, removeBytes: removeRows * 100 },
  largest: [{ sessionId: 's1', snapshots: 10, bytes: 1000, lastActivity: null }],
  summarySource: 'summary',
  archivedBatches: [],
})

describe('retention slice', () => {
  it('applies exactly the previewed count, then previews again', async () => {
    const client = createFakeClient()
    let previews = 0
    client.handle('retention.preview', () => view(previews++ === 0 ? 7 : 0))
    client.handle('retention.apply', {
      backend: 'sqlite',
      policy: { keep: 3, perDay: true },
      sessions: view(7).sessions,
      totals: view(7).totals,
      batch: 'b1',
      archivedAt: '2026-11-29T00:00:00.000Z',
      backupId: '20261129T000000Z-abcdef',
    })
    const store = createFerryStore(client)
    await store.getState().previewRetention({ backend: 'sqlite', keep: 3, perDay: true })
    expect(store.getState().retentionPreview?.totals.removeRows).toBe(7)
    await store.getState().applyRetention()
    const apply = client.calls.find((c) => c.method === 'retention.apply')
    expect(apply?.input).toEqual({ backend: 'sqlite', keep: 3, perDay: true, expectRows: 7 })
    expect(store.getState().retentionApplied?.batch).toBe('b1')
    expect(store.getState().retentionPreview?.totals.removeRows).toBe(0)
  })

  it('shows a refused (stale) apply as an error and keeps nothing applied', async () => {
    const client = createFakeClient()
    client.handle('retention.preview', view(4))
    client.fail('retention.apply', new FerryError('RETENTION_PREVIEW_STALE', 'now removes 5', 'preview again'))
    const store = createFerryStore(client)
    await store.getState().previewRetention({ backend: 'sqlite', keep: 3, perDay: true })
    await store.getState().applyRetention()
    expect(store.getState().retentionApplied).toBeNull()
    expect(store.getState().retentionError?.code).toBe('RETENTION_PREVIEW_STALE')
  })
})
