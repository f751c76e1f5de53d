// Picks the transport: Electron's preload bridge when present, else the WebSocket host.
import type { RawBridge } from '../../../shared/contract/client'
import type { ConnectionSource } from './connection-state'
import { createWsBridge, wsUrlFromLocation } from './ws-bridge'

declare global {
  interface Window {
    /** Set by Electron's preload: exactly { invoke, subscribe }. */
    ferry?: RawBridge
  }
}

export interface Transport {
  kind: 'electron' | 'websocket'
  bridge: RawBridge
  connection: ConnectionSource
}

function isRawBridge(value: unknown): value is RawBridge {
  const v = value as Partial<RawBridge> | null | undefined
  return typeof v?.invoke === 'function' && typeof v.subscribe === 'function'
}

const alwaysOpen: ConnectionSource = {
  connection: { kind: 'open' },
  onConnection: () => () => {},
  retryNow: () => {},
}

export function createTransport(win: Window = window): Transport {
  if (isRawBridge(win.ferry)) return { kind: 'electron', bridge: win.ferry, connection: alwaysOpen }
  const probe = () =>
    win
      .fetch(new URL('./', win.location.href), { method: 'HEAD', cache: 'no-store' })
      .then((r) => r.ok)
      .catch(() => false)
  const ws = createWsBridge({ url: wsUrlFromLocation(win.location), probe })
  return { kind: 'websocket', bridge: ws, connection: ws }
}

export type { ConnectionSource, ConnectionState } from './connection-state'
