// The Schema and Backups screens' slices: read on demand, re-read when a step ends, and never
// show one workspace's data under another.
import { describe, expect, it } from 'vitest'
import { FerryError } from '../../../shared/contract/envelope'
import type { BackupInfo } from '../../../shared/contract/types'
import { createFerryStore } from '../../../renderer/src/store/store'
import { WORKSPACE, flush, openWorkspaceClient, stepState } from './fake-client'
import { inventoryDoc } from './inventory-fixture'
import { schemaDoc } from './schema-fixture'

const BACKUP: BackupInfo = {
  id: 'b-1',
  createdAt: '2025-06-01T12:00:00Z',
  reason: 'manual',
  files: 3,
  bytes: 100,
  verified: null,
  verifiedAt: null,
  problems: [],
  path: '.ferry/backups/b-1',
}

async function started() {
  const client = openWorkspaceClient()
  const store = createFerryStore(client)
  store.getState().start()
  await flush()
  return { client, store }
}

const count = (calls: { method: string }[], method: string) =>
  calls.filter((c) => c.method === method).length

describe('schema slice', () => {
  it('reads schema.get on demand and remembers which workspace it belongs to', async () => {
    const { client, store } = await started()
    expect(count(client.calls, 'schema.get')).toBe(0)
    client.handle('schema.get', null)
    await store.getState().loadSchema()
    expect(store.getState()).toMatchObject({ schemaDoc: null, schemaRoot: WORKSPACE.root })
  })

  it('re-reads the schema when "Document current data schema" finishes', async () => {
    const { client, store } = await started()
    client.handle('schema.get', null)
    await store.getState().loadSchema()
    client.handle('schema.get', schemaDoc())
    client.emit('step.state', stepState('pre.document-schema', { status: 'done', runId: 'r1' }))
    await flush()
    expect(count(client.calls, 'schema.get')).toBe(2)
    expect(store.getState().schemaDoc).toMatchObject({ sqliteVersion: '3.53.2' })
  })

  it('drops another workspace’s tables and selection before reading this one’s', async () => {
    const { client, store } = await started()
    client.handle('schema.get', schemaDoc())
    await store.getState().loadSchema()
    store.getState().selectTable('events')
    store.getState().applyWorkspace({ ...WORKSPACE, root: '/tmp/other' })
    let seen: unknown = 'unset'
    client.handle('schema.get', () => {
      seen = store.getState().schemaDoc
      return null
    })
    await store.getState().loadSchema()
    expect(seen).toBeNull()
    expect(store.getState()).toMatchObject({ selectedTable: null, schemaRoot: '/tmp/other' })
  })

  it('keeps the error and hint when the schema document cannot be read', async () => {
    const { client, store } = await started()
    client.fail(
      'schema.get',
      new FerryError('BAD_JSON', 'schema.json is not JSON', 'Run the step again.'),
    )
    await store.getState().loadSchema()
    expect(store.getState().schemaError).toMatchObject({
      code: 'BAD_JSON',
      hint: 'Run the step again.',
    })
  })
})

