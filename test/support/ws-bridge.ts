// A Node WebSocket implementation of the contract's RawBridge, for tests of `ferry serve`.
import WebSocket from 'ws'
import type { RawBridge } from '../../shared/contract/client'

export async function connectWsBridge(url: string): Promise<RawBridge & { close(): void }> {
  const ws = new WebSocket(url)
  await new Promise<void>((res, rej) => {
    ws.once('open', () => res())
    ws.once('error', rej)
    ws.once('unexpected-response', (_req, resp) => rej(new Error(`HTTP ${resp.statusCode}`)))
  })
  let next = 1
  const pending = new Map<number, (v: unknown) => void>()
  const listeners = new Set<(e: string, p: unknown) => void>()
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as { id?: number; result?: unknown; event?: string; payload?: unknown }
    if (frame.event !== undefined) for (const l of listeners) l(frame.event, frame.payload)
    else if (frame.id !== undefined) {
      pending.get(frame.id)?.(frame.result)
      pending.delete(frame.id)
    }
  })
  return {
    invoke(method, input) {
      const id = next++
      return new Promise((res) => {
        pending.set(id, res)
        ws.send(JSON.stringify({ id, method, input }))
      })
    },
    subscribe(l) {
      listeners.add(l)
      return () => listeners.delete(l)
    },
    close: () => ws.close(),
  }
}

/** Opens a raw upgrade and reports the HTTP status the server answered with (101 = accepted). */
export function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((res) => {
    const ws = new WebSocket(url, { headers })
    ws.once('open', () => {
      ws.close()
      res(101)
    })
    ws.once('unexpected-response', (_req, resp) => res(resp.statusCode ?? 0))
    ws.once('error', () => res(0))
  })
}
