// The read-only SQL console: one statement on the chosen source, results in the same grid
// (capped at 1000 rows, said so), EXPLAIN as a tree, a refusal for anything that writes, and the
// workspace's history (Ctrl/Cmd+Enter runs).
import { useCallback, useEffect, useState, type KeyboardEvent } from 'react'
import type { ExplainResult, HistoryEntry, SqlResult } from '../../../../shared/contract/inspect'
import type { ErrorInfo } from '../../../../shared/contract/types'
import { toErrorInfo } from '../../../../shared/contract/envelope'
import { formatCount, formatNumber } from '../../format/numbers'
import { useFerry } from '../../store/use-ferry'
import { ErrorNote } from '../ErrorNote'
import { CellViewer } from './CellViewer'
import { DataGrid } from './DataGrid'
import { PlanTree } from './PlanTree'

export function SqlConsole({ source, sourceLabel }: { source: string; sourceLabel: string }) {
  const sqlRun = useFerry((s) => s.sqlRun)
  const sqlExplain = useFerry((s) => s.sqlExplain)
  const sqlHistory = useFerry((s) => s.sqlHistory)
  const [sql, setSql] = useState('')
  const [busy, setBusy] = useState(false)
  const [result, setResult] = useState<SqlResult | null>(null)
  const [plan, setPlan] = useState<ExplainResult | null>(null)
  const [error, setError] = useState<ErrorInfo | null>(null)
  const [history, setHistory] = useState<HistoryEntry[]>([])
  const [open, setOpen] = useState<{ row: number; col: number } | null>(null)

  const reloadHistory = useCallback(() => {
    sqlHistory()
      .then(setHistory)
      .catch(() => undefined)
  }, [sqlHistory])
  useEffect(reloadHistory, [reloadHistory])

  async function go(kind: 'run' | 'explain') {
    if (!sql.trim() || busy) return
    setBusy(true)
    setError(null)
    setOpen(null)
    try {
      if (kind === 'run') {
        setResult(await sqlRun({ source, sql }))
        setPlan(null)
      } else {
        setPlan(await sqlExplain({ source, sql }))
        setResult(null)
      }
    } catch (err) {
      setResult(null)
      setPlan(null)
      setError(toErrorInfo(err))
    } finally {
      setBusy(false)
      reloadHistory()
    }
  }

  function onKey(e: KeyboardEvent<HTMLTextAreaElement>) {
    if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
      e.preventDefault()
      void go('run')
    }
  }

  const mine = history.filter((h) => h.source === source).slice(0, 30)
  return (
    <div className="sql-console" data-testid="sql-console">
      <div className="sql-input">
        <label htmlFor="sql-text" className="small muted">
          Read-only SQL on {sourceLabel} — one statement; writes are refused
        </label>
        <textarea
          id="sql-text"
          data-testid="sql-text"
          spellCheck={false}
          rows={4}
          value={sql}
          onChange={(e) => setSql(e.target.value)}
          onKeyDown={onKey}
          placeholder="SELECT count(*) FROM events"
        />
        <div className="sql-actions">
          <button
            type="button"
            className="primary"
            data-testid="sql-run"
            disabled={busy || !sql.trim()}
            onClick={() => void go('run')}
          >
            {busy ? 'Running…' : 'Run (Ctrl+Enter)'}
          </button>
          <button
            type="button"
            data-testid="sql-explain"
            disabled={busy || !sql.trim()}
            onClick={() => void go('explain')}
          >
            Explain
          </button>
          {result ? (
            <span className="small muted" data-testid="sql-summary">
              {formatNumber(result.rows.length)} {result.rows.length === 1 ? 'row' : 'rows'} in{' '}
              {result.ms} ms
              {result.capped
                ? ` — first ${formatNumber(result.cap)} rows only (the result has more)`
                : ''}
            </span>
          ) : null}
        </div>
      </div>
      {error ? (
        <ErrorNote
          error={error}
          title={error.code === 'READ_ONLY' ? 'Refused' : 'The statement failed'}
          testId="sql-error"
        />
      ) : null}
      <div className="sql-output">
        {plan ? (
          <section data-testid="sql-plan" className="plan-box">
            <h3>
              Plan{' '}
              <span className="muted small">
                ({plan.dialect === 'sqlite' ? 'EXPLAIN QUERY PLAN' : 'EXPLAIN (FORMAT JSON)'},{' '}
                {plan.ms} ms)
              </span>
            </h3>
            <PlanTree nodes={plan.tree} />
            <details>
              <summary className="small">Raw plan</summary>
              <pre className="raw">{plan.raw}</pre>
            </details>
          </section>
        ) : result ? (
          <div className={`table-view-body${open ? ' with-viewer' : ''}`}>
            <DataGrid
              testId="sql-grid"
              label="Statement result"
              columns={result.columns.map((c) => ({ name: c.name, type: c.type }))}
              rowCount={result.rows.length}
              cells={(i) => result.rows[i]}
              onOpen={(row, col) => setOpen({ row, col })}
            />
            {open ? (
              <CellViewer
                key={`${open.row}/${open.col}`}
                column={result.columns[open.col]?.name ?? ''}
                type={result.columns[open.col]?.type ?? null}
                cell={result.rows[open.row]?.[open.col] ?? null}
                onClose={() => setOpen(null)}
              />
            ) : null}
          </div>
        ) : null}
      </div>
      <details className="sql-history" data-testid="sql-history">
        <summary>History ({mine.length})</summary>
        <ul>
          {mine.map((h, i) => (
            <li key={i}>
              <button
                type="button"
                className="link"
                title={new Date(h.at).toLocaleString()}
                onClick={() => setSql(h.sql)}
              >
                <span aria-hidden="true">{h.ok ? '✔' : '✖'}</span>{' '}
                <code>{h.sql.length > 120 ? `${h.sql.slice(0, 120)}…` : h.sql}</code>
              </button>{' '}
              <span className="small muted">
                {h.kind}
                {h.ok
                  ? (h.rows !== null ? ` · ${formatCount(h.rows, 'row')}` : '') +
                    (h.ms !== null ? ` · ${h.ms} ms` : '')
                  : ` · ${h.error ?? 'failed'}`}
              </span>
            </li>
          ))}
        </ul>
      </details>
    </div>
  )
}
