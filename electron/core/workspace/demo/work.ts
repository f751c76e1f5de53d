// Projects and the task tree the pm agents broke them into. A few tasks still point at the agent
// that was removed, and one project_tasks row at a task that was deleted: the orphans a system
// without enforced foreign keys accumulates. One task's payload a crashed writer cut off
// mid-object: the demo's one malformed JSON value, so tasks.payload stays text in PostgreSQL.
import { type Rng, weightedPicker } from './rng'
import { BASE_TIME_MS, DAY_MS, HOUR_MS, SPAN_MS, dateAt, isoAt } from './time'
import type { AgentInfo, Roster, Row, TaskInfo } from './types'
import { COMPONENTS, DECISIONS, PROJECTS, paragraph, sentence, taskTitle } from './vocabulary'

export interface ProjectInfo {
  id: string
  name: string
  description: string
}

const pickSettledStatus = weightedPicker([
  ['completed', 70],
  ['failed', 8],
  ['cancelled', 5],
  ['in_progress', 10],
  ['blocked', 7],
] as const)

const pickRecentStatus = weightedPicker([
  ['pending', 40],
  ['in_progress', 45],
  ['blocked', 15],
] as const)

export function pickProjects(rng: Rng): ProjectInfo[] {
  const count = rng.int(4, PROJECTS.length)
  return PROJECTS.slice(0, count).map(([id, name, description]) => ({ id, name, description }))
}

export function projectRows(rng: Rng, projects: ProjectInfo[]): Row[] {
  return projects.map((project, i) => ({
    project_id: project.id,
    name: project.name,
    description: rng.chance(0.15) ? null : project.description,
    status: i === projects.length - 1 ? 'paused' : 'active',
    repository_url: 'https://github.com/acme/platform',
    settings: JSON.stringify({
      default_branch: 'main',
      required_checks: ['lint', 'unit', rng.chance(0.5) ? 'e2e' : 'integration'],
      auto_merge: rng.chance(0.4),
    }),
    created_at: isoAt(BASE_TIME_MS - (10 - i) * DAY_MS),
    updated_at: isoAt(BASE_TIME_MS + SPAN_MS - rng.int(1, 72) * HOUR_MS),
  }))
}

export interface TaskPlan {
  rows: Row[]
  tasks: TaskInfo[]
  projectTaskRows: Row[]
}

