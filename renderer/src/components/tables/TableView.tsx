// One table's rows: the filter bar, the exact count of the view, the virtualized grid fed by
// keyset pages, a jump-to-key box, and the cell viewer. Ctrl/Cmd+F focuses the filter value.
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react'
import type { Filter, PageAt, TableInfo } from '../../../../shared/contract/inspect'
import type { ErrorInfo } from '../../../../shared/contract/types'
import { toErrorInfo } from '../../../../shared/contract/envelope'
import { typeLabel } from '../../format/cells'
import { formatCount, formatNumber } from '../../format/numbers'
import { useFerry } from '../../store/use-ferry'
import { ErrorNote } from '../ErrorNote'
import { CellViewer } from './CellViewer'
import { DataGrid, type GridColumn } from './DataGrid'
import { FilterBar } from './FilterBar'
import { useRowWindow } from './use-row-window'

export function TableView({ source, table }: { source: string; table: TableInfo }) {
  const inspectPage = useFerry((s) => s.inspectPage)
  const inspectCount = useFerry((s) => s.inspectCount)
  const inspectCell = useFerry((s) => s.inspectCell)
  const [filters, setFilters] = useState<Filter[]>([])
  const [sort, setSort] = useState<{ column: string; desc: boolean } | null>(null)
  const [count, setCount] = useState<number | null>(null)
  const [countError, setCountError] = useState<ErrorInfo | null>(null)
  const [open, setOpen] = useState<{ row: number; col: number } | null>(null)
  const [jump, setJump] = useState('')
  const [jumpNote, setJumpNote] = useState<string | null>(null)
  const [scrollTo, setScrollTo] = useState<number | null>(null)
  const filterInput = useRef<HTMLInputElement>(null)
  const gridBox = useRef<HTMLDivElement>(null)

  useEffect(() => {
    setFilters([])
    setSort(null)
    setOpen(null)
  }, [source, table.name])

  const view = useMemo(
    () => ({ source, table: table.name, filters, sort }),
    [source, table.name, filters, sort],
  )
  const viewKey = JSON.stringify(view)

  useEffect(() => {
    let live = true
    setCount(null)
    setCountError(null)
    inspectCount(view)
      .then((c) => live && setCount(c.rows))
      .catch((err: unknown) => live && setCountError(toErrorInfo(err)))
    return () => {
      live = false
    }
  }, [view, inspectCount])

  const fetchPage = useCallback(
    (at: PageAt, limit: number) => inspectPage({ ...view, at, limit }),
    [view, inspectPage],
  )
  const rows = useRowWindow(viewKey, count ?? 0, fetchPage)

  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'f') {
        e.preventDefault()
        filterInput.current?.focus()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])

  // Scroll requests (jump to key, first/last) go through the grid's own scroller.
  useEffect(() => {
    if (scrollTo === null) return
    const el = gridBox.current?.querySelector<HTMLElement>('.grid-scroll')
    if (el) el.scrollTop = scrollTo * 26
    setScrollTo(null)
  }, [scrollTo])

  const columns: GridColumn[] = useMemo(
    () =>
      table.columns.map((c) => ({
        name: c.name,
        type: typeLabel(c.declaredType, c.pgType) + (c.pk ? ' · PK' : ''),
        sortable: c.sortable,
      })),
    [table.columns],
  )
  const onSort = (column: string) =>
    setSort((s) =>
      s?.column === column ? (s.desc ? null : { column, desc: true }) : { column, desc: false },
    )

  async function onJump(e: FormEvent) {
    e.preventDefault()
    setJumpNote(null)
    const values = jump.split(',').map((s) => s.trim())
    try {
      const p = await inspectPage({ ...view, at: { mode: 'key', values }, limit: 1 })
      if (p.index === null) return
      setScrollTo(p.index)
      setJumpNote(
        p.rows.length ? `Row ${formatNumber(p.index + 1)}` : 'No row at or after that key',
      )
    } catch (err) {
      setJumpNote(toErrorInfo(err).message)
    }
  }

  const openRow = open ? rows.row(open.row) : undefined
  const openCol = open ? table.columns[open.col] : undefined
  const load = useMemo(
    () =>
      openRow && openCol
        ? () => inspectCell({ source, table: table.name, key: openRow.key, column: openCol.name })
        : undefined,
    [openRow, openCol, inspectCell, source, table.name],
  )

  const keyText =
    table.key.kind === 'rowid'
      ? 'rowid'
      : table.key.kind === 'ctid'
        ? 'ctid'
        : table.key.columns.join(', ')
  return (
    <div className="table-view" data-testid="table-view">
      <FilterBar
        ref={filterInput}
        columns={table.columns.map((c) => c.name)}
        filters={filters}
        onChange={setFilters}
      />
      <div className="table-view-info">
        <span data-testid="view-count" aria-live="polite">
          {count === null
            ? 'Counting…'
            : `${formatCount(count, 'row')}${filters.length ? (count === 1 ? ' matches' : ' match') : ''}`}
        </span>
        <span className="muted small">
          keyset by {keyText}
          {sort ? ` · sorted by ${sort.column} ${sort.desc ? 'descending' : 'ascending'}` : ''}
          {rows.lastMs !== null ? ` · last page ${rows.lastMs} ms` : ''}
          {rows.pending > 0 ? ' · reading rows…' : ''}
        </span>
        <form className="jump-form" onSubmit={(e) => void onJump(e)}>
          <input
            type="search"
            aria-label={`Jump to ${keyText}`}
            placeholder={`jump to ${sort ? sort.column : keyText}…`}
            value={jump}
            onChange={(e) => setJump(e.target.value)}
            data-testid="jump-key"
          />
          <button type="submit">Go</button>
          <button type="button" onClick={() => setScrollTo(0)}>
            First
          </button>
          <button type="button" onClick={() => setScrollTo(Math.max(0, (count ?? 0) - 1))}>
            Last
          </button>
          {jumpNote ? <span className="small muted">{jumpNote}</span> : null}
        </form>
      </div>
      {countError ? (
        <ErrorNote error={countError} title={`Could not read ${table.name}`} testId="view-error" />
      ) : null}
      {rows.error ? (
        <ErrorNote
          error={rows.error}
          title={`Could not read rows of ${table.name}`}
          testId="view-error"
        />
      ) : null}
      <div className={`table-view-body${open ? ' with-viewer' : ''}`} ref={gridBox}>
        <DataGrid
          testId="table-grid"
          label={`Rows of ${table.name}`}
          columns={columns}
          rowCount={count ?? 0}
          cells={(i) => rows.row(i)?.cells}
          onRange={rows.ensure}
          onOpen={(row, col) => rows.row(row) && setOpen({ row, col })}
          sort={sort}
          onSort={onSort}
        />
        {open && openRow && openCol ? (
          <CellViewer
            key={`${openRow.key}/${openCol.name}`}
            column={openCol.name}
            type={typeLabel(openCol.declaredType, openCol.pgType)}
            cell={openRow.cells[open.col] ?? null}
            load={load}
            onClose={() => setOpen(null)}
          />
        ) : null}
      </div>
    </div>
  )
}