describe('backup slice', () => {
  it('lists without verifying on open, and verifies on request', async () => {
    const { client, store } = await started()
    client.handle('backup.list', [BACKUP])
    await store.getState().loadBackups()
    await store.getState().loadBackups({ verify: true })
    expect(client.calls.filter((c) => c.method === 'backup.list').map((c) => c.input)).toEqual([
      { verify: false },
      { verify: true },
    ])
    expect(store.getState().backups).toEqual([BACKUP])
  })

  it('shows busy while verifying, and a plain re-read does not cut in', async () => {
    const { client, store } = await started()
    let release: (v: BackupInfo[]) => void = () => {}
    client.handle('backup.list', (input) =>
      (input as { verify: boolean }).verify
        ? new Promise<BackupInfo[]>((r) => (release = r))
        : [BACKUP],
    )
    const verifying = store.getState().loadBackups({ verify: true })
    expect(store.getState().backupsBusy).toBe('verify')
    await store.getState().loadBackups()
    expect(count(client.calls, 'backup.list')).toBe(1)
    release([{ ...BACKUP, verified: true }])
    await verifying
    expect(store.getState().backupsBusy).toBeNull()
    expect(store.getState().backups?.[0]?.verified).toBe(true)
  })

  it('re-reads the list when a step ends (the runner may have taken a backup first)', async () => {
    const { client, store } = await started()
    client.handle('backup.list', [])
    await store.getState().loadBackups()
    client.handle('backup.list', [BACKUP])
    client.emit('step.state', stepState('pre.backup', { status: 'done', runId: 'r1' }))
    await flush()
    expect(store.getState().backups).toEqual([BACKUP])
  })

  it('restores a backup, keeps its evidence and lists the backup taken first', async () => {
    const { client, store } = await started()
    client.handle('backup.list', [BACKUP])
    client.handle('backup.restore', { id: 'b-1', recoveryMs: 1200, preRestoreBackupId: 'b-2' })
    const ok = await store.getState().restoreBackup('b-1')
    await flush()
    expect(ok).toBe(true)
    expect(client.calls.find((c) => c.method === 'backup.restore')?.input).toEqual({ id: 'b-1' })
    expect(store.getState().restoreOutcome).toMatchObject({
      id: 'b-1',
      evidence: { recoveryMs: 1200 },
      error: null,
    })
    expect(store.getState().restoring).toBeNull()
    expect(count(client.calls, 'backup.list')).toBe(1)
  })

  it('keeps a failed restore’s message and hint', async () => {
    const { client, store } = await started()
    client.handle('backup.list', [BACKUP])
    client.fail(
      'backup.restore',
      new FerryError('BUSY', 'A step is running', 'Wait for it to finish.'),
    )
    expect(await store.getState().restoreBackup('b-1')).toBe(false)
    expect(store.getState().restoreOutcome?.error).toMatchObject({
      code: 'BUSY',
      hint: 'Wait for it to finish.',
    })
  })

  it('opens the Backups screen from a step’s evidence, pointing at its backup', async () => {
    const { store } = await started()
    store.getState().openBackups('b-1')
    expect(store.getState()).toMatchObject({ screen: 'backups', highlightedBackup: 'b-1' })
  })
})

describe('evidence width', () => {
  it('widens the evidence panel on request and back', async () => {
    const { store } = await started()
    expect(store.getState().evidenceWide).toBe(false)
    store.getState().setEvidenceWide(true)
    expect(store.getState().evidenceWide).toBe(true)
  })
})

describe('inventory slice', () => {
  it('reads inventory.get on demand and re-reads it when the inventory step finishes', async () => {
    const { client, store } = await started()
    expect(count(client.calls, 'inventory.get')).toBe(0)
    client.handle('inventory.get', null)
    await store.getState().loadInventory()
    expect(store.getState()).toMatchObject({ inventoryDoc: null, inventoryRoot: WORKSPACE.root })
    client.handle('inventory.get', inventoryDoc())
    client.emit('step.state', stepState('p2.migration-scripts', { status: 'running', runId: 'r1' }))
    await flush()
    expect(count(client.calls, 'inventory.get')).toBe(1)
    client.emit('step.state', stepState('p2.migration-scripts', { status: 'done', runId: 'r1' }))
    await flush()
    expect(count(client.calls, 'inventory.get')).toBe(2)
    expect(store.getState().inventoryDoc).toMatchObject({ totals: { sourceFiles: 8 } })
  })

  it('keeps the error and no stale inventory from another workspace', async () => {
    const { client, store } = await started()
    client.handle('inventory.get', inventoryDoc())
    await store.getState().loadInventory()
    store.getState().applyWorkspace({ ...WORKSPACE, root: '/tmp/other' })
    client.fail('inventory.get', new FerryError('INVENTORY_DAMAGED', 'not valid JSON'))
    await store.getState().loadInventory()
    expect(store.getState()).toMatchObject({
      inventoryDoc: null,
      inventoryRoot: null,
      inventoryError: { code: 'INVENTORY_DAMAGED' },
    })
  })
})
