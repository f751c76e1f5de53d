// Agent-to-agent traffic and the metrics the agents reported while working.
import { type Rng, weightedPicker } from './rng'
import { BASE_TIME_MS, HOUR_MS, SPAN_MS, isoAt } from './time'
import type { Roster, Row, TaskInfo } from './types'
import { COMPONENTS, paragraph, round } from './vocabulary'

const pickMessageType = weightedPicker([
  ['request', 35],
  ['response', 35],
  ['notification', 18],
  ['handoff', 12],
] as const)

function sortedTimes(rng: Rng, count: number, fromMs: number, toMs: number): number[] {
  const times: number[] = []
  for (let i = 0; i < count; i++) times.push(fromMs + ((i + rng.next()) * (toMs - fromMs)) / count)
  return times
}

export function messageRows(rng: Rng, roster: Roster, tasks: TaskInfo[]): Row[] {
  const agents = roster.agents
  const count = rng.int(800, 1100)
  const times = sortedTimes(rng, count, BASE_TIME_MS + HOUR_MS, BASE_TIME_MS + SPAN_MS - HOUR_MS)
  // Two early messages were addressed to the agent that was later removed.
  const orphanSlots = new Set([3 + rng.int(0, 20), 40 + rng.int(0, 40)])
  return times.map((createdMs, i) => {
    const from = rng.pick(agents)
    const broadcast = rng.chance(0.1)
    let to: string | null = broadcast ? null : rng.pick(agents.filter((agent) => agent !== from)).id
    if (orphanSlots.has(i)) to = roster.deletedAgent.id
    const task = rng.pick(tasks)
    const type = broadcast ? 'notification' : pickMessageType(rng)
    const read = rng.chance(0.85)
    return {
      from_agent: from.id,
      to_agent: to,
      message_type: type,
      subject: rng.chance(0.15)
        ? null
        : `${type === 'response' ? 'Re: ' : ''}#${task.id} ${task.title}`,
      body: paragraph(rng, 1, 4),
      payload: rng.chance(0.4)
        ? null
        : JSON.stringify({
            task_id: task.id,
            priority: rng.int(1, 5),
            requires_ack: rng.chance(0.3),
          }),
      is_read: read ? 1 : 0,
      created_at: isoAt(createdMs),
      read_at: read ? isoAt(createdMs + rng.int(5, 3600) * 1000) : null,
    }
  })
}

const METRICS: readonly (readonly [string, string, (rng: Rng) => number])[] = [
  ['task_duration_s', 's', (rng) => round(30 + rng.next() ** 2 * 7200, 1)],
  ['tokens_input', 'tokens', (rng) => rng.int(800, 180_000)],
  ['tokens_output', 'tokens', (rng) => rng.int(50, 16_000)],
  ['api_latency_ms', 'ms', (rng) => round(250 + rng.next() ** 3 * 30_000, 2)],
  ['cost_usd', 'usd', (rng) => round(rng.next() ** 2 * 4, 4)],
  ['tool_calls', 'count', (rng) => rng.int(0, 140)],
  ['memory_mb', 'MB', (rng) => round(120 + rng.next() * 900, 1)],
]

export function metricRows(rng: Rng, roster: Roster, tasks: TaskInfo[]): Row[] {
  const count = rng.int(2200, 3000)
  const times = sortedTimes(rng, count, BASE_TIME_MS + HOUR_MS, BASE_TIME_MS + SPAN_MS)
  const missingTaskIds = [tasks.length + 3, tasks.length + 9]
  const orphanSlots = new Map([
    [100 + rng.int(0, 200), missingTaskIds[0]],
    [900 + rng.int(0, 400), missingTaskIds[1]],
  ])
  return times.map((recordedMs, i) => {
    const agent = rng.pick(roster.agents)
    const [name, unit, value] = rng.pick(METRICS)
    const task = rng.chance(0.65) ? rng.pick(tasks) : null
    return {
      agent_id: agent.id,
      task_id: orphanSlots.get(i) ?? task?.id ?? null,
      metric_name: name,
      metric_value: value(rng),
      unit,
      tags: rng.chance(0.25)
        ? null
        : JSON.stringify({ model: agent.model, component: rng.pick(COMPONENTS) }),
      recorded_at: isoAt(recordedMs),
    }
  })
}
