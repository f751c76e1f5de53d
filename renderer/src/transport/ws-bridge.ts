// The browser's RawBridge: one WebSocket to `ferry serve`, request/reply by id, events pushed.
// When the socket drops, pending calls fail with DISCONNECTED and it reconnects with backoff;
// the store re-reads everything on reconnect, because the backend holds the truth.
import type { RawBridge } from '../../../shared/contract/client'
import { FerryError, ServerFrame } from '../../../shared/contract/envelope'
import type { ConnectionSource, ConnectionState } from './connection-state'

/** The part of the DOM WebSocket the bridge uses, so tests can pass a fake. */
export interface SocketLike {
  readonly readyState: number
  send(data: string): void
  close(code?: number, reason?: string): void
  onopen: ((ev: unknown) => void) | null
  onmessage: ((ev: { data: unknown }) => void) | null
  onclose: ((ev: { code: number; reason: string }) => void) | null
  onerror: ((ev: unknown) => void) | null
}
export type SocketFactory = (url: string) => SocketLike

export interface WsBridgeOptions {
  /** ws(s)://host/ws?token=…, or null when the page has no token. */
  url: string | null
  socket?: SocketFactory
  backoffMs?: readonly number[]
  now?: () => number
  /**
   * Is the host up over plain HTTP? Browsers hide why an upgrade failed (a 401 looks like a
   * dead host), so when a socket fails before opening, a reachable host means "token refused".
   */
  probe?: () => Promise<boolean>
}

export type WsBridge = RawBridge & ConnectionSource & { close(): void }

const OPEN = 1
const DEFAULT_BACKOFF = [500, 1000, 2000, 4000, 8000, 10_000] as const
/** Close codes a host uses to say "not this token" (policy violation, app-level 401/403). */
const REFUSAL_CODES = new Set([1008, 4001, 4003, 4401, 4403])

/** The socket address for this page, or null when its URL carries no token. */
export function wsUrlFromLocation(loc: {
  protocol: string
  host: string
  search: string
}): string | null {
  const token = new URLSearchParams(loc.search).get('token')
  if (!token) return null
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:'
  return `${scheme}//${loc.host}/ws?token=${encodeURIComponent(token)}`
}

function disconnected(): FerryError {
  return new FerryError(
    'DISCONNECTED',
    'Lost the connection to the Ferry host before it answered',
    'Ferry reconnects by itself and re-reads the plan; check the step’s status, then try again if needed.',
  )
}

interface Pending {
  resolve(envelope: unknown): void
  reject(err: unknown): void
}

export function createWsBridge(options: WsBridgeOptions): WsBridge {
  const makeSocket: SocketFactory =
    options.socket ?? ((url) => new WebSocket(url) as unknown as SocketLike)
  const backoff = options.backoffMs ?? DEFAULT_BACKOFF
  const now = options.now ?? (() => Date.now())
  const pending = new Map<number, Pending>()
  const queue: string[] = []
  const eventListeners = new Set<(event: string, payload: unknown) => void>()
  const stateListeners = new Set<(state: ConnectionState) => void>()
  let state: ConnectionState = options.url ? { kind: 'connecting' } : { kind: 'no-token' }
  let socket: SocketLike | null = null
  let failures = 0
  let nextId = 1
  let retryTimer: ReturnType<typeof setTimeout> | null = null
  let closed = false

  function setState(next: ConnectionState) {
    state = next
    for (const l of stateListeners) l(next)
  }

  function failAll(err: FerryError) {
    const calls = [...pending.values()]
    pending.clear()
    queue.length = 0
    for (const p of calls) p.reject(err)
  }

  function onMessage(data: unknown) {
    let frame: ServerFrame
    try {
      const parsed = ServerFrame.safeParse(JSON.parse(String(data)))
      if (!parsed.success) return
      frame = parsed.data
    } catch {
      return
    }
    if ('id' in frame) {
      const p = pending.get(frame.id)
      pending.delete(frame.id)
      p?.resolve(frame.result)
    } else {
      for (const l of eventListeners) l(frame.event, frame.payload)
    }
  }

  function connect() {
    if (closed || !options.url) return
    retryTimer = null
    if (state.kind !== 'reconnecting') setState({ kind: 'connecting' })
    let opened = false
    const ws = makeSocket(options.url)
    socket = ws
    ws.onopen = () => {
      opened = true
      failures = 0
      setState({ kind: 'open' })
      for (const data of queue.splice(0)) ws.send(data)
    }
    ws.onmessage = (ev) => onMessage(ev.data)
    ws.onerror = () => {}
    ws.onclose = (ev) => {
      if (socket === ws) socket = null
      failAll(disconnected())
      if (closed) return
      if (REFUSAL_CODES.has(ev.code))
        return refuse(ev.reason || 'the access token was not accepted')
      if (opened || !options.probe) return scheduleRetry(opened)
      options.probe().then(
        (reachable) =>
          reachable
            ? refuse('it is running but did not accept this page’s access token')
            : scheduleRetry(false),
        () => scheduleRetry(false),
      )
    }
  }

  function refuse(reason: string) {
    if (closed) return
    failAll(new FerryError('REFUSED', `The Ferry host refused this page: ${reason}`))
    setState({ kind: 'refused', reason })
  }

  function scheduleRetry(opened: boolean) {
    if (closed) return
    const delay = backoff[Math.min(failures, backoff.length - 1)] ?? 10_000
    failures += 1
    const reason = opened ? 'the connection closed' : 'the host did not answer'
    setState({ kind: 'reconnecting', attempt: failures, retryAt: now() + delay, reason })
    retryTimer = setTimeout(connect, delay)
  }

  const bridge: WsBridge = {
    get connection() {
      return state
    },

    invoke(method, input) {
      if (state.kind === 'no-token') {
        return Promise.reject(
          new FerryError(
            'NO_TOKEN',
            'This page address has no access token',
            'Open the address “ferry serve” printed.',
          ),
        )
      }
      if (state.kind === 'refused') {
        return Promise.reject(
          new FerryError(
            'REFUSED',
            'The Ferry host refused this page',
            'Open the address “ferry serve” printed this time.',
          ),
        )
      }
      if (state.kind === 'reconnecting') return Promise.reject(disconnected())
      const id = nextId++
      const data = JSON.stringify({ id, method, input })
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject })
        if (socket && socket.readyState === OPEN) socket.send(data)
        else queue.push(data)
      })
    },

    subscribe(listener) {
      eventListeners.add(listener)
      return () => eventListeners.delete(listener)
    },

    onConnection(listener) {
      stateListeners.add(listener)
      return () => stateListeners.delete(listener)
    },

    retryNow() {
      if ((state.kind !== 'reconnecting' && state.kind !== 'refused') || closed) return
      if (retryTimer) clearTimeout(retryTimer)
      setState({ kind: 'connecting' })
      connect()
    },

    close() {
      closed = true
      if (retryTimer) clearTimeout(retryTimer)
      socket?.close(1000, 'page closed')
      socket = null
      failAll(disconnected())
    },
  }

  connect()
  return bridge
}
