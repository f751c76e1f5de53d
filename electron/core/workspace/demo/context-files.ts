// .claude/context as agents leave it: Markdown notes with YAML front matter per session, JSON
// session dumps, a folder per agent (including one for an agent that no longer exists) and a few
// notes nobody gave front matter to.
import type { FileEntry } from './files'
import { type Rng, createRng } from './rng'
import { BASE_TIME_MS, DAY_MS, dateAt, isoAt } from './time'
import type { CoreData, SessionInfo } from './types'
import { COMPONENTS, DECISIONS, paragraph, sentence, slugify } from './vocabulary'

function frontMatter(fields: Record<string, string | string[]>): string {
  const lines = Object.entries(fields).map(([key, value]) =>
    Array.isArray(value) ? `${key}: [${value.join(', ')}]` : `${key}: ${value}`,
  )
  return `---\n${lines.join('\n')}\n---\n\n`
}

function sessionNote(rng: Rng, session: SessionInfo): string {
  const decisions = rng.shuffle(DECISIONS).slice(0, rng.int(1, 3))
  const steps: string[] = []
  for (let i = rng.int(2, 5); i > 0; i--)
    steps.push(`- [${rng.chance(0.5) ? 'x' : ' '}] ${sentence(rng, 4, 10)}`)
  return (
    frontMatter({
      agent: session.agentId,
      session_id: session.id,
      title: JSON.stringify(session.title),
      created: isoAt(session.startedMs),
      model: session.model,
      tags: [rng.pick(COMPONENTS), 'session'],
    }) +
    `# ${session.title}\n\n## Summary\n\n${session.summary ?? paragraph(rng)}\n\n` +
    `## Decisions\n\n${decisions.map((d) => `- ${d}`).join('\n')}\n\n` +
    `## Files touched\n\n${session.files.map((f) => `- \`${f}\``).join('\n')}\n\n` +
    `## Next steps\n\n${steps.join('\n')}\n`
  )
}

function sessionDump(rng: Rng, session: SessionInfo): string {
  const turns: Record<string, unknown>[] = []
  const until = session.endedMs ?? session.startedMs + 2 * 3_600_000
  const n = rng.int(4, 14)
  for (let i = 0; i < n; i++) {
    const role = i === 0 ? 'user' : rng.pick(['assistant', 'assistant', 'tool', 'user'])
    turns.push({
      role,
      at: isoAt(session.startedMs + (i * (until - session.startedMs)) / n),
      content: role === 'tool' ? `exit 0\n${sentence(rng, 3, 8)}` : paragraph(rng, 1, 3),
    })
  }
  const dump = {
    session_id: session.id,
    agent_id: session.agentId,
    model: session.model,
    started_at: isoAt(session.startedMs),
    ended_at: session.endedMs === null ? null : isoAt(session.endedMs),
    turns,
    files_touched: session.files,
    token_usage: { input: rng.int(5_000, 400_000), output: rng.int(500, 40_000) },
  }
  return JSON.stringify(dump, null, 2) + '\n'
}

export function contextFiles(seed: number, core: CoreData): FileEntry[] {
  const rng = createRng(seed, 'context-files')
  const files: FileEntry[] = []
  const pm = core.roster.agents.find((agent) => agent.type === 'pm')?.id ?? 'pm-01'
  const pmSession = core.sessions.find((session) => session.agentId === pm)
  files.push({
    path: '.claude/context/README.md',
    content:
      '# Shared context\n\nAgents keep their working notes here, one folder per agent. The\n' +
      'orchestrator loads `shared/` at the start of every session.\n\n' +
      'Session files are rewritten on every save: do not edit them by hand.\n',
  })
  files.push({
    path: '.claude/context/shared/architecture.md',
    content:
      frontMatter({
        agent: pm,
        session_id: pmSession?.id ?? 'null',
        title: '"Platform architecture notes"',
        created: isoAt(BASE_TIME_MS + 3_600_000),
      }) +
      `# Platform architecture notes\n\n${paragraph(rng, 3, 6)}\n\n## Services\n\n` +
      COMPONENTS.map((c) => `- **${c}**: ${sentence(rng, 5, 12)}`).join('\n') +
      '\n',
  })
  files.push({
    path: '.claude/context/shared/decisions.md',
    content:
      frontMatter({
        agent: pm,
        session_id: pmSession?.id ?? 'null',
        title: '"Decision log"',
        created: isoAt(BASE_TIME_MS + 2 * 3_600_000),
      }) +
      '# Decision log\n\n' +
      DECISIONS.map((d, i) => `${i + 1}. ${d} (${dateAt(BASE_TIME_MS + i * DAY_MS)})`).join('\n') +
      '\n',
  })
  const used = new Set<string>()
  for (const session of core.sessions) {
    const folder = `.claude/context/${session.agentId}`
    // Two sessions on the same task and day would share a name; agents suffix the later one.
    const base = `${dateAt(session.startedMs)}-${slugify(session.title)}`
    let name = base
    for (let n = 2; used.has(`${folder}/${name}`); n++) name = `${base}-${n}`
    used.add(`${folder}/${name}`)
    files.push({ path: `${folder}/${name}.md`, content: sessionNote(rng, session) })
    if (rng.chance(0.65)) {
      files.push({
        path: `${folder}/sessions/${session.id}.json`,
        content: sessionDump(rng, session),
      })
    }
  }
  for (const agent of core.roster.agents) {
    if (!rng.chance(0.3)) continue
    files.push({
      path: `.claude/context/${agent.id}/scratch.md`,
      content:
        `scratch notes\n\n- ${sentence(rng)}\n- ${sentence(rng)}\n\n` +
        `TODO ${sentence(rng, 3, 7)}\n`,
    })
  }
  const gone = core.roster.deletedAgent.id
  files.push({
    path: `.claude/context/${gone}/${dateAt(BASE_TIME_MS + DAY_MS)}-handoff.md`,
    content:
      frontMatter({
        agent: gone,
        session_id: `ses_${rng.hex(16)}`,
        title: '"Handoff before shutdown"',
        created: isoAt(BASE_TIME_MS + DAY_MS + 5_400_000),
      }) + `# Handoff before shutdown\n\n${paragraph(rng, 2, 4)}\n`,
  })
  return files
}
