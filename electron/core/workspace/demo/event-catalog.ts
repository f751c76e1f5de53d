// What each kind of event says. Weights are rough shares of a busy agent system's traffic:
// heartbeats, model calls and tool runs dominate; crashes are rare but present.
import type { Rng } from './rng'
import type { TaskInfo } from './types'
import { TOOLS, sentence } from './vocabulary'

export type Level = 'debug' | 'info' | 'warn' | 'error'

export interface Actor {
  id: string
  model: string
  branch: string
}

export interface Context {
  rng: Rng
  tasks: TaskInfo[]
  peers: string[]
}

export type Render = (ctx: Context, actor: Actor) => [string, object | null]

export const AGENT_EVENTS: readonly (readonly [string, number, Level, Render])[] = [
  [
    'agent.heartbeat',
    18,
    'debug',
    ({ rng }) => {
      const rss = rng.int(140, 900)
      const queue = rng.int(0, 12)
      return [`heartbeat ok (rss ${rss} MB, queue ${queue})`, { rss_mb: rss, queue_depth: queue }]
    },
  ],
  [
    'llm.request',
    14,
    'info',
    ({ rng }, actor) => {
      const tokens = rng.int(600, 150_000)
      return [
        `POST /v1/messages model=${actor.model} input_tokens=${tokens}`,
        { model: actor.model, input_tokens: tokens },
      ]
    },
  ],
  [
    'llm.response',
    14,
    'info',
    ({ rng }, actor) => {
      const out = rng.int(20, 8000)
      const ms = rng.int(400, 45_000)
      return [
        `response in ${ms} ms, ${out} output tokens`,
        {
          model: actor.model,
          output_tokens: out,
          latency_ms: ms,
          stop_reason: rng.chance(0.8) ? 'end_turn' : 'tool_use',
        },
      ]
    },
  ],
  [
    'tool.invoked',
    16,
    'info',
    ({ rng }) => {
      const tool = rng.pick(TOOLS)
      const ms = rng.int(5, 60_000)
      return [`tool ${tool} exited 0 in ${ms} ms`, { tool, duration_ms: ms, exit_code: 0 }]
    },
  ],
  [
    'tool.error',
    2,
    'error',
    ({ rng }) => {
      const tool = rng.pick(TOOLS)
      const code = rng.pick([1, 2, 124, 127, 137])
      return [
        `tool ${tool} failed with exit code ${code}`,
        { tool, exit_code: code, stderr_tail: sentence(rng, 4, 10) },
      ]
    },
  ],
  [
    'task.claimed',
    4,
    'info',
    ({ rng, tasks }) => {
      const task = rng.pick(tasks)
      return [`claimed task #${task.id}: ${task.title}`, { task_id: task.id }]
    },
  ],
  [
    'task.progress',
    8,
    'info',
    ({ rng, tasks }) => {
      const task = rng.pick(tasks)
      const percent = rng.int(1, 19) * 5
      return [`task #${task.id} ${percent}% done`, { task_id: task.id, percent }]
    },
  ],
  [
    'task.completed',
    3,
    'info',
    ({ rng, tasks }) => {
      const task = rng.pick(tasks)
      const seconds = rng.int(40, 14_400)
      return [
        `completed task #${task.id} in ${Math.round(seconds / 60)} min`,
        { task_id: task.id, duration_s: seconds },
      ]
    },
  ],
  [
    'task.failed',
    1,
    'error',
    ({ rng, tasks }) => {
      const task = rng.pick(tasks)
      const reason = rng.pick(['tests failing', 'merge conflict', 'timeout', 'review rejected'])
      return [`task #${task.id} failed: ${reason}`, { task_id: task.id, reason }]
    },
  ],
  [
    'message.sent',
    5,
    'info',
    ({ rng, peers }) => {
      const to = rng.pick(peers)
      const kind = rng.pick(['request', 'response', 'handoff'])
      return [`sent ${kind} to ${to}`, { to, message_type: kind }]
    },
  ],
  [
    'git.commit',
    4,
    'info',
    ({ rng }) => {
      const sha = rng.hex(40)
      const files = rng.int(1, 25)
      return [`committed ${sha.slice(0, 7)} (${files} files)`, { sha, files_changed: files }]
    },
  ],
  [
    'git.push',
    2,
    'info',
    ({ rng }, actor) => {
      const commits = rng.int(1, 6)
      return [
        `pushed ${commits} commits to origin/${actor.branch}`,
        { branch: actor.branch, commits },
      ]
    },
  ],
  [
    'context.saved',
    3,
    'info',
    ({ rng }) => [`saved context (${rng.int(2000, 160_000)} tokens)`, null],
  ],
  [
    'memory.snapshot',
    2,
    'info',
    ({ rng }) => {
      const bytes = rng.chance(0.05) ? rng.int(65_536, 250_000) : rng.int(400, 6000)
      return [`memory snapshot written (${bytes} bytes)`, { bytes }]
    },
  ],
  [
    'rate_limit.hit',
    1,
    'warn',
    ({ rng }) => {
      const seconds = rng.int(1, 60)
      return [`429 from api.anthropic.com, retrying in ${seconds}s`, { retry_after_s: seconds }]
    },
  ],
  ['agent.idle', 2, 'info', () => ['no work available, idling', null]],
  [
    'agent.crashed',
    0.2,
    'error',
    ({ rng }) => {
      const signal = rng.pick(['SIGKILL', 'SIGSEGV', 'SIGABRT'])
      return [`process exited with ${signal}`, { signal }]
    },
  ],
  [
    'agent.restarted',
    0.2,
    'warn',
    ({ rng }) => {
      const misses = rng.int(3, 6)
      return [
        `restarted by supervisor after ${misses} missed heartbeats`,
        { missed_heartbeats: misses },
      ]
    },
  ],
]

export const ORCHESTRATOR_EVENTS: readonly (readonly [string, number, Level, Render])[] = [
  [
    'scheduler.tick',
    6,
    'debug',
    ({ rng }) => {
      const active = rng.int(3, 12)
      const queued = rng.int(0, 40)
      return [`scheduler tick: ${active} agents active, ${queued} tasks queued`, { active, queued }]
    },
  ],
  [
    'task.assigned',
    3,
    'info',
    ({ rng, tasks, peers }) => {
      const task = rng.pick(tasks)
      const to = rng.pick(peers)
      return [`assigned task #${task.id} to ${to}`, { task_id: task.id, agent_id: to }]
    },
  ],
  ['db.checkpoint', 1, 'info', ({ rng }) => [`state.db checkpoint in ${rng.int(2, 900)} ms`, null]],
]
