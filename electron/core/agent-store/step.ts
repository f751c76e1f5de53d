// p4.agent-code: makes the agent store ready for this workspace — the idempotency ledger in
// memory.db and in agent_memory, a round trip of every operation by a probe agent in a copy of
// memory.db (the user's rows are not touched) — and records each agent's current flag. Agents
// then switch one at a time from the Agents screen (agents.setBackend).
import { existsSync, rmSync } from 'node:fs'
import path from 'node:path'
import { FerryError } from '../../../shared/contract/envelope'
import { memoryDbPath } from '../import/memory-db'
import type { JobContext } from '../jobs/job'
import { redactUrl } from '../postgres/redact'
import type { WorkspacePaths } from '../workspace/resolve'
import { copyMemoryDb, existingAgentType } from '../concurrency/sandbox'
import { listAgents } from './agents'
import { checkStoreSchemaOf } from './schema'
import { openPgStore, openSqliteStore } from './index'
import type { AgentStore } from './types'

/** Every operation once, checked against what was written. Throws naming the operation. */
async function roundTrip(store: AgentStore, agentType: string): Promise<string[]> {
  const checked: string[] = []
  const expect = (op: string, ok: boolean): void => {
    if (!ok) throw new FerryError('AGENT_STORE_SELF_TEST', `The agent store's ${op} did not read back what it wrote (${store.backend})`, 'Report this with the step log.')
    checked.push(op)
  }
  await store.ensureAgent(agentType)
  const { eventId } = await store.recordEvent({ type: 'ferry.self_test', payload: { ok: true } })
  expect('recordEvent', (await store.readEvents({ type: 'ferry.self_test', limit: 1 }))[0]?.eventId === eventId)
  const { messageId } = await store.sendMessage({ to: store.agentId, type: 'ferry.self_test', body: 'ping' })
  expect('sendMessage', (await store.readMessages({ unreadOnly: true })).some((m) => m.messageId === messageId))
  const { taskId } = await store.createTask({ title: 'self test' })
  await store.updateTask(taskId, { status: 'completed' })
  expect('createTask/updateTask', (await store.getTask(taskId))?.status === 'completed')
  const { sessionId } = await store.openSession({ title: 'self test' })
  const { snapshotId } = await store.saveSnapshot({ sessionId, type: 'full', content: '{"ok": true}' })
  expect('saveSnapshot/loadSnapshot', (await store.loadSnapshot(snapshotId))?.content === '{"ok": true}')
  await store.closeSession(sessionId, { summary: 'ok' })
  expect('openSession/closeSession', (await store.getSession(sessionId))?.status === 'closed')
  await store.setConfig('ferry.self_test', 'ok')
  expect('setConfig/getConfig', (await store.getConfig('ferry.self_test')) === 'ok')
  return checked
}

export async function agentCodeStep(paths: WorkspacePaths, url: string, ctx: JobContext): Promise<Record<string, unknown>> {
  const source = memoryDbPath(paths)
  if (!existsSync(source)) {
    throw new FerryError('NO_MEMORY_DB', `There is no ${path.relative(paths.root, source)} yet`, 'Run "Validate data integrity" (p2.validate) first.')
  }
  ctx.progress(0, 3, 'checks', 'self test on a copy of memory.db')
  const copy = path.join(paths.ferryDir, 'p4-agent-code', 'memory-copy.db')
  await copyMemoryDb(source, copy)
  let sqliteChecks: string[]
  try {
    // Every table and column the store needs, named at once (the copy has memory.db's shape).
    await checkStoreSchemaOf(copy, path.relative(paths.root, source))
    const s = await openSqliteStore('ferry-self-test', { file: copy, claudeDir: paths.claudeDir })
    try {
      sqliteChecks = await roundTrip(s, existingAgentType(copy))
    } finally {
      await s.close()
    }
  } finally {
    for (const f of [copy, `${copy}-wal`, `${copy}-shm`]) rmSync(f, { force: true })
  }
  ctx.progress(1, 3, 'checks', 'installing the write ledger')
  // Opening a store installs its ledger table (ferry_agent_writes) when missing; nothing else is written.
  await (await openSqliteStore('ferry-install', { file: source })).close()
  await (await openPgStore('ferry-install', { url, poolMax: 1 })).close()
  ctx.progress(2, 3, 'checks', 'reading agent flags')
  const agents = await listAgents({ workspace: paths.root, postgresUrl: url })
  const byBackend: Record<string, number> = {}
  for (const a of agents) byBackend[a.backend] = (byBackend[a.backend] ?? 0) + 1
  ctx.progress(3, 3, 'checks', 'done')
  return {
    library: 'ferry/agent-store',
    import: "import { forAgent } from 'ferry/agent-store'",
    example: 'examples/agent-store-example.ts',
    target: redactUrl(url),
    selfTest: { backend: 'sqlite (copy of memory.db)', operations: sqliteChecks },
    ledger: { sqlite: path.relative(paths.root, source), postgres: 'agent_memory.ferry_agent_writes' },
    agents: agents.length,
    byBackend,
    flags: agents.map((a) => ({ agentId: a.agentId, backend: a.backend, source: a.flagSource, lastActivity: a.lastActivity })),
  }
}
