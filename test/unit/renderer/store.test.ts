import { describe, expect, it } from 'vitest'
import { FerryError } from '../../../shared/contract/envelope'
import { findStep } from '../../../renderer/src/store/selectors'
import { createFerryStore } from '../../../renderer/src/store/store'
import { LOG_LIMIT } from '../../../renderer/src/store/slices/log-slice'
import {
  TARGET,
  WORKSPACE,
  backendPlan,
  createFakeClient,
  flush,
  openWorkspaceClient,
  stepState,
} from './fake-client'

const DOC = 'pre.document-schema'

async function startedStore(client = openWorkspaceClient()) {
  const store = createFerryStore(client)
  const stop = store.getState().start()
  await flush()
  return { store, client, stop }
}

const stateOf = (store: ReturnType<typeof createFerryStore>, id: string) =>
  findStep(store.getState().plan, id)?.step.state

describe('renderer store', () => {
  it('shows the twenty checklist steps before the backend has answered', () => {
    const store = createFerryStore(createFakeClient())
    const s = store.getState()
    expect(s.planSource).toBe('static')
    expect(s.plan.phases).toHaveLength(5)
    expect(s.plan.phases.flatMap((p) => p.steps)).toHaveLength(20)
  })

  it('loads app info, plan and target on start when a workspace is open', async () => {
    const { store, client } = await startedStore()
    const s = store.getState()
    expect(s.appInfo).toEqual({ version: '0.1.0', demoDefaultPath: '/home/me/ferry-demo' })
    expect(s.workspace?.root).toBe('/tmp/demo')
    expect(s.planSource).toBe('backend')
    expect(s.target).toEqual(TARGET)
    expect(client.calls.map((c) => c.method).sort()).toEqual([
      'app.info',
      'plan.get',
      'target.status',
    ])
  })

  it('asks only app.info when no workspace is open, keeping the static plan', async () => {
    const client = createFakeClient()
    client.handle('app.info', { version: '0.1.0', workspace: null, demoDefaultPath: '/d' })
    const { store } = await startedStore(client)
    expect(client.calls.map((c) => c.method)).toEqual(['app.info'])
    expect(store.getState().planSource).toBe('static')
    expect(store.getState().initError).toBeNull()
  })

  it('replaces a step state from a step.state event', async () => {
    const { store, client } = await startedStore()
    const done = stepState(DOC, { status: 'done', runId: 'r1', evidence: { tableCount: 13 } })
    client.emit('step.state', done)
    expect(stateOf(store, DOC)).toEqual(done)
  })

  it('keeps live progress while running and drops it when the step finishes', async () => {
    const { store, client } = await startedStore()
    client.emit('step.state', stepState(DOC, { status: 'running', runId: 'r1' }))
    const progress = { done: 5, total: 13, unit: 'tables', rate: 10, etaSeconds: 1 }
    client.emit('step.progress', { stepId: DOC, runId: 'r1', progress })
    expect(store.getState().progress[DOC]).toEqual({ runId: 'r1', progress })
    client.emit('step.state', stepState(DOC, { status: 'done', runId: 'r1' }))
    expect(store.getState().progress[DOC]).toBeUndefined()
    client.emit('step.progress', { stepId: DOC, runId: 'r1', progress })
    expect(store.getState().progress[DOC]).toBeUndefined()
  })

  it('does not let a late step.run reply take a finished run back to running', async () => {
    const client = openWorkspaceClient()
    let release: () => void = () => {}
    const gate = new Promise<void>((r) => (release = r))
    client.handle('step.run', async () => {
      await gate
      return stepState(DOC, { status: 'running', runId: 'r1' })
    })
    const { store } = await startedStore(client)
    const running = store.getState().runStep(DOC)
    expect(store.getState().stepBusy[DOC]).toBe('run')
    client.emit(
      'step.state',
      stepState(DOC, { status: 'done', runId: 'r1', evidence: { tableCount: 13 } }),
    )
    release()
    await running
    expect(stateOf(store, DOC)?.status).toBe('done')
    expect(store.getState().stepBusy[DOC]).toBeUndefined()
  })

  it('re-reads only the warnings when a step ends: the backend names a missing backup, the state stays the event’s', async () => {
    const client = openWorkspaceClient()
    const { store } = await startedStore(client)
    const warned = backendPlan()
    const backup = warned.phases[0]!.steps.find((s) => s.id === 'pre.backup')!
    backup.warning = 'The backup this step took (b1) is no longer in .ferry/backups/'
    client.handle('plan.get', warned)
    client.emit('step.state', stepState(DOC, { status: 'done', runId: 'r1' }))
    await flush()
    expect(findStep(store.getState().plan, 'pre.backup')?.step.warning).toBe(backup.warning)
    // The fetched plan still has DOC pending; the event's "done" is kept.
    expect(stateOf(store, DOC)?.status).toBe('done')
    // A step still running does not trigger it.
    client.handle('plan.get', backendPlan())
    client.emit('step.state', stepState(DOC, { status: 'running', runId: 'r2' }))
    await flush()
    expect(findStep(store.getState().plan, 'pre.backup')?.step.warning).toBe(backup.warning)
  })

  it('undoes a step through step.undo and takes the returned state', async () => {
    const client = openWorkspaceClient()
    client.handle('step.undo', stepState('p1.fk-indexes', { status: 'pending', runId: 'u1' }))
    const { store } = await startedStore(client)
    client.emit('step.state', stepState('p1.fk-indexes', { status: 'done', runId: 'r1' }))
    await store.getState().undoStep('p1.fk-indexes')
    expect(client.calls.at(-1)).toEqual({ method: 'step.undo', input: { stepId: 'p1.fk-indexes' } })
    expect(stateOf(store, 'p1.fk-indexes')?.status).toBe('pending')
  })

  it('records a failed step.run as that step’s error, with code and hint', async () => {
    const client = openWorkspaceClient()
    client.fail(
      'step.run',
      new FerryError('NOT_AVAILABLE', 'Step not built yet', 'Wait for Phase 1'),
    )
    const { store } = await startedStore(client)
    await store.getState().runStep('p1.fk-indexes')
    expect(store.getState().stepErrors['p1.fk-indexes']).toEqual({
      code: 'NOT_AVAILABLE',
      message: 'Step not built yet',
      hint: 'Wait for Phase 1',
    })
  })

  it('refuses to run a step without a workspace, saying what to do', async () => {
    const client = createFakeClient()
    client.handle('app.info', { version: '0.1.0', workspace: null, demoDefaultPath: '/d' })
    const { store } = await startedStore(client)
    await store.getState().runStep(DOC)
    expect(store.getState().stepErrors[DOC]?.code).toBe('NO_WORKSPACE')
    expect(client.calls.some((c) => c.method === 'step.run')).toBe(false)
  })

  it('creates the demo workspace, then reads plan and target', async () => {
    const client = createFakeClient()
    client.handle('app.info', { version: '0.1.0', workspace: null, demoDefaultPath: '/d' })
    client.handle('workspace.createDemo', WORKSPACE)
    client.handle('plan.get', { workspace: WORKSPACE.root, phases: [] })
    client.handle('target.status', TARGET)
    const { store } = await startedStore(client)
    expect(await store.getState().createDemo(' /tmp/demo ', 2000)).toBe(true)
    await flush()
    expect(client.calls.find((c) => c.method === 'workspace.createDemo')?.input).toEqual({
      path: '/tmp/demo',
      events: 2000,
    })
    expect(store.getState().workspace).toEqual(WORKSPACE)
    expect(store.getState().planSource).toBe('backend')
    expect(store.getState().target).toEqual(TARGET)
  })

  it('keeps the error and hint when a workspace cannot be opened', async () => {
    const client = createFakeClient()
    client.handle('app.info', { version: '0.1.0', workspace: null, demoDefaultPath: '/d' })
    client.fail(
      'workspace.open',
      new FerryError(
        'NOT_A_WORKSPACE',
        'No .claude folder in /x',
        'Pick the folder that holds .claude/',
      ),
    )
    const { store } = await startedStore(client)
    expect(await store.getState().openWorkspace('/x')).toBe(false)
    expect(store.getState().workspaceError).toMatchObject({
      code: 'NOT_A_WORKSPACE',
      hint: 'Pick the folder that holds .claude/',
    })
    expect(store.getState().workspaceBusy).toBeNull()
  })

  it('refetches the plan when workspace.changed arrives', async () => {
    const { store, client } = await startedStore()
    store.getState().selectStep(DOC)
    const before = client.calls.filter((c) => c.method === 'plan.get').length
    client.emit('workspace.changed', { ...WORKSPACE, root: '/tmp/other' })
    await flush()
    expect(client.calls.filter((c) => c.method === 'plan.get').length).toBe(before + 1)
    expect(store.getState().workspace?.root).toBe('/tmp/other')
    expect(store.getState().selectedStepId).toBeNull()
  })

  it('applies target.state events and configures before connecting to a URL', async () => {
    const { store, client } = await startedStore()
    client.emit('target.state', { ...TARGET, state: 'starting' })
    expect(store.getState().target?.state).toBe('starting')
    client.handle('target.configure', { ...TARGET, kind: 'url', display: 'postgres://u:***@h/db' })
    client.handle('target.connect', {
      ...TARGET,
      kind: 'url',
      display: 'postgres://u:***@h/db',
      state: 'connected',
      serverVersion: '15.4',
    })
    expect(await store.getState().connectTarget({ kind: 'url', url: 'postgres://u:pw@h/db' })).toBe(
      true,
    )
    expect(client.calls.slice(-2).map((c) => c.method)).toEqual([
      'target.configure',
      'target.connect',
    ])
    expect(store.getState().target?.serverVersion).toBe('15.4')
  })

  it('keeps the newest log lines only', async () => {
    const { store, client } = await startedStore()
    for (let i = 0; i < LOG_LIMIT + 5; i++)
      client.emit('log', { at: '2025-01-01T00:00:00Z', level: 'info', message: `line ${i}` })
    const log = store.getState().log
    expect(log).toHaveLength(LOG_LIMIT)
    expect(log.at(-1)?.message).toBe(`line ${LOG_LIMIT + 4}`)
  })

  it('re-reads everything when the connection comes back', async () => {
    const { store, client } = await startedStore()
    store.getState().setConnection({
      kind: 'reconnecting',
      attempt: 1,
      retryAt: 0,
      reason: 'the connection closed',
    })
    const before = client.calls.filter((c) => c.method === 'app.info').length
    store.getState().setConnection({ kind: 'open' })
    await flush()
    expect(client.calls.filter((c) => c.method === 'app.info').length).toBe(before + 1)
  })

  it('stops listening when stopped', async () => {
    const { client, stop } = await startedStore()
    expect(client.listenerCount()).toBe(6)
    stop()
    expect(client.listenerCount()).toBe(0)
  })
})
