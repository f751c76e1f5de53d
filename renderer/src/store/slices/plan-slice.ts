import { FerryError, toErrorInfo } from '../../../../shared/contract/envelope'
import type { PlanView, StepState, StepStatus } from '../../../../shared/contract/types'
import { staticPlanView } from '../static-plan'
import { addSample } from '../throughput'
import type { PlanSlice, SliceCreator, StepAction } from '../types'

const TERMINAL: ReadonlySet<StepStatus> = new Set(['done', 'failed', 'skipped'])

/**
 * A reply can arrive after the events it raced with (a fast step may finish before step.run
 * answers "running"). A reply never takes a run back from finished to unfinished.
 */
export function isStaleReply(current: StepState, incoming: StepState): boolean {
  return (
    current.runId !== null &&
    current.runId === incoming.runId &&
    TERMINAL.has(current.status) &&
    !TERMINAL.has(incoming.status)
  )
}

function without<T>(record: Record<string, T>, key: string): Record<string, T> {
  if (!(key in record)) return record
  const next = { ...record }
  delete next[key]
  return next
}

export const createPlanSlice: SliceCreator<PlanSlice> = (set, get, client) => {
  let loadSeq = 0

  async function act(stepId: string, action: StepAction, call: () => Promise<void>): Promise<void> {
    set((s) => ({
      stepBusy: { ...s.stepBusy, [stepId]: action },
      stepErrors: without(s.stepErrors, stepId),
    }))
    try {
      await call()
    } catch (err) {
      set((s) => ({ stepErrors: { ...s.stepErrors, [stepId]: toErrorInfo(err) } }))
    } finally {
      set((s) => ({ stepBusy: without(s.stepBusy, stepId) }))
    }
  }

  return {
    plan: staticPlanView(),
    planSource: 'static',
    planLoading: false,
    planError: null,
    progress: {},
    throughput: {},
    stepBusy: {},
    stepErrors: {},

    async loadPlan() {
      const seq = ++loadSeq
      if (!get().workspace) {
        set({
          plan: staticPlanView(),
          planSource: 'static',
          planLoading: false,
          planError: null,
          progress: {},
        })
        return
      }
      set({ planLoading: true, planError: null })
      try {
        const plan = await client.invoke('plan.get', {})
        if (seq !== loadSeq) return
        const running = new Set(
          plan.phases
            .flatMap((p) => p.steps)
            .filter((s) => s.state.status === 'running')
            .map((s) => s.id),
        )
        set((s) => ({
          plan,
          planSource: 'backend',
          planLoading: false,
          progress: Object.fromEntries(
            Object.entries(s.progress).filter(([id]) => running.has(id)),
          ),
        }))
      } catch (err) {
        if (seq !== loadSeq) return
        set({ planLoading: false, planError: toErrorInfo(err) })
      }
    },

    async loadWarnings() {
      if (!get().workspace || get().planSource !== 'backend') return
      let fresh: PlanView
      try {
        fresh = await client.invoke('plan.get', {})
      } catch {
        return // the next loadPlan reports a failing backend
      }
      const warnings = new Map(fresh.phases.flatMap((p) => p.steps).map((s) => [s.id, s.warning]))
      set((s) => ({
        plan: {
          ...s.plan,
          phases: s.plan.phases.map((p) => ({
            ...p,
            steps: p.steps.map((st) =>
              warnings.has(st.id) && warnings.get(st.id) !== st.warning
                ? { ...st, warning: warnings.get(st.id) ?? null }
                : st,
            ),
          })),
        },
      }))
    },

    runStep: (stepId) =>
      act(stepId, 'run', async () => {
        if (!get().workspace)
          throw new FerryError(
            'NO_WORKSPACE',
            'No workspace is open',
            'Open a folder or create the demo workspace first.',
          )
        get().applyStepState(await client.invoke('step.run', { stepId }), 'reply')
      }),

    confirmStep: (stepId) =>
      act(stepId, 'confirm', async () => {
        get().applyStepState(await client.invoke('step.confirm', { stepId }), 'reply')
      }),

    undoStep: (stepId) =>
      act(stepId, 'undo', async () => {
        get().applyStepState(await client.invoke('step.undo', { stepId }), 'reply')
      }),

    cancelStep: (stepId) =>
      act(stepId, 'cancel', async () => {
        await client.invoke('step.cancel', { stepId })
      }),

    applyStepState(state, origin) {
      set((s) => {
        let found = false
        let stale = false
        const phases = s.plan.phases.map((phase) => {
          if (!phase.steps.some((st) => st.id === state.stepId)) return phase
          return {
            ...phase,
            steps: phase.steps.map((st) => {
              if (st.id !== state.stepId) return st
              found = true
              if (origin === 'reply' && isStaleReply(st.state, state)) {
                stale = true
                return st
              }
              return { ...st, state }
            }),
          }
        })
        if (!found || stale) return {}
        const keepProgress = state.status === 'running'
        return {
          plan: { ...s.plan, phases },
          progress: keepProgress ? s.progress : without(s.progress, state.stepId),
          stepErrors:
            state.status === 'running' ? without(s.stepErrors, state.stepId) : s.stepErrors,
        }
      })
    },

    applyProgress({ stepId, runId, progress }) {
      const step = get()
        .plan.phases.flatMap((p) => p.steps)
        .find((st) => st.id === stepId)
      if (!step) return
      const finished = step.state.runId === runId && step.state.status !== 'running'
      if (finished) return
      set((s) => ({
        progress: { ...s.progress, [stepId]: { runId, progress } },
        throughput: {
          ...s.throughput,
          [stepId]: addSample(s.throughput[stepId], runId, progress, Date.now()),
        },
      }))
    },
  }
}
