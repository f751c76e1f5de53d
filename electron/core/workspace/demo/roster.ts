// Agents and their settings. One agent carries the dirt every long-running system collects: a
// status no CHECK list knows ('zombie'). Every configuration is valid JSON, so the plan's jsonb +
// GIN index applies; the demo's malformed JSON value is a task payload (work.ts).
import { type Rng, weightedPicker } from './rng'
import { BASE_TIME_MS, HOUR_MS, SPAN_MS, isoAt } from './time'
import type { AgentInfo, Roster, Row, Secrets } from './types'
import { AGENT_TYPES, type AgentType, COMPONENTS, MODELS, TOOLS, slugify } from './vocabulary'

export const WORKTREE_ROOT = '/home/dev/acme-platform/.worktrees'
export const STRAY_STATUS = 'zombie'

const pickStatus = weightedPicker([
  ['active', 45],
  ['idle', 30],
  ['sleeping', 15],
  ['crashed', 10],
] as const)

const pickWorkerType = weightedPicker<AgentType>([
  ['frontend', 4],
  ['service-mesh', 3],
  ['integration', 3],
])

export function buildRoster(rng: Rng): Roster {
  const count = rng.int(8, 12)
  const types: AgentType[] = [...AGENT_TYPES]
  while (types.length < count)
    types.push(types.length === 4 && rng.chance(0.3) ? 'pm' : pickWorkerType(rng))
  const perType = new Map<AgentType, number>()
  const agents: AgentInfo[] = []
  let createdMs = BASE_TIME_MS
  for (const type of types) {
    const n = (perType.get(type) ?? 0) + 1
    perType.set(type, n)
    const id = `${type}-${String(n).padStart(2, '0')}`
    createdMs += rng.int(2, 40) * 60_000
    const isPm = type === 'pm'
    agents.push({
      id,
      type,
      status: pickStatus(rng),
      model: isPm ? MODELS[1] : rng.pick(MODELS),
      worktree: isPm ? null : `${WORKTREE_ROOT}/${id}`,
      branch: isPm ? null : `agent/${id}/${slugify(rng.pick(COMPONENTS))}`,
      tools: isPm ? ['read_file', 'grep'] : rng.shuffle(TOOLS).slice(0, rng.int(3, 6)),
      createdMs,
    })
  }
  const workers = agents.filter((agent) => agent.type !== 'pm')
  const zombie = rng.pick(workers)
  zombie.status = STRAY_STATUS
  const deletedType = pickWorkerType(rng)
  const deletedN = (perType.get(deletedType) ?? 0) + 1
  return {
    agents,
    deletedAgent: { id: `${deletedType}-${String(deletedN).padStart(2, '0')}`, type: deletedType },
  }
}

export function buildSecrets(rng: Rng): Secrets {
  return {
    anthropicApiKey: `sk-ant-demo-${rng.hex(32)}-NOT-A-REAL-KEY`,
    databasePassword: `demo-${rng.hex(20)}`,
    githubToken: `ghp_demo${rng.hex(32)}`,
    webhookSecret: `whsec_demo_${rng.hex(24)}`,
  }
}

export function agentConfig(agent: AgentInfo): Record<string, unknown> {
  return {
    model: agent.model,
    max_tokens: agent.type === 'pm' ? 16384 : 8192,
    temperature: agent.type === 'pm' ? 0.4 : 0.2,
    tools: agent.tools,
    heartbeat_interval_s: 30,
    auto_commit: agent.type !== 'pm',
    worktree: agent.worktree,
    context_budget_tokens: 150000,
  }
}

export function agentRows(rng: Rng, roster: Roster): Row[] {
  return roster.agents.map((agent) => {
    const lastActivityMs =
      agent.status === 'crashed' || agent.status === STRAY_STATUS
        ? BASE_TIME_MS + SPAN_MS * (0.4 + rng.next() * 0.4)
        : BASE_TIME_MS + SPAN_MS - rng.int(1, 6 * 60) * 60_000
    return {
      agent_id: agent.id,
      agent_type: agent.type,
      status: agent.status,
      worktree_path: agent.worktree,
      branch_name: agent.branch,
      created_at: isoAt(agent.createdMs),
      last_activity: isoAt(lastActivityMs),
      configuration: JSON.stringify(agentConfig(agent)),
    }
  })
}

export function configurationRows(rng: Rng, roster: Roster, secrets: Secrets): Row[] {
  const rows: Row[] = []
  const add = (agentId: string | null, key: string, value: unknown, atMs: number, secret = false) =>
    rows.push({
      agent_id: agentId,
      config_key: key,
      config_value: value === undefined ? null : JSON.stringify(value),
      is_secret: secret ? 1 : 0,
      updated_at: isoAt(atMs),
    })
  const at = (offsetHours: number) => BASE_TIME_MS - 3 * 24 * HOUR_MS + offsetHours * HOUR_MS
  add(null, 'orchestrator.max_concurrent_agents', 12, at(0))
  add(null, 'orchestrator.heartbeat_interval_s', 30, at(0))
  add(null, 'orchestrator.task_timeout_min', 90, at(1))
  add(null, 'database.path', '.claude/state.db', at(0))
  add(null, 'logging.level', 'info', at(2))
  add(null, 'logging.dir', '.claude/logs', at(2))
  add(null, 'anthropic.api_key', secrets.anthropicApiKey, at(3), true)
  add(null, 'github.token', secrets.githubToken, at(3), true)
  add(null, 'feature_flags', { use_postgres: false, snapshot_store: 'inline' }, at(30))
  for (const agent of roster.agents) {
    const base = agent.createdMs
    const config = agentConfig(agent)
    for (const key of ['model', 'max_tokens', 'temperature', 'tools', 'heartbeat_interval_s']) {
      add(agent.id, key, config[key], base + rng.int(0, 48) * HOUR_MS)
    }
    add(agent.id, 'git.auto_push', agent.type === 'pm' ? undefined : rng.chance(0.5), base)
    add(agent.id, 'reviewer', agent.type === 'pm' ? undefined : rng.pick(roster.agents).id, base)
  }
  // Never cleaned up when the agent was removed.
  add(roster.deletedAgent.id, 'model', MODELS[0], at(5))
  add(roster.deletedAgent.id, 'max_tokens', 8192, at(5))
  return rows
}
