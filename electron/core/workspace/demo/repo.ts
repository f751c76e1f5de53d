// What the agents did to the shared repository: periodic git_state samples per worktree and the
// pull requests they opened.
import type { Rng } from './rng'
import { BASE_TIME_MS, HOUR_MS, SPAN_MS, isoAt } from './time'
import type { AgentInfo, Roster, Row } from './types'
import { COMPONENTS, slugify, taskTitle } from './vocabulary'

const REPOSITORY = 'acme/platform'

function byTime(rows: Row[], column: string): Row[] {
  return rows.sort((a, b) => String(a[column]).localeCompare(String(b[column])))
}

export function gitStateRows(rng: Rng, roster: Roster): Row[] {
  const rows: Row[] = []
  const end = BASE_TIME_MS + SPAN_MS
  for (const agent of roster.agents) {
    if (!agent.branch) continue
    let baseCommit = rng.hex(40)
    let ahead = 0
    for (let t = agent.createdMs + rng.int(1, 4) * HOUR_MS; t < end;) {
      if (rng.chance(0.2)) {
        baseCommit = rng.hex(40)
        ahead = 0
      } else {
        ahead += rng.int(0, 4)
      }
      const dirty = rng.chance(0.35)
      rows.push({
        agent_id: agent.id,
        repository: REPOSITORY,
        branch_name: agent.branch,
        head_commit: rng.hex(40),
        base_commit: rng.chance(0.05) ? null : baseCommit,
        ahead_by: ahead,
        behind_by: rng.int(0, 12),
        is_dirty: dirty ? 1 : 0,
        uncommitted_files: dirty ? rng.int(1, 14) : 0,
        recorded_at: isoAt(t),
      })
      t += rng.int(6, 18) * HOUR_MS + rng.int(0, 3599) * 1000
    }
  }
  return byTime(rows, 'recorded_at')
}

export function pullRequestRows(rng: Rng, roster: Roster): Row[] {
  const authors: AgentInfo[] = roster.agents.filter((agent) => agent.branch !== null)
  const count = rng.int(45, 70)
  const starts: number[] = []
  for (let i = 0; i < count; i++)
    starts.push(BASE_TIME_MS + 6 * HOUR_MS + rng.next() * (SPAN_MS - 12 * HOUR_MS))
  starts.sort((a, b) => a - b)
  return starts.map((createdMs, i) => {
    const author = rng.pick(authors)
    const number = 1204 + i
    const roll = rng.next()
    const status = roll < 0.55 ? 'merged' : roll < 0.8 ? 'open' : 'closed'
    const title = taskTitle(rng)
    const mergedMs = createdMs + rng.int(1, 72) * HOUR_MS
    return {
      number,
      author_agent: author.id,
      title,
      branch_name: `agent/${author.id}/${slugify(title)}`,
      base_branch: rng.chance(0.9) ? 'main' : 'release/2026.10',
      status,
      is_draft: status === 'open' && rng.chance(0.35) ? 1 : 0,
      additions: rng.int(3, 1800),
      deletions: rng.int(0, 900),
      labels: rng.chance(0.3)
        ? null
        : JSON.stringify([rng.pick(COMPONENTS), `agent:${author.type}`]),
      url: `https://github.com/${REPOSITORY}/pull/${number}`,
      created_at: isoAt(createdMs),
      merged_at: status === 'merged' ? isoAt(Math.min(mergedMs, BASE_TIME_MS + SPAN_MS - 1)) : null,
    }
  })
}
