// The one place where a request meets the backend: look the method up, validate the input,
// call the handler, wrap the outcome in an envelope. Transports are a few lines around it.
import type { z } from 'zod'
import { FerryError, toErrorInfo, type Envelope } from './envelope'
import { events, isEventName, type EventName, type EventPayload } from './events'
import { isMethodName, methods, type MethodName, type MethodOutput, type Methods } from './methods'

export type Handlers = {
  [M in MethodName]: (input: z.infer<Methods[M]['input']>) => Promise<MethodOutput<M>> | MethodOutput<M>
}

export type Dispatch = (method: string, input: unknown) => Promise<Envelope<unknown>>

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : '(input)'}: ${i.message}`)
    .join('; ')
}

export function createDispatcher(handlers: Handlers): Dispatch {
  return async (method, input) => {
    if (typeof method !== 'string' || !isMethodName(method)) {
      return {
        ok: false,
        error: {
          code: 'UNKNOWN_METHOD',
          message: `Unknown method ${JSON.stringify(String(method)).slice(0, 120)}`,
          hint: `Known methods: ${Object.keys(methods).join(', ')}`,
        },
      }
    }
    const parsed = methods[method].input.safeParse(input ?? {})
    if (!parsed.success) {
      return {
        ok: false,
        error: {
          code: 'INVALID_INPUT',
          message: `Invalid input for ${method}: ${describeIssues(parsed.error)}`,
          hint: 'Check the request against shared/contract/methods.ts.',
        },
      }
    }
    try {
      const handler = handlers[method] as (i: unknown) => Promise<unknown> | unknown
      const value = await handler(parsed.data)
      return { ok: true, value }
    } catch (err) {
      return { ok: false, error: toErrorInfo(err) }
    }
  }
}

export type EmitFn = <E extends EventName>(event: E, payload: EventPayload<E>) => void
export type RawEventListener = (event: string, payload: unknown) => void

/** Validates an outgoing event before any transport sees it; a bad payload is a bug, so it throws. */
export function checkEvent(event: string, payload: unknown): void {
  if (!isEventName(event)) throw new FerryError('UNKNOWN_EVENT', `Unknown event ${event}`)
  const r = events[event].safeParse(payload)
  if (!r.success) throw new FerryError('INVALID_EVENT', `Invalid ${event} payload: ${describeIssues(r.error)}`)
}
