// The CLI's commands. Each is a thin loop over contract calls; the backend does the work.
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { FerryError } from '../../shared/contract/envelope'
import type { Progress, StepState } from '../../shared/contract/types'
import { expandSelector, findStep } from '../../shared/plan/plan'
import { nodeWorkerLauncher } from '../core/jobs/launcher'
import { runJob } from '../core/jobs/run-job'
import { computeProgress } from '../core/runner'
import { startHost } from '../host/server'
import { REPO_ROOT, openCli, targetConfig, type Cli } from './context'
import { describeEvidence, printPlan } from './print'
import { EXIT, ProgressReporter, printJson } from './output'

export async function demoWorkspaceCommand(dir: string, o: { events: number; seed: number; json?: boolean }): Promise<number> {
  const abs = resolve(dir)
  const reporter = new ProgressReporter('demo-workspace')
  const started = Date.now()
  const summary = (await runJob(nodeWorkerLauncher(), 'demo-workspace', { dir: abs, events: o.events, seed: o.seed }, {
    onProgress: (p) => reporter.update(computeProgress(p.done, p.total, p.unit, Date.now() - started, p.message)),
  }).finally(() => reporter.stop())) as { tables: Record<string, number>; elapsedMs: number }
  if (o.json) printJson({ ok: true, workspace: abs, ...summary })
  else {
    const rows = Object.values(summary.tables).reduce((a, b) => a + b, 0)
    process.stdout.write(`Created the demo workspace in ${abs}: ${Object.keys(summary.tables).length} tables, ${rows.toLocaleString('en-US')} rows (${(summary.elapsedMs / 1000).toFixed(1)} s).\n`)
    process.stdout.write(`Next: ferry status -w ${dir}   or   ferry serve -w ${dir}\n`)
  }
  return EXIT.ok
}

export async function statusCommand(o: { workspace: string; json?: boolean }): Promise<number> {
  const cli = await openCli(o.workspace)
  try {
    const plan = await cli.call('plan.get', {})
    const ws = await cli.call('workspace.refresh', {})
    if (o.json) printJson({ ok: true, workspace: ws, plan })
    else printPlan(ws, plan)
    return EXIT.ok
  } finally {
    await cli.backend.close()
  }
}

export async function runCommand(selector: string, o: { workspace: string; target?: string; yes?: boolean; json?: boolean }): Promise<number> {
  const steps = expandSelector(selector)
  if (!steps) {
    throw new FerryError('UNKNOWN_STEP', `No step or phase named "${selector}"`, 'Use a step id (see "ferry status"), a phase id (pre, p1, p2, p3, p4) or all.')
  }
  if (steps.length === 1 && !steps[0]!.available) {
    throw new FerryError('STEP_NOT_AVAILABLE', `"${steps[0]!.title}" (${steps[0]!.id}) is not built yet`, `It will: ${steps[0]!.description}`)
  }
  const cli = await openCli(o.workspace, false, true)
  const results: (StepState | { stepId: string; status: 'skipped'; reason: string })[] = []
  let code: number = EXIT.ok
  const onSigint = (): void => {
    const r = cli.backend.runner()?.running
    if (r) cli.call('step.cancel', { stepId: r.stepId }).catch(() => undefined)
  }
  process.on('SIGINT', onSigint)
  try {
    if (o.target) await cli.call('target.configure', targetConfig(o.target))
    for (const step of steps) {
      if (!step.available) {
        results.push({ stepId: step.id, status: 'skipped', reason: 'not built yet' })
        continue
      }
      let state = await cli.call('step.run', { stepId: step.id })
      if (state.status === 'needs-confirmation') {
        if (!o.yes) {
          throw new FerryError('NEEDS_CONFIRMATION', `${step.id} needs a confirmation: ${state.confirmation}`, 'Run again with --yes to confirm.')
        }
        state = await cli.call('step.confirm', { stepId: step.id })
      }
      const final = await awaitStep(cli, step.id, state, o.json === true)
      results.push(final)
      if (!o.json) process.stderr.write(describeEvidence(step.id, step.title, final) + '\n')
      // A step that does not apply here (skipped, with its reason) does not stop the plan.
      if (final.status !== 'done' && final.status !== 'skipped') {
        code = EXIT.failed
        break
      }
    }
  } finally {
    process.off('SIGINT', onSigint)
    await cli.backend.close()
  }
  if (o.json) printJson({ ok: code === EXIT.ok, steps: results })
  const failed = results.find((r) => r.status === 'failed') as StepState | undefined
  if (failed?.error) {
    process.stderr.write(`ferry: ${failed.stepId} failed: ${failed.error.message}\n`)
    if (failed.error.hint) process.stderr.write(`  → ${failed.error.hint}\n`)
  }
  return code
}

/** Waits for the step the backend is running, showing its progress on stderr. */
async function awaitStep(cli: Cli, stepId: string, first: StepState, json: boolean): Promise<StepState> {
  if (first.status !== 'running') return first
  const reporter = new ProgressReporter(stepId, json && !process.stderr.isTTY)
  const off = cli.backend.onEvent((event, payload) => {
    if (event === 'step.progress') reporter.update((payload as { progress: Progress }).progress)
  })
  try {
    const done = await cli.backend.runner()?.wait()
    if (done) return done
    // It ended before there was anything to wait for: its state is the plan's.
    const plan = cli.backend.runner()?.plan()
    return plan?.phases.flatMap((p) => p.steps).find((s) => s.id === stepId)?.state ?? first
  } finally {
    off()
    reporter.stop()
  }
}

export async function undoCommand(stepId: string, o: { workspace: string; yes?: boolean; json?: boolean }): Promise<number> {
  const step = findStep(stepId)
  if (!step) throw new FerryError('UNKNOWN_STEP', `No step named "${stepId}"`, 'Use a step id from "ferry status".')
  const cli = await openCli(o.workspace, false, true)
  try {
    const final = await awaitStep(cli, stepId, await cli.call('step.undo', { stepId }), o.json === true)
    if (o.json) printJson({ ok: final.status === 'pending', step: final })
    else process.stderr.write(describeEvidence(stepId, `${step.title} (undo)`, final) + '\n')
    if (final.status === 'failed' && final.error) {
      process.stderr.write(`ferry: undo of ${stepId} failed: ${final.error.message}\n`)
      if (final.error.hint) process.stderr.write(`  → ${final.error.hint}\n`)
      return EXIT.failed
    }
    return EXIT.ok
  } finally {
    await cli.backend.close()
  }
}

export async function serveCommand(o: { workspace?: string; port: number }): Promise<number> {
  const cwdIsWorkspace = existsSync(join(process.cwd(), '.claude'))
  const cli = await openCli(o.workspace ?? (cwdIsWorkspace ? process.cwd() : undefined), true)
  const host = await startHost({ backend: cli.backend, staticDir: join(REPO_ROOT, 'dist', 'renderer'), port: o.port })
  process.stdout.write(`Ferry listening at ${host.url}\n`)
  process.stdout.write('Open that address in a browser on this machine. Press Ctrl+C to stop.\n')
  await new Promise<void>((res) => {
    const stop = (): void => res()
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
  process.stderr.write('Stopping Ferry… (press Ctrl+C again to force)\n')
  const force = (): void => process.exit(130)
  process.once('SIGINT', force)
  process.once('SIGTERM', force)
  await host.close()
  await cli.backend.close()
  return EXIT.ok
}
