// A FerryClient for store tests: scripted replies per method, events emitted by hand.
import type { FerryClient } from '../../../shared/contract/client'
import { FerryError } from '../../../shared/contract/envelope'
import { pendingState } from '../../../shared/plan/view'
import type { EventName, EventPayload } from '../../../shared/contract/events'
import type { MethodName, MethodOutput } from '../../../shared/contract/methods'
import type {
  PlanView,
  StepState,
  TargetStatus,
  WorkspaceSummary,
} from '../../../shared/contract/types'
import { staticPlanView } from '../../../renderer/src/store/static-plan'

type Handler = (input: unknown) => unknown

export interface FakeClient extends FerryClient {
  calls: { method: string; input: unknown }[]
  handle<M extends MethodName>(
    method: M,
    reply: MethodOutput<M> | ((input: unknown) => MethodOutput<M> | Promise<MethodOutput<M>>),
  ): void
  fail(method: MethodName, error: FerryError): void
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void
  listenerCount(): number
}

export function createFakeClient(): FakeClient {
  const handlers = new Map<string, Handler>()
  const listeners = new Map<string, Set<(p: unknown) => void>>()
  const calls: { method: string; input: unknown }[] = []
  return {
    calls,
    async invoke(method, input) {
      calls.push({ method, input })
      const h = handlers.get(method)
      if (!h) throw new FerryError('NOT_SCRIPTED', `No fake reply for ${method}`)
      return (await h(input)) as never
    },
    on(event, listener) {
      let set = listeners.get(event)
      if (!set) listeners.set(event, (set = new Set()))
      const l = listener as (p: unknown) => void
      set.add(l)
      return () => set.delete(l)
    },
    handle(method, reply) {
      handlers.set(method, typeof reply === 'function' ? (reply as Handler) : () => reply)
    },
    fail(method, error) {
      handlers.set(method, () => {
        throw error
      })
    },
    emit(event, payload) {
      for (const l of listeners.get(event) ?? []) l(payload)
    },
    listenerCount() {
      return [...listeners.values()].reduce((n, s) => n + s.size, 0)
    },
  }
}

export const WORKSPACE: WorkspaceSummary = {
  root: '/tmp/demo',
  claudeDir: '/tmp/demo/.claude',
  ferryDir: '/tmp/demo/.ferry',
  source: {
    stateDb: {
      path: '/tmp/demo/.claude/state.db',
      exists: true,
      sizeBytes: 1_258_291,
      tables: 13,
      error: null,
    },
    context: { files: 12, bytes: 40_000 },
    logs: { files: 5, bytes: 900_000 },
    config: { files: 4, bytes: 2_000 },
    other: { files: 0, bytes: 0 },
  },
}

export const TARGET: TargetStatus = {
  kind: 'embedded',
  display: 'embedded PostgreSQL in .ferry/pg',
  state: 'not-started',
  serverVersion: null,
  error: null,
}

export function backendPlan(): PlanView {
  const plan = staticPlanView()
  return { ...plan, workspace: WORKSPACE.root }
}

export function stepState(stepId: string, patch: Partial<StepState> = {}): StepState {
  return { ...pendingState(stepId), ...patch }
}

/** A client scripted for an app with the demo workspace open. */
export function openWorkspaceClient(): FakeClient {
  const c = createFakeClient()
  c.handle('app.info', {
    version: '0.1.0',
    workspace: WORKSPACE,
    demoDefaultPath: '/home/me/ferry-demo',
  })
  c.handle('plan.get', backendPlan())
  c.handle('target.status', TARGET)
  return c
}

/** Lets pending promise chains settle. */
export const flush = () => new Promise((r) => setTimeout(r, 0))
