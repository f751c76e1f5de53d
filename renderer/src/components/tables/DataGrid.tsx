// The virtualized grid shared by table browsing and console results: only the visible rows are in
// the DOM, the scrollbar spans the whole row count, and the keyboard moves an active cell
// (arrows, Page Up/Down, Home/End; Enter opens it).
import { useVirtualizer } from '@tanstack/react-virtual'
import { useEffect, useRef, useState, type KeyboardEvent } from 'react'
import type { Cell } from '../../../../shared/contract/inspect'
import { cellView } from '../../format/cells'

export interface GridColumn {
  name: string
  type: string | null
  /** Marks the header of a sort-able (indexed) column. */
  sortable?: boolean
}

interface Props {
  columns: GridColumn[]
  rowCount: number
  cells(index: number): Cell[] | undefined
  onRange?(start: number, end: number): void
  onOpen(row: number, col: number): void
  sort?: { column: string; desc: boolean } | null
  onSort?(column: string): void
  testId: string
  label: string
}

const ROW_H = 26
const HEADER_H = 44

export function DataGrid({
  columns,
  rowCount,
  cells,
  onRange,
  onOpen,
  sort,
  onSort,
  testId,
  label,
}: Props) {
  const scroller = useRef<HTMLDivElement>(null)
  const [active, setActive] = useState<[number, number]>([0, 0])
  const v = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_H,
    overscan: 12,
    scrollMargin: HEADER_H,
  })
  const items = v.getVirtualItems()
  const first = items[0]?.index ?? 0
  const last = items[items.length - 1]?.index ?? 0

  useEffect(() => {
    onRange?.(first, last)
  }, [first, last, onRange])

  // A new result or view starts at the top-left cell; re-renders of the same one keep the cursor.
  const shape = `${columns.map((c) => c.name).join('\u0000')}/${rowCount}`
  useEffect(() => setActive([0, 0]), [shape])

  const template = `64px repeat(${columns.length}, minmax(140px, 220px))`

  function move(e: KeyboardEvent<HTMLDivElement>) {
    const page = Math.max(1, items.length - 4)
    const [r, c] = active
    const next: Record<string, [number, number]> = {
      ArrowDown: [r + 1, c],
      ArrowUp: [r - 1, c],
      ArrowRight: [r, c + 1],
      ArrowLeft: [r, c - 1],
      PageDown: [r + page, c],
      PageUp: [r - page, c],
      Home: e.ctrlKey || e.metaKey ? [0, c] : [r, 0],
      End: e.ctrlKey || e.metaKey ? [rowCount - 1, c] : [r, columns.length - 1],
    }
    if (e.key === 'Enter') {
      e.preventDefault()
      if (rowCount > 0) onOpen(r, c)
      return
    }
    const to = next[e.key]
    if (!to) return
    e.preventDefault()
    const nr = Math.max(0, Math.min(rowCount - 1, to[0]))
    const nc = Math.max(0, Math.min(columns.length - 1, to[1]))
    setActive([nr, nc])
    v.scrollToIndex(nr, { align: 'auto' })
  }

  return (
    <div
      ref={scroller}
      className="grid-scroll"
      data-testid={testId}
      role="grid"
      aria-label={label}
      aria-rowcount={rowCount + 1}
      aria-colcount={columns.length}
      tabIndex={0}
      onKeyDown={move}
    >
      <div className="grid-head" role="row" style={{ gridTemplateColumns: template }}>
        <span className="grid-rownum" role="columnheader">
          #
        </span>
        {columns.map((c) => {
          const sorted = sort?.column === c.name
          return (
            <span
              key={c.name}
              role="columnheader"
              className="grid-th"
              aria-sort={sorted ? (sort!.desc ? 'descending' : 'ascending') : undefined}
            >
              {c.sortable && onSort ? (
                <button
                  type="button"
                  className="grid-sort"
                  title="Indexed: sort by this column"
                  onClick={() => onSort(c.name)}
                >
                  {c.name} {sorted ? (sort!.desc ? '▼' : '▲') : '⇅'}
                </button>
              ) : (
                <span className="grid-colname">{c.name}</span>
              )}
              <span className="grid-type">{c.type ?? ''}</span>
            </span>
          )
        })}
      </div>
      <div
        className="grid-body"
        style={{ height: v.getTotalSize(), gridTemplateColumns: template }}
      >
        {items.map((it) => {
          const row = cells(it.index)
          return (
            <div
              key={it.key}
              className="grid-row"
              role="row"
              aria-rowindex={it.index + 2}
              data-index={it.index}
              style={{
                transform: `translateY(${it.start - HEADER_H}px)`,
                gridTemplateColumns: template,
              }}
            >
              <span className="grid-rownum">{(it.index + 1).toLocaleString('en-US')}</span>
              {row
                ? row.map((cell, ci) => {
                    const view = cellView(cell)
                    const isActive = active[0] === it.index && active[1] === ci
                    return (
                      <span
                        key={ci}
                        role="gridcell"
                        className={`grid-cell cell-${view.kind}${isActive ? ' active' : ''}`}
                        title={view.title}
                        aria-selected={isActive}
                        data-col={columns[ci]?.name}
                        onClick={() => setActive([it.index, ci])}
                        onDoubleClick={() => onOpen(it.index, ci)}
                      >
                        {view.text}
                      </span>
                    )
                  })
                : columns.map((c) => (
                    <span key={c.name} className="grid-cell cell-loading" aria-busy="true">
                      …
                    </span>
                  ))}
            </div>
          )
        })}
      </div>
    </div>
  )
}
