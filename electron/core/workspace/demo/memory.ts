// Context sessions and the memory snapshots taken during them. A handful of snapshots are well
// over 64 KiB: those are what the plan's phase 1 moves out of the database into files.
import { createHash } from 'node:crypto'
import { type Rng, weightedPicker } from './rng'
import { BASE_TIME_MS, HOUR_MS, SPAN_MS, isoAt } from './time'
import type { Roster, Row, SessionInfo, TaskInfo } from './types'
import { COMPONENTS, DECISIONS, paragraph, sentence } from './vocabulary'

export const LARGE_SNAPSHOT_BYTES = 64 * 1024

const pickEntryKind = weightedPicker([
  ['fact', 40],
  ['observation', 25],
  ['decision', 15],
  ['todo', 20],
] as const)

function filePaths(rng: Rng, count: number): string[] {
  const paths: string[] = []
  for (let i = 0; i < count; i++) {
    const component = rng.pick(COMPONENTS)
    paths.push(
      `services/${component}/src/${rng.pick(['index', 'handler', 'client', 'routes', 'store'])}.ts`,
    )
  }
  return paths
}

export function buildSessions(rng: Rng, roster: Roster, tasks: TaskInfo[]): SessionInfo[] {
  const sessions: SessionInfo[] = []
  const end = BASE_TIME_MS + SPAN_MS
  for (const agent of roster.agents) {
    const n = rng.int(3, 7)
    const own = tasks.filter((task) => task.agentId === agent.id)
    for (let k = 0; k < n; k++) {
      const startedMs = agent.createdMs + ((k + rng.next() * 0.5) * (end - agent.createdMs)) / n
      const open = k === n - 1 && agent.status === 'active'
      const endedMs = open ? null : Math.min(startedMs + rng.int(20, 600) * 60_000, end - 1)
      const task = own.length > 0 ? rng.pick(own) : rng.pick(tasks)
      sessions.push({
        id: `ses_${rng.hex(16)}`,
        agentId: agent.id,
        title: task.title,
        startedMs,
        endedMs,
        model: agent.model,
        summary: open ? null : paragraph(rng, 2, 4),
        files: filePaths(rng, rng.int(1, 6)),
      })
    }
  }
  return sessions.sort((a, b) => a.startedMs - b.startedMs)
}

export function sessionRows(rng: Rng, sessions: SessionInfo[]): Row[] {
  return sessions.map((session) => ({
    session_id: session.id,
    agent_id: session.agentId,
    title: session.title,
    status:
      session.endedMs === null
        ? 'active'
        : session.endedMs < BASE_TIME_MS + SPAN_MS / 3
          ? 'archived'
          : 'closed',
    token_count: rng.int(2_000, 180_000),
    started_at: isoAt(session.startedMs),
    ended_at: session.endedMs === null ? null : isoAt(session.endedMs),
    summary: session.summary,
    metadata: JSON.stringify({
      model: session.model,
      compactions: rng.int(0, 4),
      files_touched: session.files,
    }),
  }))
}

/** Grows the entry list until the JSON passes `targetBytes`, so big ones are big for sure. */
function snapshotContent(
  rng: Rng,
  session: SessionInfo,
  kind: string,
  createdMs: number,
  targetBytes: number,
  tasks: TaskInfo[],
): string {
  const entries: Record<string, unknown>[] = []
  let size = 400
  while (size < targetBytes) {
    const entryKind = pickEntryKind(rng)
    const entry = {
      id: `m${entries.length + 1}`,
      kind: entryKind,
      text: entryKind === 'decision' ? rng.pick(DECISIONS) : sentence(rng, 8, 30),
      confidence: Math.round(rng.next() * 100) / 100,
      refs: rng.chance(0.5) ? [rng.pick(tasks).id] : [],
    }
    entries.push(entry)
    size += JSON.stringify(entry).length + 1
  }
  return JSON.stringify({
    version: 2,
    session_id: session.id,
    agent_id: session.agentId,
    kind,
    created_at: isoAt(createdMs),
    token_estimate: Math.round(size / 4),
    entries,
    working_set: { files: session.files, open_tasks: [rng.pick(tasks).id, rng.pick(tasks).id] },
  })
}

export function snapshotRows(rng: Rng, sessions: SessionInfo[], tasks: TaskInfo[]): Row[] {
  const plans: { session: SessionInfo; createdMs: number; kind: string }[] = []
  for (const session of sessions) {
    const n = rng.int(2, 4)
    const until = session.endedMs ?? session.startedMs + 8 * HOUR_MS
    for (let k = 0; k < n; k++) {
      const createdMs = session.startedMs + ((k + 1) * (until - session.startedMs)) / (n + 1)
      plans.push({
        session,
        createdMs,
        kind: k === n - 1 ? 'summary' : rng.pick(['working', 'long_term']),
      })
    }
  }
  plans.sort((a, b) => a.createdMs - b.createdMs)
  const large = new Set(rng.shuffle([...plans.keys()]).slice(0, rng.int(5, 10)))
  return plans.map((plan, i) => {
    const target = large.has(i) ? rng.int(70_000, 240_000) : rng.int(400, 6_000)
    const content = snapshotContent(rng, plan.session, plan.kind, plan.createdMs, target, tasks)
    return {
      session_id: plan.session.id,
      snapshot_type: plan.kind,
      content,
      content_size: content.length,
      checksum: createHash('sha256').update(content).digest('hex'),
      is_pinned: rng.chance(0.1) ? 1 : 0,
      created_at: isoAt(plan.createdMs),
    }
  })
}
