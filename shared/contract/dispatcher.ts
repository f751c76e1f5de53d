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

const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype'])

/**
 * Why a payload is refused before its schema sees it, or null: a key that can reach a prototype
 * (`__proto__` as an own key comes from JSON.parse; zod drops it silently in records and stripping
 * objects, and a handler spreading the input could pass it on), or a value that is not a plain
 * object or array (its prototype's properties would be read as fields). Iterative, so a
 * 100k-deep or cyclic payload neither overflows the stack nor loops.
 */
export function prototypeKeyPath(input: unknown): string | null {
  const stack: { v: unknown; path: string }[] = [{ v: input, path: '(input)' }]
  // Structured clone (Electron IPC) keeps cycles; each object is looked at once.
  const seen = new WeakSet<object>()
  while (stack.length) {
    const { v, path } = stack.pop()!
    if (v === null || typeof v !== 'object' || seen.has(v)) continue
    seen.add(v)
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) {
        const x: unknown = v[i]
        if (x !== null && typeof x === 'object') stack.push({ v: x, path: `${path}.${i}` })
      }
      continue
    }
    const proto: unknown = Object.getPrototypeOf(v)
    if (proto !== Object.prototype && proto !== null) return `${path}: not a plain object`
    for (const k of Object.keys(v)) {
      if (PROTOTYPE_KEYS.has(k)) return `${path}: key "${k}" is not allowed`
      const x = (v as Record<string, unknown>)[k]
      if (x !== null && typeof x === 'object') stack.push({ v: x, path: `${path}.${k}` })
    }
  }
  return null
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
    const hostile = prototypeKeyPath(input)
    if (hostile !== null) {
      return {
        ok: false,
        error: {
          code: 'INVALID_INPUT',
          message: `Invalid input for ${method}: ${hostile}`,
          hint: 'Check the request against shared/contract/methods.ts.',
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
