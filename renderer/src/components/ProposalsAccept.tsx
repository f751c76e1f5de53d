import { useState } from 'react'
import { toErrorInfo } from '../../../shared/contract/envelope'
import type { ErrorInfo, Evidence, PlanStep } from '../../../shared/contract/types'
import { ErrorNote } from './ErrorNote'

interface Proposal {
  index: string
  table: string
  columns: string[]
  query: string
  p95Before: number
  p95After: number
  recommended: boolean
}

interface AcceptedRow {
  index: string
  query: string
  p95Before: number
  p95After: number
}

type Accept = (indexes: string[]) => Promise<Evidence>

/** The proposals p1.test-current measured, one row per index (the first query it serves). */
export function proposalRows(evidence: Evidence | null): Proposal[] {
  const list = evidence?.proposals
  if (!Array.isArray(list)) return []
  const seen = new Set<string>()
  const out: Proposal[] = []
  for (const p of list as Partial<Proposal>[]) {
    if (typeof p?.index !== 'string' || seen.has(p.index)) continue
    if (typeof p.p95Before !== 'number' || typeof p.p95After !== 'number') continue
    seen.add(p.index)
    out.push({
      index: p.index,
      table: String(p.table ?? ''),
      columns: Array.isArray(p.columns) ? p.columns.map(String) : [],
      query: String(p.query ?? ''),
      p95Before: p.p95Before,
      p95After: p.p95After,
      recommended: p.recommended === true,
    })
  }
  return out
}

const ms = (n: number): string => `${n.toFixed(3)} ms`

/** On p1.test-current: choose proposed composite indexes and apply them as a migration. */
export function ProposalsAccept({ step, accept }: { step: PlanStep; accept: Accept }) {
  const proposals = step.id === 'p1.test-current' ? proposalRows(step.state.evidence) : []
  const [chosen, setChosen] = useState<Set<string> | null>(null)
  const [asking, setAsking] = useState(false)
  const [busy, setBusy] = useState(false)
  const [result, setResult] = useState<Evidence | null>(null)
  const [error, setError] = useState<ErrorInfo | null>(null)
  if (proposals.length === 0) return null
  const selected = chosen ?? new Set(proposals.filter((p) => p.recommended).map((p) => p.index))
  const names = proposals.map((p) => p.index).filter((n) => selected.has(n))

  const toggle = (index: string): void => {
    const next = new Set(selected)
    if (next.has(index)) next.delete(index)
    else next.add(index)
    setChosen(next)
  }
  const apply = async (): Promise<void> => {
    setAsking(false)
    setBusy(true)
    setError(null)
    setResult(null)
    try {
      setResult(await accept(names))
    } catch (err) {
      setError(toErrorInfo(err))
    } finally {
      setBusy(false)
    }
  }
  const rows = Array.isArray(result?.indexes) ? (result.indexes as AcceptedRow[]) : []
  const migration = result?.migration as { file?: string } | undefined

  return (
    <section
      className="evidence-section"
      aria-labelledby="proposals-heading"
      data-testid="proposals-accept"
    >
      <h3 id="proposals-heading">Composite index proposals</h3>
      <p className="muted small">
        p95 of the query each would serve, measured on a scratch copy: before → after.
      </p>
      <ul className="proposal-list">
        {proposals.map((p) => (
          <li key={p.index}>
            <label>
              <input
                type="checkbox"
                checked={selected.has(p.index)}
                disabled={busy}
                data-testid={`proposal-${p.index}`}
                onChange={() => toggle(p.index)}
              />{' '}
              <code>{p.index}</code> {p.table}({p.columns.join(', ')}) · {p.query}:{' '}
              {ms(p.p95Before)} → {ms(p.p95After)}
              {p.recommended ? <span className="tag">recommended</span> : null}
            </label>
          </li>
        ))}
      </ul>
      {asking ? (
        <div className="confirm-note" data-testid="proposals-confirm">
          <p>
            Create {names.map((n) => n).join(', ')} in state.db as the next migration? A verified
            backup is taken first; <code>ferry migrations undo</code> reverts it.
          </p>
          <div className="actions">
            <button
              type="button"
              className="primary"
              data-testid="proposals-apply-confirm"
              onClick={() => void apply()}
            >
              Apply {names.length} index{names.length === 1 ? '' : 'es'}
            </button>
            <button type="button" onClick={() => setAsking(false)}>
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <div className="actions">
          <button
            type="button"
            data-testid="proposals-apply"
            disabled={busy || names.length === 0}
            onClick={() => setAsking(true)}
          >
            {busy ? 'Applying…' : 'Apply selected indexes…'}
          </button>
        </div>
      )}
      {result ? (
        <div data-testid="proposals-result">
          <p>
            ✔ Created as migration <code>{migration?.file ?? '?'}</code> after backup{' '}
            <code>{String(result.backupId ?? '?')}</code>. Undo:{' '}
            <code>{String(result.undo ?? 'ferry migrations undo')}</code>
          </p>
          <ul>
            {rows.map((r) => (
              <li key={`${r.index}-${r.query}`}>
                <code>{r.index}</code> · {r.query}: p95 {ms(r.p95Before)} → {ms(r.p95After)}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {error ? (
        <ErrorNote error={error} title="Could not apply the indexes" testId="proposals-error" />
      ) : null}
    </section>
  )
}
