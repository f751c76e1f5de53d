// Hostile requests for the two transports of the contract (issue 8, "Electron and IPC"): the
// in-process dispatcher the Electron main process wraps, and raw frames to `ferry serve`'s
// WebSocket — raw, so a test can send what no typed client would (a 100 MB frame, binary, a
// `__proto__` key that JSON.parse makes an own property).
import WebSocket from 'ws'
import type { Envelope } from '../../../shared/contract/envelope'

export interface RawWs {
  /** Sends {id, method, input} as JSON text and resolves with the reply's envelope. */
  call(method: string, input: unknown): Promise<Envelope<unknown>>
  /** Sends any text (or bytes) as one frame; resolves with the reply whose id is `id`. */
  send(data: string | Buffer, id: number, binary?: boolean): Promise<Envelope<unknown>>
  /** Resolves with the close code once the server closes the connection. */
  closed: Promise<number>
  close(): void
}

export async function openRawWs(port: number, token: string): Promise<RawWs> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${token}`)
  await new Promise<void>((res, rej) => {
    ws.once('open', () => res())
    ws.once('error', rej)
  })
  const pending = new Map<number, (e: Envelope<unknown>) => void>()
  ws.on('message', (d) => {
    const f = JSON.parse(d.toString()) as { id?: number; result?: Envelope<unknown> }
    if (typeof f.id === 'number' && f.result) {
      pending.get(f.id)?.(f.result)
      pending.delete(f.id)
    }
  })
  // A refused oversized frame makes the client see a reset as well as the close: not a failure.
  ws.on('error', () => undefined)
  const closed = new Promise<number>((res) => ws.once('close', (code) => res(code)))
  let next = 1000
  const send = (data: string | Buffer, id: number, binary = false): Promise<Envelope<unknown>> =>
    new Promise((res, rej) => {
      pending.set(id, res)
      ws.send(data, { binary }, (err) => err && rej(err))
      void closed.then((code) => rej(new Error(`connection closed (${code})`)))
    })
  return {
    call: (method, input) => {
      const id = next++
      return send(JSON.stringify({ id, method, input }), id)
    },
    send,
    closed,
    close: () => ws.close(),
  }
}

/** A request that must be refused, and the error code it must be refused with. */
export interface HostileCase {
  label: string
  category: string
  method: string
  /** JSON text of the input (so `__proto__` arrives as an own key on both transports), or a value. */
  input: string | { value: unknown }
  code: string | RegExp
}

export const json = (text: string): string => text
export const value = (v: unknown): { value: unknown } => ({ value: v })

export function inputOf(c: HostileCase): unknown {
  return typeof c.input === 'string' ? JSON.parse(c.input) : c.input.value
}
