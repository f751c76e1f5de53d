import { useMemo, useState } from 'react'
import type {
  RejectEntry,
  RejectList,
  RejectRule,
  RejectTransform,
} from '../../../../shared/contract/migration'
import { formatNumber } from '../../format/numbers'
import { keyDisplay } from '../../../../shared/contract/row-key'

const TRANSFORMS: { value: RejectTransform; label: string }[] = [
  { value: 'strip-nul', label: 'strip NUL bytes' },
  { value: 'replace-invalid-utf8', label: 'replace invalid UTF-8 with U+FFFD' },
  { value: 'to-null', label: 'store NULL' },
  { value: 'cast-text', label: 'cast to text (BLOB as \\x hex)' },
  { value: 'set-value', label: 'set this value…' },
]

interface Props {
  data: RejectList
  busy: boolean
  onRetry(table: string, keys: string[], rules: RejectRule[]): void
  onCompare(table: string, keys: string[]): void
}

const rowKey = (e: RejectEntry): string => `${e.table}\u0000${e.key}`

/**
 * The rejected rows with PostgreSQL's reason. Nothing is changed by default: the user picks rows,
 * chooses a rule per column (recorded with the migration), and retries only those rows.
 */
export function RejectQueue({ data, busy, onRetry, onCompare }: Props) {
  const [picked, setPicked] = useState<Set<string>>(new Set())
  const [transform, setTransform] = useState<RejectTransform | ''>('')
  const [value, setValue] = useState('')
  const tables = useMemo(() => [...new Set(data.entries.map((e) => e.table))], [data.entries])
  const chosen = data.entries.filter((e) => picked.has(rowKey(e)))
  const table = chosen[0]?.table ?? null
  const oneTable = chosen.every((e) => e.table === table)
  const columns = [...new Set(chosen.map((e) => e.column).filter((c): c is string => c !== null))]
  const toggle = (e: RejectEntry): void => {
    const next = new Set(picked)
    if (next.has(rowKey(e))) next.delete(rowKey(e))
    else next.add(rowKey(e))
    setPicked(next)
  }
  const retry = (): void => {
    if (!table) return
    const keys = [...new Set(chosen.map((e) => e.key))]
    const rules: RejectRule[] = transform
      ? columns.map((column) => ({
          column,
          transform,
          ...(transform === 'set-value' ? { value } : {}),
        }))
      : []
    onRetry(table, keys, rules)
    setPicked(new Set())
  }
  return (
    <div className="mig-rejects" data-testid="reject-queue">
      <p className="muted">
        {formatNumber(data.total)} rejected value(s) in <code>{data.schema}.ferry_rejects</code>
        {data.resolved ? `; ${formatNumber(data.resolved)} fixed by a recorded rule` : ''}. A row is
        never changed without a rule you choose; every rule is recorded in{' '}
        <code>{data.schema}.ferry_rules</code>.
      </p>
      {data.entries.length === 0 ? (
        <p className="empty-state" data-testid="rejects-empty">
          No rejected rows.
        </p>
      ) : (
        <table className="ev-table" data-testid="reject-list">
          <thead>
            <tr>
              <th scope="col">
                <span className="visually-hidden">Pick</span>
              </th>
              <th scope="col">Table</th>
              <th scope="col">Key</th>
              <th scope="col">Column</th>
              <th scope="col">PostgreSQL's reason</th>
              <th scope="col">Raw value (hex)</th>
            </tr>
          </thead>
          <tbody>
            {data.entries.map((e) => (
              <tr
                key={`${rowKey(e)}\u0000${e.column ?? ''}`}
                data-testid="reject-row"
                data-key={e.key}
                data-table={e.table}
              >
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Pick ${e.table} row ${keyDisplay(e.key)}`}
                    checked={picked.has(rowKey(e))}
                    onChange={() => toggle(e)}
                  />
                </td>
                <td>{e.table}</td>
                <td className="num">
                  <button
                    type="button"
                    className="link-button"
                    onClick={() => onCompare(e.table, [e.key])}
                  >
                    {keyDisplay(e.key)}
                  </button>
                </td>
                <td>{e.column ?? '(row)'}</td>
                <td className="wrap">{e.reason}</td>
                <td className="mig-hex">
                  <code title={e.row}>
                    {e.rawHex ? e.rawHex.slice(0, 64) + (e.rawHex.length > 64 ? '…' : '') : '—'}
                  </code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {tables.length > 0 ? (
        <div className="mig-rule actions">
          <label>
            Rule for {columns.length ? columns.join(', ') : 'the picked rows'}{' '}
            <select
              data-testid="reject-rule"
              value={transform}
              onChange={(ev) => setTransform(ev.target.value as RejectTransform | '')}
            >
              <option value="">no rule (retry as is)</option>
              {TRANSFORMS.map((t) => (
                <option key={t.value} value={t.value}>
                  {t.label}
                </option>
              ))}
            </select>
          </label>
          {transform === 'set-value' ? (
            <input
              data-testid="reject-value"
              aria-label="New value"
              value={value}
              onChange={(ev) => setValue(ev.target.value)}
            />
          ) : null}
          <button
            type="button"
            data-testid="reject-retry"
            disabled={busy || !table || !oneTable}
            onClick={retry}
          >
            {busy
              ? 'Retrying…'
              : `Retry ${chosen.length ? new Set(chosen.map((e) => e.key)).size : ''} row(s)`}
          </button>
          {!oneTable ? <span className="muted">Pick rows of one table at a time.</span> : null}
        </div>
      ) : null}
      {data.rules.length ? (
        <details data-testid="reject-rules">
          <summary>{data.rules.length} recorded rule(s)</summary>
          <ul>
            {data.rules.map((r) => (
              <li key={r.id}>
                #{r.id} {r.table}.{r.column}: {r.transform}
                {r.value !== null ? ` = ${JSON.stringify(r.value)}` : ''} on {r.keys.length} row(s)
                ({r.keys.slice(0, 10).map(keyDisplay).join(', ')}) — {r.at}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  )
}
