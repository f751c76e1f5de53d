// Errors cross process boundaries as values (Signal's result envelope): Electron drops custom
// properties of thrown errors, JSON drops prototypes. An envelope keeps code, message and hint.
import { z } from 'zod'
import { ErrorInfo } from './types'

export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo }

export const EnvelopeSchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: ErrorInfo }),
])

/** An error that carries a stable code and the next action; handlers throw it, transports send it. */
export class FerryError extends Error {
  readonly code: string
  readonly hint: string | undefined
  readonly detail: string | undefined
  constructor(code: string, message: string, hint?: string, detail?: string) {
    super(message)
    this.name = 'FerryError'
    this.code = code
    this.hint = hint
    this.detail = detail
  }
  toInfo(): ErrorInfo {
    const info: ErrorInfo = { code: this.code, message: this.message }
    if (this.hint !== undefined) info.hint = this.hint
    if (this.detail !== undefined) info.detail = this.detail
    return info
  }
  static from(info: ErrorInfo): FerryError {
    return new FerryError(info.code, info.message, info.hint, info.detail)
  }
}

export function toErrorInfo(err: unknown): ErrorInfo {
  if (err instanceof FerryError) return err.toInfo()
  if (err instanceof Error) return { code: 'INTERNAL', message: err.message }
  return { code: 'INTERNAL', message: String(err) }
}

/** WebSocket frames. Client → server: a request. Server → client: a reply or an event. */
export const RequestFrame = z.object({
  id: z.number().int().nonnegative(),
  method: z.string().max(100),
  input: z.unknown(),
})
export type RequestFrame = z.infer<typeof RequestFrame>

export const ReplyFrame = z.object({ id: z.number().int(), result: EnvelopeSchema })
export const EventFrame = z.object({ event: z.string(), payload: z.unknown() })
export const ServerFrame = z.union([ReplyFrame, EventFrame])
export type ServerFrame = z.infer<typeof ServerFrame>
