// An agent using Ferry's agent store. Run it from the repository (or from a project that has
// Ferry installed, e.g. `npm install /path/to/ferry`):
//
//   node --import tsx examples/agent-store-example.ts <workspace> [agent-id] [postgres-url]
//
// The workspace must have .claude/memory.db (p2.validate); with a URL, agent_memory too (p3.migrate).
// The agent's backend is whatever its flag says (Agents screen, or agents.setBackend).
import { forAgent, type AgentStore } from 'ferry/agent-store'

async function work(store: AgentStore): Promise<void> {
  await store.ensureAgent('pm') // the agents row (agent_type must be one your data allows)
  const { sessionId } = await store.openSession({ title: 'example run', metadata: { model: 'example' } })
  await store.recordEvent({ type: 'example.started', payload: { pid: process.pid } })

  const { taskId } = await store.createTask({ title: 'Say hello', priority: 2 })
  await store.sendMessage({ to: store.agentId, type: 'note', subject: 'hello', body: 'Hello from the example' })
  for (const m of await store.readMessages({ unreadOnly: true, limit: 5 })) {
    console.log(`message ${m.messageId} from ${m.from}: ${m.body}`)
    await store.markRead(m.messageId)
  }
  await store.updateTask(taskId, { status: 'completed', completedAt: new Date().toISOString() })

  const { snapshotId } = await store.saveSnapshot({ sessionId, type: 'full', content: JSON.stringify({ step: 'done' }) })
  const snap = await store.loadSnapshot(snapshotId)
  console.log(`snapshot ${snapshotId} (${snap?.location}, exact=${snap?.exact}): ${String(snap?.content)}`)

  await store.setConfig('example.last_run', new Date().toISOString())
  console.log(`config example.last_run = ${await store.getConfig('example.last_run')}`)
  await store.closeSession(sessionId, { summary: 'example finished', tokenCount: 42 })
  console.log('stats', store.stats())
}

async function main(): Promise<void> {
  const [workspace, agentId = 'pm-01', postgresUrl] = process.argv.slice(2)
  if (!workspace) {
    console.error('usage: node --import tsx examples/agent-store-example.ts <workspace> [agent-id] [postgres-url]')
    process.exit(2)
  }
  const { backend, store, flag } = await forAgent(agentId, {
    workspace,
    postgresUrl,
    onDivergence: (d) => console.warn(`dual-write divergence in ${d.op}: ${d.detail}`),
  })
  console.log(`${agentId} uses ${backend} (flag from ${flag.source})`)
  if (!store) {
    console.log('This agent is still on its files; switch it in Ferry first.')
    return
  }
  try {
    await work(store)
  } finally {
    await store.close()
  }
}

await main()
