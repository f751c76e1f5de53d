// p4.monitor: a short, recorded look at the target — a few samples a second apart, the details,
// and the alerts they raise — so the checklist has evidence of the monitoring (and the success
// metrics panel an availability and real-time-dashboard measurement). The live view is the
// Monitoring screen, fed by the backend's sampler.
import { z } from 'zod'
import type { JobContext, JobFn } from '../jobs/job'
import { throwIfCancelled } from '../jobs/job'
import { redactUrl } from '../postgres/redact'
import { MonitorSampler } from './sampler'

export async function monitorStep(url: string, ctx: JobContext, samples = 4, intervalMs = 1000): Promise<Record<string, unknown>> {
  const sampler = new MonitorSampler({ target: async () => ({ url }), intervalMs, detailEvery: samples })
  try {
    for (let i = 0; i < samples; i++) {
      throwIfCancelled(ctx.signal)
      ctx.progress(i, samples, 'samples', `sampling ${redactUrl(url)}`)
      await sampler.tick()
      if (i < samples - 1) await new Promise((r) => setTimeout(r, intervalMs))
    }
  } finally {
    await sampler.stop()
  }
  const view = sampler.view()
  const last = view.samples.at(-1) ?? null
  return {
    // First, so one-line summaries (ferry run, ferry status) show them.
    alerts: view.alerts.length,
    availability: view.availability,
    target: redactUrl(url),
    samples: view.samples.length,
    intervalMs,
    latest: last,
    alertList: view.alerts,
    statements: view.detail?.statements.available
      ? { available: true, top: view.detail.statements.top.slice(0, 5) }
      : { available: false, howToEnable: view.detail?.statements.available === false ? view.detail.statements.howToEnable : null },
    tables: view.detail?.tables.slice(0, 10) ?? [],
    locks: view.detail?.locks ?? [],
    note: 'A snapshot for the record; the Monitoring screen samples continuously while a target is connected.',
  }
}

const Params = z.object({ root: z.string().min(1), targetUrl: z.string().min(1) })

export const MONITOR_JOBS: Record<string, JobFn> = {
  'step:p4.monitor': (params, ctx) => monitorStep(Params.parse(params).targetUrl, ctx),
}