export function taskRows(rng: Rng, roster: Roster, projects: ProjectInfo[]): TaskPlan {
  const pms = roster.agents.filter((agent) => agent.type === 'pm')
  const workers = roster.agents.filter((agent) => agent.type !== 'pm')
  const count = rng.int(420, 560)
  const start = BASE_TIME_MS + HOUR_MS
  const window = SPAN_MS - 3 * HOUR_MS
  const end = BASE_TIME_MS + SPAN_MS
  // The removed agent worked only in the first days, and left these tasks in progress forever.
  const orphanSlots = new Set(rng.shuffle([...Array(Math.floor(count * 0.1)).keys()]).slice(0, 3))
  const rows: Row[] = []
  const tasks: TaskInfo[] = []
  const epics: TaskInfo[] = []
  const projectTaskRows: Row[] = []
  const positions = new Map<string, number>()
  for (let i = 0; i < count; i++) {
    const createdMs = start + ((i + rng.next()) * window) / count
    const id = i + 1
    const isEpic = i < 6 || rng.chance(0.1)
    const parent = !isEpic && epics.length > 0 && rng.chance(0.45) ? rng.pick(epics) : null
    const agent: AgentInfo | null = isEpic
      ? rng.pick(pms)
      : rng.chance(0.04)
        ? null
        : rng.pick(workers)
    let agentId = agent?.id ?? null
    let status = end - createdMs < SPAN_MS * 0.15 ? pickRecentStatus(rng) : pickSettledStatus(rng)
    if (agentId === null) status = 'pending'
    if (orphanSlots.has(i)) {
      agentId = roster.deletedAgent.id
      status = 'in_progress'
    }
    const title = taskTitle(rng)
    const project = rng.pick(projects)
    const updatedMs = Math.min(createdMs + rng.int(5, 60 * 48) * 60_000, end - 1)
    const finished = status === 'completed' || status === 'failed' || status === 'cancelled'
    rows.push({
      task_id: id,
      agent_id: agentId,
      parent_task_id: parent?.id ?? null,
      title,
      description: rng.chance(0.3) ? null : paragraph(rng, 1, 4),
      status,
      priority: isEpic ? rng.int(1, 2) : rng.int(1, 5),
      payload: rng.chance(0.15)
        ? null
        : JSON.stringify({
            project: project.id,
            component: rng.pick(COMPONENTS),
            estimate_points: rng.pick([1, 2, 3, 5, 8, 13]),
            labels: isEpic ? ['epic'] : [],
            acceptance_criteria: [sentence(rng, 5, 10), sentence(rng, 5, 10)],
            created_by: rng.pick(pms).id,
          }),
      created_at: isoAt(createdMs),
      updated_at: isoAt(updatedMs),
      completed_at: finished ? isoAt(updatedMs) : null,
    })
    const info: TaskInfo = { id, title, agentId, status, createdMs }
    tasks.push(info)
    if (isEpic) epics.push(info)
    if (rng.chance(0.8)) {
      const position = (positions.get(project.id) ?? 0) + 1
      positions.set(project.id, position)
      projectTaskRows.push({
        project_id: project.id,
        task_id: id,
        position,
        added_at: isoAt(createdMs + rng.int(0, 600) * 1000),
      })
    }
  }
  // A task that was deleted by hand; its project link stayed behind.
  const ghost = projectTaskRows[Math.floor(projectTaskRows.length / 3)]
  if (ghost) {
    projectTaskRows.push({ ...ghost, task_id: count + 17, position: Number(ghost.position) + 1000 })
  }
  truncatePayload(rows)
  return { rows, tasks, projectTaskRows }
}

/**
 * The orchestrator crashed while rewriting the last failed task, leaving its payload cut off
 * before the acceptance criteria: a JSON object with no end. Chosen from the rows, without
 * drawing from the rng, so every other value of the demo stays as it was for a seed.
 */
function truncatePayload(rows: Row[]): void {
  const withPayload = rows.filter((row) => typeof row.payload === 'string')
  const victim =
    [...withPayload].reverse().find((row) => row.status === 'failed') ??
    withPayload[withPayload.length - 1]
  if (!victim) return
  const text = String(victim.payload)
  victim.payload = text.slice(0, text.indexOf('"acceptance_criteria"'))
}

export function checkpointRows(rng: Rng, projects: ProjectInfo[], tasks: TaskInfo[]): Row[] {
  const rows: Row[] = []
  for (const project of projects) {
    const n = rng.int(5, 10)
    for (let k = 0; k < n; k++) {
      const createdMs = BASE_TIME_MS + ((k + rng.next()) * SPAN_MS) / n
      const automatic = rng.chance(0.6)
      const done = tasks.filter((task) => task.createdMs < createdMs && task.status === 'completed')
      rows.push({
        project_id: project.id,
        name: automatic
          ? `auto-${dateAt(createdMs)}`
          : `Milestone ${k + 1}: ${rng.pick(DECISIONS)}`,
        description: rng.chance(0.4) ? null : sentence(rng),
        state: JSON.stringify({
          tasks_total: tasks.filter((task) => task.createdMs < createdMs).length,
          tasks_done: done.length,
          open_prs: rng.int(0, 9),
          blockers: rng.chance(0.3) ? [sentence(rng, 4, 9)] : [],
        }),
        git_commit: rng.chance(0.1) ? null : rng.hex(40),
        is_automatic: automatic ? 1 : 0,
        created_at: isoAt(createdMs),
      })
    }
  }
  return rows.sort((a, b) => String(a.created_at).localeCompare(String(b.created_at)))
}
