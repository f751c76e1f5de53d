// The whole value of one cell: JSON pretty-printed as a collapsible tree (raw text one toggle
// away), long text in full, blobs as a hex dump, timestamps in local time beside the raw value.
import { useEffect, useState } from 'react'
import type { Cell, CellValue } from '../../../../shared/contract/inspect'
import type { ErrorInfo } from '../../../../shared/contract/types'
import { toErrorInfo } from '../../../../shared/contract/envelope'
import { cellView, hexDump, localTime } from '../../format/cells'
import { ErrorNote } from '../ErrorNote'
import { JsonTree } from './JsonTree'

interface Props {
  column: string
  type: string | null
  cell: Cell
  /** Fetches the full value (table rows); absent for console results, which are complete. */
  load?: () => Promise<CellValue>
  onClose(): void
}

function fromCell(c: Cell): CellValue {
  if (c === null) return { kind: 'null', value: null, size: 0, truncated: false, json: false }
  if (typeof c === 'string')
    return { kind: 'text', value: c, size: c.length, truncated: false, json: false }
  if (typeof c === 'number' || typeof c === 'boolean')
    return {
      kind: typeof c === 'number' ? 'number' : 'boolean',
      value: String(c),
      size: 1,
      truncated: false,
      json: false,
    }
  if (c.t === 'num')
    return { kind: 'number', value: c.v, size: c.v.length, truncated: false, json: false }
  if (c.t === 'json')
    return { kind: 'text', value: c.v, size: c.v.length, truncated: false, json: true }
  if (c.t === 'long')
    return { kind: 'text', value: c.v, size: c.chars, truncated: true, json: false }
  return {
    kind: 'blob',
    value: c.hex,
    size: c.size,
    truncated: c.size > c.hex.length / 2,
    json: false,
  }
}

function parseJson(s: string): unknown {
  try {
    return JSON.parse(s) as unknown
  } catch {
    return undefined
  }
}

export function CellViewer({ column, type, cell, load, onClose }: Props) {
  const [value, setValue] = useState<CellValue | null>(load ? null : fromCell(cell))
  const [error, setError] = useState<ErrorInfo | null>(null)
  const [raw, setRaw] = useState(false)

  useEffect(() => {
    if (!load) return
    let live = true
    load()
      .then((v) => live && setValue(v))
      .catch((err: unknown) => live && setError(toErrorInfo(err)))
    return () => {
      live = false
    }
  }, [load])

  const json =
    value?.kind === 'text' && value.value !== null && (value.json || cellView(cell).kind === 'json')
      ? parseJson(value.value)
      : undefined
  const time = value?.kind === 'text' && value.value ? localTime(value.value) : null

  return (
    <aside
      className="cell-viewer"
      data-testid="cell-viewer"
      aria-label={`Value of ${column}`}
      onKeyDown={(e) => e.key === 'Escape' && onClose()}
    >
      <header className="cell-viewer-head">
        <h3>
          <code>{column}</code> <span className="muted small">{type}</span>
        </h3>
        <button type="button" onClick={onClose} data-testid="cell-viewer-close" autoFocus>
          Close
        </button>
      </header>
      {error ? <ErrorNote error={error} title="Could not read the value" /> : null}
      {!value ? (
        <p className="muted">Reading…</p>
      ) : value.kind === 'null' ? (
        <p className="cell-null">NULL — no value (not an empty string)</p>
      ) : (
        <>
          <p className="muted small">
            {value.kind === 'blob'
              ? `BLOB, ${value.size.toLocaleString('en-US')} bytes`
              : `${value.kind}, ${value.size.toLocaleString('en-US')} characters`}
            {value.truncated ? ' — shown in part' : ''}
            {time ? ` · local time ${time}` : ''}
          </p>
          {json !== undefined ? (
            <>
              <label className="small">
                <input type="checkbox" checked={raw} onChange={(e) => setRaw(e.target.checked)} />{' '}
                raw text
              </label>
              {raw ? <pre className="cell-text">{value.value}</pre> : <JsonTree value={json} />}
            </>
          ) : value.kind === 'blob' ? (
            <pre className="cell-text cell-hex">{hexDump(value.value ?? '')}</pre>
          ) : value.value === '' ? (
            <p className="cell-empty">(empty text, not NULL)</p>
          ) : (
            <pre className="cell-text" title={time ? (value.value ?? undefined) : undefined}>
              {value.value}
            </pre>
          )}
        </>
      )}
    </aside>
  )
}
