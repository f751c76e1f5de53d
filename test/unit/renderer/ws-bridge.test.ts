import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { FerryError } from '../../../shared/contract/envelope'
import { createClient } from '../../../shared/contract/client'
import {
  createWsBridge,
  wsUrlFromLocation,
  type SocketLike,
} from '../../../renderer/src/transport/ws-bridge'
import type { ConnectionState } from '../../../renderer/src/transport/connection-state'

class FakeSocket implements SocketLike {
  readyState = 0
  sent: string[] = []
  onopen: SocketLike['onopen'] = null
  onmessage: SocketLike['onmessage'] = null
  onclose: SocketLike['onclose'] = null
  onerror: SocketLike['onerror'] = null
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(data)
  }
  close(code = 1000, reason = '') {
    this.readyState = 3
    this.onclose?.({ code, reason })
  }
  open() {
    this.readyState = 1
    this.onopen?.({})
  }
  drop(code = 1006) {
    this.readyState = 3
    this.onclose?.({ code, reason: '' })
  }
  reply(id: number, result: unknown) {
    this.onmessage?.({ data: JSON.stringify({ id, result }) })
  }
  push(event: string, payload: unknown) {
    this.onmessage?.({ data: JSON.stringify({ event, payload }) })
  }
}

function setup(opts: { probe?: () => Promise<boolean> } = {}) {
  const sockets: FakeSocket[] = []
  const states: ConnectionState[] = []
  const bridge = createWsBridge({
    url: 'ws://127.0.0.1:1234/ws?token=t',
    socket: (url) => {
      const s = new FakeSocket(url)
      sockets.push(s)
      return s
    },
    backoffMs: [100, 200],
    now: () => 0,
    ...opts,
  })
  bridge.onConnection((s) => states.push(s))
  return { bridge, sockets, states, last: () => sockets[sockets.length - 1]! }
}

describe('ws-bridge', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('builds the socket address from the page URL and its token', () => {
    expect(
      wsUrlFromLocation({ protocol: 'http:', host: '127.0.0.1:5000', search: '?token=a+b/c' }),
    ).toBe('ws://127.0.0.1:5000/ws?token=a%20b%2Fc')
    expect(wsUrlFromLocation({ protocol: 'https:', host: 'h', search: '?token=x' })).toBe(
      'wss://h/ws?token=x',
    )
    expect(wsUrlFromLocation({ protocol: 'http:', host: 'h', search: '' })).toBeNull()
  })

  it('queues calls until the socket opens, then matches replies by id', async () => {
    const { bridge, last } = setup()
    const client = createClient(bridge)
    const info = client.invoke('plan.get', {})
    expect(last().sent).toEqual([])
    last().open()
    const frame = JSON.parse(last().sent[0]!)
    expect(frame).toEqual({ id: 1, method: 'plan.get', input: {} })
    last().reply(1, { ok: true, value: { workspace: null, phases: [] } })
    await expect(info).resolves.toEqual({ workspace: null, phases: [] })
  })

  it('turns an error envelope into a FerryError with code and hint', async () => {
    const { bridge, last } = setup()
    last().open()
    const call = createClient(bridge).invoke('workspace.refresh', {})
    last().reply(1, {
      ok: false,
      error: { code: 'NO_WORKSPACE', message: 'No workspace', hint: 'Open one' },
    })
    await expect(call).rejects.toMatchObject({ code: 'NO_WORKSPACE', hint: 'Open one' })
  })

  it('delivers events to subscribers', () => {
    const { bridge, last } = setup()
    const seen: [string, unknown][] = []
    bridge.subscribe((e, p) => seen.push([e, p]))
    last().open()
    last().push('log', { at: 'x', level: 'info', message: 'hi' })
    last().onmessage?.({ data: 'not json' })
    expect(seen).toEqual([['log', { at: 'x', level: 'info', message: 'hi' }]])
  })

  it('rejects pending calls with DISCONNECTED and reconnects with backoff', async () => {
    const { bridge, sockets, states, last } = setup()
    last().open()
    const call = bridge.invoke('plan.get', {})
    last().drop()
    await expect(call).rejects.toBeInstanceOf(FerryError)
    await expect(call).rejects.toMatchObject({ code: 'DISCONNECTED' })
    expect(states.at(-1)).toMatchObject({
      kind: 'reconnecting',
      attempt: 1,
      retryAt: 100,
      reason: 'the connection closed',
    })
    await expect(bridge.invoke('plan.get', {})).rejects.toMatchObject({ code: 'DISCONNECTED' })
    vi.advanceTimersByTime(100)
    expect(sockets).toHaveLength(2)
    last().drop()
    expect(states.at(-1)).toMatchObject({
      kind: 'reconnecting',
      attempt: 2,
      retryAt: 200,
      reason: 'the host did not answer',
    })
    vi.advanceTimersByTime(200)
    last().open()
    expect(states.at(-1)).toEqual({ kind: 'open' })
  })

  it('reports a refused token when the host closes with a policy code', () => {
    const { states, last, sockets } = setup()
    last().open()
    last().drop(1008)
    expect(states.at(-1)).toMatchObject({ kind: 'refused' })
    vi.advanceTimersByTime(10_000)
    expect(sockets).toHaveLength(1)
  })

  it('reports a refused token when the upgrade fails but the host answers HTTP', async () => {
    const { states, last } = setup({ probe: () => Promise.resolve(true) })
    last().drop()
    await vi.waitFor(() => expect(states.at(-1)).toMatchObject({ kind: 'refused' }))
  })

  it('keeps retrying when the host does not answer HTTP either', async () => {
    const { states, last } = setup({ probe: () => Promise.resolve(false) })
    last().drop()
    await vi.waitFor(() =>
      expect(states.at(-1)).toMatchObject({ kind: 'reconnecting', attempt: 1 }),
    )
  })

  it('does nothing but explain when the page has no token', async () => {
    const bridge = createWsBridge({
      url: null,
      socket: () => {
        throw new Error('must not connect')
      },
    })
    expect(bridge.connection).toEqual({ kind: 'no-token' })
    await expect(bridge.invoke('app.info', {})).rejects.toMatchObject({ code: 'NO_TOKEN' })
  })

  it('retries at once on request', () => {
    const { bridge, sockets, last } = setup()
    last().drop()
    bridge.retryNow()
    expect(sockets).toHaveLength(2)
  })
})
