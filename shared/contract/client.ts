// The renderer's view of the backend: one interface, whatever the transport underneath
// (Electron's preload bridge or the WebSocket host).
import { EnvelopeSchema, FerryError, type Envelope } from './envelope'
import { events, isEventName, type EventName, type EventPayload } from './events'
import type { MethodInput, MethodName, MethodOutput } from './methods'

/** What a transport provides: exactly invoke and subscribe (the preload exposes these two). */
export interface RawBridge {
  invoke(method: string, input: unknown): Promise<unknown>
  subscribe(listener: (event: string, payload: unknown) => void): () => void
}

export interface FerryClient {
  invoke<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void
}

export function unwrap<T>(raw: unknown): T {
  const env = EnvelopeSchema.safeParse(raw)
  if (!env.success) throw new FerryError('TRANSPORT', 'Malformed reply from the backend')
  const e = env.data as Envelope<T>
  if (e.ok) return e.value
  throw FerryError.from(e.error)
}

export function createClient(bridge: RawBridge): FerryClient {
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  bridge.subscribe((event, payload) => {
    if (!isEventName(event)) return
    const parsed = events[event].safeParse(payload)
    if (!parsed.success) return
    for (const l of listeners.get(event) ?? []) l(parsed.data)
  })
  return {
    async invoke(method, input) {
      return unwrap(await bridge.invoke(method, input))
    },
    on(event, listener) {
      let set = listeners.get(event)
      if (!set) listeners.set(event, (set = new Set()))
      const l = listener as (payload: unknown) => void
      set.add(l)
      return () => set.delete(l)
    },
  }
}
