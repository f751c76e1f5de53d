// One contract suite, two transports: the in-process dispatcher and the real WebSocket host.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient, type FerryClient } from '../../shared/contract/client'
import type { FerryError } from '../../shared/contract/envelope'
import type { StepState } from '../../shared/contract/types'
import { createBackend, type Backend } from '../../electron/core/backend'
import { startHost, type Host } from '../../electron/host/server'
import { tempDir } from '../support/paths'
import { createQuirkyDb } from '../support/quirky-db'
import { connectWsBridge } from '../support/ws-bridge'

type Transport = { name: string; connect(backend: Backend): Promise<{ client: FerryClient; close(): Promise<void> }> }

const transports: Transport[] = [
  {
    name: 'in-process dispatcher',
    async connect(backend) {
      const client = createClient({ invoke: (m, i) => backend.dispatch(m, i), subscribe: (l) => backend.onEvent(l) })
      return { client, close: async () => undefined }
    },
  },
  {
    name: 'WebSocket host',
    async connect(backend) {
      const host: Host = await startHost({ backend, staticDir: '/nonexistent' })
      const bridge = await connectWsBridge(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`)
      return {
        client: createClient(bridge),
        close: async () => {
          bridge.close()
          await host.close()
        },
      }
    },
  },
]

describe.each(transports)('the contract over the $name', (transport) => {
  let backend: Backend
  let client: FerryClient
  let close: () => Promise<void>
  const t = tempDir()
  const ws = join(t.dir, 'ws')

  beforeAll(async () => {
    mkdirSync(join(ws, '.claude'), { recursive: true })
    createQuirkyDb(join(ws, '.claude', 'state.db'))
    backend = await createBackend({ appDataDir: join(t.dir, 'app'), version: '9.9.9', rememberWorkspace: false })
    ;({ client, close } = await transport.connect(backend))
  })
  afterAll(async () => {
    await close()
    await backend.close()
    t.cleanup()
  })

  it('answers app.info with no workspace open', async () => {
    const info = await client.invoke('app.info', {})
    expect(info.version).toBe('9.9.9')
    expect(info.workspace).toBeNull()
  })

  it('lists the 20 steps, all pending, before a workspace is open', async () => {
    const plan = await client.invoke('plan.get', {})
    expect(plan.workspace).toBeNull()
    const steps = plan.phases.flatMap((p) => p.steps)
    expect(steps).toHaveLength(20)
    expect(new Set(steps.map((s) => s.state.status))).toEqual(new Set(['pending']))
  })

  it('refuses a malformed payload with INVALID_INPUT naming the field', async () => {
    const err = (await client.invoke('workspace.open', { path: 7 } as never).catch((e: unknown) => e)) as FerryError
    expect(err.code).toBe('INVALID_INPUT')
    expect(err.message).toContain('path')
  })

  it('names the missing folder and what to do', async () => {
    const err = (await client.invoke('workspace.open', { path: join(t.dir, 'nope') }).catch((e: unknown) => e)) as FerryError
    expect(err.code).toBe('WORKSPACE_NOT_FOUND')
    expect(err.message).toContain(join(t.dir, 'nope'))
    expect(err.hint).toMatch(/demo-workspace/)
  })

  it('refuses to run a step with no workspace open', async () => {
    const err = (await client.invoke('step.run', { stepId: 'pre.document-schema' }).catch((e: unknown) => e)) as FerryError
    expect(err.code).toBe('NO_WORKSPACE')
  })

  it('opens a workspace and runs pre.document-schema to done, with progress and evidence events', async () => {
    const summary = await client.invoke('workspace.open', { path: join(ws, '.claude') })
    expect(summary.root).toBe(ws)
    expect(summary.source.stateDb.tables).toBe(5)
    const states: StepState[] = []
    let progress = 0
    const offState = client.on('step.state', (s) => states.push(s))
    const offProgress = client.on('step.progress', () => progress++)
    const finished = new Promise<StepState>((res) => {
      const off = client.on('step.state', (s) => {
        if (s.status === 'done' || s.status === 'failed') {
          off()
          res(s)
        }
      })
    })
    const first = await client.invoke('step.run', { stepId: 'pre.document-schema' })
    expect(first.status).toBe('running')
    const final = await finished
    offState()
    offProgress()
    expect(final.error).toBeNull()
    expect(final.status).toBe('done')
    expect(final.evidence).toMatchObject({ tableCount: 5, totalRows: 12 })
    expect(states[0]?.status).toBe('running')
    expect(progress).toBeGreaterThan(0)
    const plan = await client.invoke('plan.get', {})
    const step = plan.phases[0]!.steps.find((s) => s.id === 'pre.document-schema')!
    expect(step.state.status).toBe('done')
  })
})
