// Everything in state.db except the events table, built in memory first (a few MB at most) so
// the row counts are known before writing and progress can be reported honestly.
import { messageRows, metricRows } from './messages'
import { buildSessions, sessionRows, snapshotRows } from './memory'
import { gitStateRows, pullRequestRows } from './repo'
import { createRng } from './rng'
import { agentRows, buildRoster, buildSecrets, configurationRows } from './roster'
import type { CoreData } from './types'
import { checkpointRows, pickProjects, projectRows, taskRows } from './work'

export function buildCoreData(seed: number): CoreData {
  const rng = (label: string) => createRng(seed, label)
  const roster = buildRoster(rng('roster'))
  const secrets = buildSecrets(rng('secrets'))
  const projects = pickProjects(rng('projects'))
  const plan = taskRows(rng('tasks'), roster, projects)
  const sessions = buildSessions(rng('sessions'), roster, plan.tasks)
  return {
    roster,
    secrets,
    projects,
    tasks: plan.tasks,
    sessions,
    rows: {
      agents: agentRows(rng('agents'), roster),
      projects: projectRows(rng('project-rows'), projects),
      tasks: plan.rows,
      project_tasks: plan.projectTaskRows,
      checkpoints: checkpointRows(rng('checkpoints'), projects, plan.tasks),
      agent_messages: messageRows(rng('messages'), roster, plan.tasks),
      context_sessions: sessionRows(rng('session-rows'), sessions),
      memory_snapshots: snapshotRows(rng('snapshots'), sessions, plan.tasks),
      performance_metrics: metricRows(rng('metrics'), roster, plan.tasks),
      git_state: gitStateRows(rng('git'), roster),
      pull_requests: pullRequestRows(rng('pull-requests'), roster),
      configurations: configurationRows(rng('configurations'), roster, secrets),
    },
  }
}
