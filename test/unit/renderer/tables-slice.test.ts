import { describe, expect, it } from 'vitest'
import { FerryError } from '../../../shared/contract/envelope'
import type { SourceInfo, TableInfo } from '../../../shared/contract/inspect'
import { createFerryStore } from '../../../renderer/src/store/store'
import { createFakeClient } from './fake-client'

const source = (id: string, available: boolean): SourceInfo => ({
  id,
  kind: id.startsWith('pg') ? 'postgres' : 'sqlite',
  label: id,
  location: `/ws/${id}`,
  available,
  note: available ? null : 'missing',
})

const table = (name: string): TableInfo => ({
  name,
  rows: 3,
  rowsExact: true,
  bytes: 4096,
  bytesFrom: 'dbstat',
  indexes: 0,
  key: { kind: 'rowid', columns: [] },
  columns: [],
  migration: null,
})

describe('tables slice', () => {
  it('opens the first available source and lists its tables; keeps the chosen table on reload', async () => {
    const client = createFakeClient()
    client.handle('inspect.sources', [source('memory', false), source('state', true)])
    client.handle('inspect.tables', [table('events'), table('order')])
    const store = createFerryStore(client)
    await store.getState().loadTablesSources()
    expect(store.getState().tablesSource).toBe('state')
    expect(store.getState().tablesList?.map((t) => t.name)).toEqual(['events', 'order'])
    store.getState().selectTablesTable('order')
    await store.getState().loadTablesList()
    expect(store.getState().tablesSelected).toBe('order')
    expect(client.calls.filter((c) => c.method === 'inspect.tables')[0]!.input).toEqual({
      source: 'state',
    })
  })

  it('forgets a table that is gone, and reports a failing source as an error value', async () => {
    const client = createFakeClient()
    client.handle('inspect.sources', [source('state', true)])
    client.handle('inspect.tables', [table('events')])
    const store = createFerryStore(client)
    await store.getState().loadTablesSources()
    store.getState().selectTablesTable('dropped')
    await store.getState().loadTablesList()
    expect(store.getState().tablesSelected).toBeNull()
    client.fail('inspect.tables', new FerryError('SOURCE_MISSING', 'state.db does not exist.'))
    await store.getState().loadTablesList()
    expect(store.getState().tablesError).toMatchObject({ code: 'SOURCE_MISSING' })
    expect(store.getState().tablesLoading).toBe(false)
  })
})
