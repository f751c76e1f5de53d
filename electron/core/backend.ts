// The composition root: builds the journal, runner, target and handlers for one process and
// exposes them as a dispatcher plus an event stream. Electron, the WebSocket host and the CLI
// all wrap this, and nothing else.
import { mkdirSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { checkEvent, createDispatcher, type Dispatch, type EmitFn, type Handlers, type RawEventListener } from '../../shared/contract/dispatcher'
import { FerryError } from '../../shared/contract/envelope'
import { findStep } from '../../shared/plan/plan'
import type { Evidence, StepState, WorkspaceSummary } from '../../shared/contract/types'
import { listBackups } from './backup/list'
import { readSchemaProfile } from './steps/document-schema'
import { readInventory } from './inventory/read-report'
import { benchView } from './bench/view'
import { MonitorSampler } from './monitor/sampler'
import { latestReport } from './bench/report'
import { computeMetrics } from '../../shared/metrics/success-metrics'
import { readHistory } from './inspect/history'
import { writeFileAtomic } from './fs/atomic'
import { Journal } from './journal/journal'
import { Inspector } from './inspect/inspector'
import { nodeWorkerLauncher, type WorkerLauncher } from './jobs/launcher'
import { runJob } from './jobs/run-job'
import { MigrationMonitor } from './pgmigrate/migration-monitor'
import { migrationHandlers } from './pgmigrate/migration-api'
import { deltaHandlers } from './pgmigrate/delta-api'
import { optionsHandlers } from './pgmigrate/options-api'
import { agentHandlers } from './agent-store/api'
import { retentionHandlers } from './context-summary/api'
import { serverFacts } from './postgres/facts'
import { TargetManager } from './postgres/target'
import type { CredentialStore } from './postgres/credentials'
import { checkTarget, restoreTarget, saveTarget } from './postgres/target-store'
import { TargetPools } from './postgres/pool'
import { readPoolConfig } from './pgmigrate/pooling-step'
import { planView } from '../../shared/plan/view'
import { StepRunner, computeProgress } from './runner'
import { ensureFerryDir, resolveWorkspace, type WorkspacePaths } from './workspace/resolve'
import { workspaceSummary } from './workspace/summary'

export interface BackendOptions {
  /** Where Ferry keeps per-user state (the last workspace opened). */
  appDataDir: string
  version: string
  /** Open this workspace at start; otherwise the last one opened, if it still exists. */
  workspace?: string
  launcher?: WorkerLauncher
  /** Do not reopen the last workspace (the CLI works only on what -w says). */
  rememberWorkspace?: boolean
  /** Where target passwords are kept (the desktop app: safeStorage); default: env / .pgpass / session memory. */
  credentials?: CredentialStore
  /** Save the chosen target (never its password) in .ferry/target.json and restore it on open (the UI). */
  persistTarget?: boolean
}

export interface Backend {
  dispatch: Dispatch
  onEvent(listener: RawEventListener): () => void
  close(): Promise<void>
  /** The runner of the open workspace, for the CLI's waiting and for tests. */
  runner(): StepRunner | null
}

interface OpenWorkspace {
  paths: WorkspacePaths
  journal: Journal
  runner: StepRunner
}

export async function createBackend(opts: BackendOptions): Promise<Backend> {
  const listeners = new Set<RawEventListener>()
  const launcher = opts.launcher ?? nodeWorkerLauncher()
  const remember = opts.rememberWorkspace ?? true
  const recentFile = join(opts.appDataDir, 'recent.json')
  let ws: OpenWorkspace | null = null

  const emit: EmitFn = (event, payload) => {
    checkEvent(event, payload)
    // The live migration view follows p3.migrate's state in this process (it survives a page reload).
    if (event === 'step.state' && ws) migrationMonitor.onStepState(ws.paths.root, payload as StepState)
    for (const l of listeners) l(event, payload)
  }
  const target = new TargetManager({
    pgDir: () => ws?.paths.pgDir ?? null,
    emit: (status) => emit('target.state', status),
    log: (level, message) => emit('log', { at: new Date().toISOString(), level, message }),
    credentials: opts.credentials,
  })
  // Monitoring (p4.monitor): samples only while the target is connected; never starts a server.
  const sampler = new MonitorSampler({
    target: async () =>
      target.status().state === 'connected'
        ? { url: await target.connectionString() }
        : { idle: 'No PostgreSQL target is connected: connect one in Settings → Connections.' },
  })
  // Table inspector (issue 7): quick bounded reads in this process, its own small pg pool.
  const inspector = new Inspector({
    paths: () => ws?.paths ?? null,
    targetStatus: () => target.status(),
    targetUrl: () => target.connectionString(),
    log: (level, message) => emit('log', { at: new Date().toISOString(), level, message }),
    stepState: (stepId) => ws?.journal.state(stepId) ?? null,
  })

  // p3.pooling: the app's one pool per target, sized by .ferry/p3-pool.json when the step has run.
  const pools = new TargetPools((level, message) => emit('log', { at: new Date().toISOString(), level, message }))

  const migrationMonitor = new MigrationMonitor({ emit: (event, payload) => emit(event, payload) })

  const requireWs = (): OpenWorkspace => {
    if (!ws) throw new FerryError('NO_WORKSPACE', 'No workspace is open', 'Open a folder that contains .claude/, or create the demo workspace.')
    return ws
  }

  const open = async (path: string): Promise<WorkspaceSummary> => {
    const paths = resolveWorkspace(path)
    if (ws?.runner.running) {
      throw new FerryError('BUSY', `A step is running in ${ws.paths.root}`, 'Wait for it to finish or cancel it before switching workspace.')
    }
    if (ws && ws.paths.root !== paths.root) {
      await target.stop()
      ws.journal.close()
      ws = null
    }
    if (!ws) {
      ensureFerryDir(paths)
      const journal = new Journal(paths.journalDb)
      const runner = new StepRunner({
        journal,
        paths,
        launcher,
        emit,
        targetUrl: () => target.connectionString(),
        onProgressDetail: (run, detail) => migrationMonitor.onDetail(run, detail),
        inline: {
          // Connection management lives in this process (the embedded server must outlive a worker).
          'pre.postgres-dev': async (params) => {
            const facts = await serverFacts(params.targetUrl ?? (await target.connectionString()))
            const status = target.status()
            return { ...facts, kind: status.kind, target: status.display }
          },
        },
      })
      for (const s of journal.recoverInterrupted(new Date().toISOString())) emit('step.state', s)
      ws = { paths, journal, runner }
      if (opts.persistTarget) restoreTarget(paths.ferryDir, target)
    }
    if (remember) {
      mkdirSync(opts.appDataDir, { recursive: true })
      writeFileAtomic(recentFile, JSON.stringify({ workspace: paths.root }))
    }
    const summary = workspaceSummary(paths)
    emit('workspace.changed', summary)
    emit('target.state', target.status())
    return summary
  }

  const handlers: Handlers = {
    'app.info': () => ({
      version: opts.version,
      workspace: ws ? workspaceSummary(ws.paths) : null,
      demoDefaultPath: join(homedir(), 'ferry-demo'),
    }),
    'workspace.open': ({ path }) => open(path),
    'workspace.refresh': () => {
      const summary = workspaceSummary(requireWs().paths)
      emit('workspace.changed', summary)
      return summary
    },
    'workspace.createDemo': async ({ path, events, seed }) => {
      const started = Date.now()
      await runJob(launcher, 'demo-workspace', { dir: path, events, seed }, {
        onProgress: (p) =>
          emit('task.progress', { task: 'demo-workspace', progress: computeProgress(p.done, p.total, p.unit, Date.now() - started, p.message) }),
      })
      return open(path)
    },
    'plan.get': () => (ws ? ws.runner.plan() : planView(null)),
    'step.run': ({ stepId }) => requireWs().runner.start(stepId),
    'step.confirm': ({ stepId }) => {
      const w = requireWs()
      const state = w.journal.state(stepId)
      if (state.status !== 'needs-confirmation') {
        throw new FerryError('NOTHING_TO_CONFIRM', `${stepId} is not waiting for a confirmation`, 'Run the step first.')
      }
      return w.runner.start(stepId, { confirmed: true })
    },
    'step.cancel': ({ stepId }) => ({ cancelled: requireWs().runner.cancel(stepId) }),
    'step.undo': ({ stepId }) => requireWs().runner.undo(stepId),
    'backup.list': ({ verify }) => listBackups(requireWs().paths, { verify: verify ?? false }),
    'backup.restore': async ({ id }) => {
      const w = requireWs()
      const value = await w.runner.exclusive(`restoring backup ${id}`, () =>
        runJob(launcher, 'backup-restore', { root: w.paths.root, id }, { onLog: (level, message) => emit('log', { at: new Date().toISOString(), level, message }) }),
      )
      emit('workspace.changed', workspaceSummary(w.paths))
      return value as Evidence
    },
    'indexes.accept': async ({ indexes }) => {
      const w = requireWs()
      const value = await w.runner.exclusive('accepting indexes', () =>
        runJob(launcher, 'indexes:accept', { root: w.paths.root, indexes }, { onLog: (level, message) => emit('log', { at: new Date().toISOString(), level, message }) }),
      )
      emit('workspace.changed', workspaceSummary(w.paths))
      return value as Evidence
    },
    'schema.get': () => readSchemaProfile(requireWs().paths),
    'inventory.get': () => readInventory(requireWs().paths),
    'bench.get': () => {
      const w = requireWs()
      return benchView(w.paths, (id) => w.journal.state(id))
    },
    'metrics.get': () => {
      const w = requireWs()
      const samples = sampler.view().samples
      return computeMetrics({
        state: (id) => w.journal.state(id),
        bench: latestReport(w.paths.journalDb),
        monitor: samples.length
          ? { availability: sampler.view().availability, samples: samples.length, from: samples[0]!.at, to: samples.at(-1)!.at }
          : null,
        sqlConsoleUses: readHistory(w.paths.ferryDir).length,
      })
    },
    'monitor.get': async ({ windowSec }) => {
      // Started by the first look, then samples every few seconds while a target is connected.
      await sampler.start()
      return sampler.view(windowSec)
    },
    'target.configure': (config) => {
      // A step working on the target keeps it to the end: reconfiguring would stop the embedded
      // server under it or leave its connections on a server the checklist no longer names.
      const running = ws?.runner.running
      const def = running ? findStep(running.stepId) : undefined
      if (def && (def.needsTarget || def.targetIfDone) && target.wouldChange(config))
        throw new FerryError(
          'BUSY',
          `${def.id} (${def.title}) is running on ${target.status().display}, so the target was not changed`,
          'Change the target once the step has finished, or cancel the step first.',
        )
      const status = target.configure(config)
      if (opts.persistTarget && ws) saveTarget(ws.paths.ferryDir, target.persisted())
      return status
    },
    'target.check': () => checkTarget(target),
    'target.connect': () => target.connect(),
    'target.status': () => target.status(),
    'target.poolStats': async () =>
      pools.sample(
        target.status().state === 'connected' ? await target.connectionString() : null,
        ws ? readPoolConfig(ws.paths.root) : undefined,
      ),
    ...migrationHandlers({
      paths: () => requireWs().paths,
      targetUrl: () => target.connectionString(),
      monitor: migrationMonitor,
      log: (level, message) => {
        const at = new Date().toISOString()
        ws?.journal.appendLog(at, level, message, 'p3.migrate')
        emit('log', { at, level, message, stepId: 'p3.migrate' })
      },
    }),
    ...deltaHandlers({
      paths: () => requireWs().paths,
      targetUrl: () => target.connectionString(),
    }),
    ...optionsHandlers({
      paths: () => requireWs().paths,
      log: (level, message) => {
        const at = new Date().toISOString()
        ws?.journal.appendLog(at, level, message, 'p3.schema')
        emit('log', { at, level, message, stepId: 'p3.schema' })
      },
    }),
    'inspect.sources': () => inspector.sources(),
    'inspect.tables': ({ source }) => inspector.tables(source),
    'inspect.page': (req) => inspector.page(req),
    'inspect.count': (ref) => inspector.count(ref),
    'inspect.cell': (req) => inspector.cell(req),
    'sql.run': ({ source, sql }) => inspector.sqlRun(source, sql),
    'sql.explain': ({ source, sql }) => inspector.sqlExplain(source, sql),
    'sql.history': () => inspector.history(),
    ...agentHandlers({
      paths: () => requireWs().paths,
      targetStatus: () => target.status(),
      targetUrl: () => target.connectionString(),
      log: (level, message) => emit('log', { at: new Date().toISOString(), level, message }),
    }),
    ...retentionHandlers({
      paths: () => requireWs().paths,
      targetStatus: () => target.status(),
      targetUrl: () => target.connectionString(),
      log: (level, message) => emit('log', { at: new Date().toISOString(), level, message }),
    }),
  }

  const initial = opts.workspace ?? (remember ? readRecent(recentFile) : undefined)
  if (initial) {
    try {
      await open(initial)
    } catch (err) {
      // An explicit workspace that cannot be opened is an error; a stale "last workspace" is not.
      if (opts.workspace) throw err
    }
  }

  return {
    dispatch: createDispatcher(handlers),
    onEvent(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    runner: () => ws?.runner ?? null,
    async close() {
      const running = ws?.runner.running
      if (running) {
        ws?.runner.cancel(running.stepId)
        await ws?.runner.wait()
      }
      await inspector.close()
      await pools.close()
      await sampler.stop()
      await target.stop()
      ws?.journal.close()
      ws = null
      listeners.clear()
    },
  }
}

function readRecent(file: string): string | undefined {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as { workspace?: unknown }
    return typeof v.workspace === 'string' ? v.workspace : undefined
  } catch {
    return undefined
  }
}
