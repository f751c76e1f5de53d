// The event stream: one generator feeds both the events table and the log files, the way an
// agent's logger and its state.db writer see the same happenings. It is a sequential stream, so
// callers must ask for events in order 0, 1, 2…
import {
  AGENT_EVENTS,
  type Actor,
  type Context,
  type Level,
  ORCHESTRATOR_EVENTS,
} from './event-catalog'
import { createRng, weightedPicker } from './rng'
import { BASE_TIME_MS, SPAN_MS } from './time'
import type { AgentInfo, CoreData } from './types'
import { MODELS } from './vocabulary'

export type { Level } from './event-catalog'

export interface DemoEvent {
  agentId: string | null
  type: string
  level: Level
  message: string
  /** JSON text, or null when the event carries nothing beyond its message. */
  payload: string | null
  ms: number
}

function actorOf(agent: AgentInfo): Actor {
  return { id: agent.id, model: agent.model, branch: agent.branch ?? 'main' }
}

function statusWeight(status: string): number {
  return status === 'active' ? 4 : status === 'idle' ? 2 : 1
}

/** Returns `next()`, which yields event 0, 1, 2… of `total`, spread evenly over the window. */
export function createEventStream(seed: number, core: CoreData, total: number): () => DemoEvent {
  const rng = createRng(seed, 'events')
  const ctx: Context = {
    rng,
    tasks: core.tasks,
    peers: core.roster.agents.map((agent) => agent.id),
  }
  const actors = core.roster.agents.map(
    (agent) => [actorOf(agent), statusWeight(agent.status)] as const,
  )
  const { id: deletedId } = core.roster.deletedAgent
  const deleted: Actor = { id: deletedId, model: MODELS[0], branch: `agent/${deletedId}/main` }
  // pm agents have no worktree, so they never commit or push.
  const planners = new Set(core.roster.agents.filter((a) => a.type === 'pm').map((a) => a.id))
  const orchestrator: Actor = { id: 'orchestrator', model: MODELS[0], branch: 'main' }
  const pickLate = weightedPicker<Actor | null>([...actors, [null, 1.5]])
  // Until it was removed (first tenth of the window) the deleted agent was about as busy as the
  // others; its events outlived it.
  const pickEarly = weightedPicker<Actor | null>([...actors, [null, 1.5], [deleted, 3]])
  const pickAgentEvent = weightedPicker(AGENT_EVENTS.map((entry) => [entry, entry[1]] as const))
  const pickPlannerEvent = weightedPicker(
    AGENT_EVENTS.filter(([type]) => !type.startsWith('git.')).map((e) => [e, e[1]] as const),
  )
  const pickOrchestratorEvent = weightedPicker(ORCHESTRATOR_EVENTS.map((e) => [e, e[1]] as const))
  const step = SPAN_MS / Math.max(total, 1)
  let index = 0
  return () => {
    const i = index++
    const ms = BASE_TIME_MS + (i + rng.next()) * step
    if (i === 0) {
      return {
        agentId: null,
        type: 'orchestrator.started',
        level: 'info',
        message: `orchestrator started with ${actors.length} agents`,
        payload: null,
        ms,
      }
    }
    if (i === 1) {
      const [message, payload] = ['agent registered', { agent_type: core.roster.deletedAgent.type }]
      return {
        agentId: deletedId,
        type: 'agent.started',
        level: 'info',
        message,
        payload: JSON.stringify(payload),
        ms,
      }
    }
    const actor = i < total * 0.1 ? pickEarly(rng) : pickLate(rng)
    const [type, , level, render] = !actor
      ? pickOrchestratorEvent(rng)
      : planners.has(actor.id)
        ? pickPlannerEvent(rng)
        : pickAgentEvent(rng)
    const [message, payload] = render(ctx, actor ?? orchestrator)
    return {
      agentId: actor ? actor.id : null,
      type,
      level,
      message,
      payload: payload === null ? null : JSON.stringify(payload),
      ms,
    }
  }
}
