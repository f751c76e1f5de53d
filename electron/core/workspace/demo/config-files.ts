// .claude/config in the mix of formats real setups end up with: JSON, YAML, TOML and a .env whose
// secrets are fake but shaped like real ones (so secret scanners and redaction have work to do).
import type { FileEntry } from './files'
import { createRng } from './rng'
import { agentConfig } from './roster'
import type { AgentInfo, CoreData } from './types'

function yamlValue(value: string | null): string {
  return value === null ? 'null' : value
}

function agentsYaml(agents: AgentInfo[], enabled: (agent: AgentInfo) => boolean): string {
  const blocks = agents.map(
    (agent) =>
      `  - id: ${agent.id}\n` +
      `    type: ${agent.type}\n` +
      `    model: ${agent.model}\n` +
      `    worktree: ${yamlValue(agent.worktree)}\n` +
      `    branch: ${yamlValue(agent.branch)}\n` +
      `    tools: [${agent.tools.join(', ')}]\n` +
      `    enabled: ${enabled(agent)}\n`,
  )
  return (
    '# Agent roster. The orchestrator starts one process per enabled entry.\n' +
    'version: 2\n' +
    'defaults:\n' +
    '  model: claude-sonnet-4-5\n' +
    '  heartbeat_interval_s: 30\n' +
    '  restart_policy: on-failure\n' +
    'agents:\n' +
    blocks.join('')
  )
}

export function configFiles(seed: number, core: CoreData): FileEntry[] {
  const rng = createRng(seed, 'config-files')
  const { agents, deletedAgent } = core.roster
  const { secrets } = core
  const system = {
    version: 2,
    orchestrator: {
      max_concurrent_agents: 12,
      heartbeat_interval_s: 30,
      task_timeout_min: 90,
      scheduler: { strategy: 'least-loaded', tick_ms: rng.pick([500, 1000, 2000]) },
    },
    database: { path: '.claude/state.db', busy_timeout_ms: 5000 },
    logging: {
      dir: '.claude/logs',
      level: 'info',
      rotate: { max_size_mb: 50, keep: 2, compress: true, delay_compress: true },
    },
    context: { dir: '.claude/context', max_session_tokens: 180000, snapshot_every_turns: 8 },
  }
  const toml =
    '# Storage settings read by the orchestrator at start-up.\n\n' +
    '[sqlite]\npath = ".claude/state.db"\nbusy_timeout_ms = 5000\njournal_mode = "delete"\n\n' +
    '[postgres]\nenabled = false\nhost = "127.0.0.1"\nport = 5432\ndatabase = "agents"\n' +
    'user = "agents"\npassword_env = "DATABASE_PASSWORD"\npool_min = 2\npool_max = 20\n\n' +
    '[snapshots]\ninline_limit_bytes = 1048576\nstore = "inline"\n'
  const env =
    '# Local secrets for the agent orchestrator. Never commit this file.\n' +
    `ANTHROPIC_API_KEY=${secrets.anthropicApiKey}\n` +
    `DATABASE_PASSWORD=${secrets.databasePassword}\n` +
    `GITHUB_TOKEN=${secrets.githubToken}\n` +
    `WEBHOOK_SECRET="${secrets.webhookSecret}"\n` +
    'LOG_LEVEL=info\n' +
    'NODE_ENV=development\n'
  const files: FileEntry[] = [
    { path: '.claude/config/system.json', content: JSON.stringify(system, null, 2) + '\n' },
    {
      path: '.claude/config/agents.yaml',
      content: agentsYaml(agents, (a) => a.status !== 'crashed'),
    },
    { path: '.claude/config/database.toml', content: toml },
    { path: '.claude/config/.env', content: env },
  ]
  for (const agent of agents) {
    const config = { agent_id: agent.id, agent_type: agent.type, ...agentConfig(agent) }
    files.push({
      path: `.claude/config/agents/${agent.id}.json`,
      content: JSON.stringify(config, null, 2) + '\n',
    })
  }
  // Left behind when the agent was removed from the roster.
  files.push({
    path: `.claude/config/agents/${deletedAgent.id}.json`,
    content:
      JSON.stringify(
        {
          agent_id: deletedAgent.id,
          agent_type: deletedAgent.type,
          model: 'claude-sonnet-4-5',
          disabled: true,
        },
        null,
        2,
      ) + '\n',
  })
  return files
}
