import { describe, expect, it } from 'vitest'
import { createClient, type RawBridge } from '../../shared/contract/client'
import { checkEvent, createDispatcher, type Handlers } from '../../shared/contract/dispatcher'
import { FerryError } from '../../shared/contract/envelope'
import { methods } from '../../shared/contract/methods'

function fakeHandlers(over: Partial<Handlers> = {}): Handlers {
  const notUsed = () => {
    throw new Error('not used in this test')
  }
  const base = Object.fromEntries(Object.keys(methods).map((m) => [m, notUsed])) as unknown as Handlers
  return { ...base, ...over }
}

describe('createDispatcher', () => {
  it('answers an unknown method with UNKNOWN_METHOD and the list of methods', async () => {
    const d = createDispatcher(fakeHandlers())
    const r = await d('workspace.delete', {})
    expect(r).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } })
    if (!r.ok) expect(r.error.hint).toContain('workspace.open')
  })

  it('rejects malformed input before the handler runs, naming the field', async () => {
    let called = false
    const d = createDispatcher(fakeHandlers({ 'workspace.open': () => ((called = true), null as never) }))
    const r = await d('workspace.open', { path: 42 })
    expect(called).toBe(false)
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.error.code).toBe('INVALID_INPUT')
      expect(r.error.message).toContain('path')
    }
    const extra = await d('plan.get', { sneaky: true })
    expect(extra).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    const badUrl = await d('target.configure', { kind: 'ftp' })
    expect(badUrl).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
  })

  it('carries a FerryError across as code, message and hint', async () => {
    const d = createDispatcher(
      fakeHandlers({
        'step.run': () => {
          throw new FerryError('BUSY', 'Another step is running: p3.migrate', 'Wait for it to finish.')
        },
      }),
    )
    const r = await d('step.run', { stepId: 'pre.backup' })
    expect(r).toEqual({ ok: false, error: { code: 'BUSY', message: 'Another step is running: p3.migrate', hint: 'Wait for it to finish.' } })
  })

  it('round-trips through a client: values come back, errors are thrown as FerryError', async () => {
    const d = createDispatcher(
      fakeHandlers({
        'step.cancel': ({ stepId }) => ({ cancelled: stepId === 'p3.migrate' }),
        'step.run': () => {
          throw new FerryError('NO_WORKSPACE', 'No workspace is open', 'Open one.')
        },
      }),
    )
    const bridge: RawBridge = { invoke: (m, i) => d(m, i), subscribe: () => () => undefined }
    const client = createClient(bridge)
    await expect(client.invoke('step.cancel', { stepId: 'p3.migrate' })).resolves.toEqual({ cancelled: true })
    const err = await client.invoke('step.run', { stepId: 'x' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(FerryError)
    expect((err as FerryError).code).toBe('NO_WORKSPACE')
  })

  it('validates events: a bad payload is refused, a good one passes; clients drop malformed events', () => {
    expect(() => checkEvent('step.progress', { stepId: 'a', runId: 'b', progress: { done: -1 } })).toThrow(/Invalid step.progress/)
    expect(() => checkEvent('nope', {})).toThrow(/Unknown event/)
    expect(() =>
      checkEvent('log', { at: '2026-01-01T00:00:00Z', level: 'info', message: 'hello' }),
    ).not.toThrow()
    let emit: (e: string, p: unknown) => void = () => undefined
    const client = createClient({ invoke: async () => undefined, subscribe: (l) => ((emit = l), () => undefined) })
    const seen: string[] = []
    client.on('log', (p) => seen.push(p.message))
    emit('log', { at: 'x', level: 'loud', message: 'malformed' })
    emit('log', { at: 'x', level: 'info', message: 'fine' })
    expect(seen).toEqual(['fine'])
  })
})
