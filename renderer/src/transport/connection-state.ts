// What the transport tells the UI about the line to the backend. Electron's preload is always
// 'open'; the WebSocket goes through the other states and the banner explains each one.

export type ConnectionState =
  | { kind: 'connecting' }
  | { kind: 'open' }
  /** The socket dropped (or never opened); another attempt follows at retryAt (epoch ms). */
  | { kind: 'reconnecting'; attempt: number; retryAt: number; reason: string }
  /** The page URL has no ?token=…, so there is nothing to present to the host. */
  | { kind: 'no-token' }
  /** The host refused the token; retrying would not help. */
  | { kind: 'refused'; reason: string }

export interface ConnectionSource {
  readonly connection: ConnectionState
  onConnection(listener: (state: ConnectionState) => void): () => void
  /** Skips the wait before the next reconnect attempt. */
  retryNow(): void
}
