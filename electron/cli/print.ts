// Human-readable output of `ferry status` and `ferry run`.
import type { PlanView, StepState, WorkspaceSummary } from '../../shared/contract/types'
import { isIdNumberKey, isShareKey, shareText } from '../../shared/evidence/keys'

const nf = new Intl.NumberFormat('en-US')
const MARK: Record<string, string> = {
  done: '✔',
  running: '●',
  failed: '✖',
  pending: '○',
  skipped: '–',
  'needs-confirmation': '◐',
}

function size(bytes: number | null): string {
  if (bytes === null) return '?'
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`
}

export function evidenceSummary(state: StepState): string {
  const e = state.evidence
  if (state.status === 'failed' && state.error) return state.error.message
  if (!e) return ''
  if (typeof e.tableCount === 'number') {
    return `${nf.format(e.tableCount)} tables, ${nf.format(Number(e.totalRows ?? 0))} rows → ${String(e.document ?? '')}`
  }
  return Object.entries(e)
    .filter(([, v]) => typeof v === 'number' || typeof v === 'string')
    .slice(0, 3)
    .map(([k, v]) => `${k}: ${typeof v === 'number' ? numberText(k, v) : v}`)
    .join(', ')
}

/** A number of the evidence with its unit, as its key names it. */
function numberText(key: string, v: number): string {
  // A number that identifies ("serverVersionNum": 150020) takes no thousands separator.
  if (isIdNumberKey(key)) return String(v)
  if (/Ms$/.test(key)) return `${nf.format(v)} ms`
  if (isShareKey(key) && v >= 0 && v <= 1) return shareText(v)
  return nf.format(v)
}

export function describeEvidence(stepId: string, title: string, s: StepState): string {
  const line = `${MARK[s.status] ?? '?'} ${stepId} — ${title}: ${s.status}`
  const summary = evidenceSummary(s)
  return summary ? `${line} (${summary})` : line
}

export function printPlan(ws: WorkspaceSummary, plan: PlanView): void {
  const out: string[] = []
  const src = ws.source
  out.push(`Workspace ${ws.root}`)
  out.push(
    `  state.db: ${src.stateDb.exists ? `${size(src.stateDb.sizeBytes)}, ${src.stateDb.tables ?? '?'} tables` : 'missing'}${src.stateDb.error ? ` (${src.stateDb.error})` : ''}`,
  )
  out.push(
    `  files: context ${nf.format(src.context.files)}, logs ${nf.format(src.logs.files)}, config ${nf.format(src.config.files)}, other ${nf.format(src.other.files)}`,
  )
  for (const ph of plan.phases) {
    const done = ph.steps.filter((s) => s.state.status === 'done').length
    out.push('', `${ph.title}  (${done} of ${ph.steps.length} done)`)
    for (const s of ph.steps) {
      const when = s.state.finishedAt ? `  ${s.state.finishedAt}` : ''
      const note = s.available ? evidenceSummary(s.state) : 'not built yet'
      out.push(
        `  ${MARK[s.state.status] ?? '?'} ${s.id.padEnd(24)} ${s.title}${when}${note ? `  — ${note}` : ''}`,
      )
      if (s.warning) out.push(`      ▲ ${s.warning}`)
    }
  }
  process.stdout.write(out.join('\n') + '\n')
}
