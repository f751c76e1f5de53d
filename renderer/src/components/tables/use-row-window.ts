// The rows of a table view as 200-row pages fetched around what is visible. A page next to one
// already loaded is fetched by keyset from its neighbour's edge key; a page far away (the user
// dragged the scrollbar) by row index, which the backend answers from its sampled keys.
import { useCallback, useEffect, useRef, useState } from 'react'
import type { PageAt, PageResult, Row } from '../../../../shared/contract/inspect'
import type { ErrorInfo } from '../../../../shared/contract/types'
import { toErrorInfo } from '../../../../shared/contract/envelope'

export const PAGE = 200
const KEEP_PAGES = 60
const MAX_INFLIGHT = 3

export interface RowWindow {
  row(index: number): Row | undefined
  /** Asks for the pages covering [start, end] (and one on each side). */
  ensure(start: number, end: number): void
  error: ErrorInfo | null
  /** Latency of the last page the backend answered. */
  lastMs: number | null
  loaded: number
  /** Pages being fetched right now. */
  pending: number
}

export function useRowWindow(
  viewKey: string,
  total: number,
  fetchPage: (at: PageAt, limit: number) => Promise<PageResult>,
): RowWindow {
  const pages = useRef(new Map<number, Row[]>())
  const inflight = useRef(new Set<number>())
  const wanted = useRef<[number, number]>([0, 0])
  const gen = useRef(0)
  const [, bump] = useState(0)
  const [error, setError] = useState<ErrorInfo | null>(null)
  /** After a failed page nothing more is fetched until the view changes (no retry loop). */
  const failed = useRef(false)
  const [lastMs, setLastMs] = useState<number | null>(null)

  useEffect(() => {
    gen.current++
    pages.current = new Map()
    inflight.current = new Set()
    failed.current = false
    setError(null)
    bump((n) => n + 1)
  }, [viewKey])

  const load = useCallback(
    (p: number) => {
      const g = gen.current
      const before = pages.current.get(p - 1)
      const after = pages.current.get(p + 1)
      const at: PageAt =
        p === 0
          ? { mode: 'first' }
          : before && before.length === PAGE
            ? { mode: 'after', key: before[PAGE - 1]!.key }
            : after && after.length > 0
              ? { mode: 'before', key: after[0]!.key }
              : { mode: 'index', index: p * PAGE }
      inflight.current.add(p)
      fetchPage(at, PAGE)
        .then((res) => {
          if (g !== gen.current) return
          pages.current.set(p, res.rows)
          setLastMs(res.ms)
          // Forget pages far from what is on screen, so a long scroll does not grow memory.
          if (pages.current.size > KEEP_PAGES) {
            const mid = Math.floor(wanted.current[0] / PAGE)
            const far = [...pages.current.keys()].sort(
              (a, b) => Math.abs(b - mid) - Math.abs(a - mid),
            )
            for (const k of far.slice(0, pages.current.size - KEEP_PAGES)) pages.current.delete(k)
          }
        })
        .catch((err: unknown) => {
          if (g !== gen.current) return
          failed.current = true
          setError(toErrorInfo(err))
        })
        .finally(() => {
          if (g !== gen.current) return
          inflight.current.delete(p)
          bump((n) => n + 1)
        })
    },
    [fetchPage],
  )

  const ensure = useCallback(
    (start: number, end: number) => {
      wanted.current = [start, end]
      if (total <= 0 || failed.current) return
      const first = Math.max(0, Math.floor(start / PAGE) - 1)
      const last = Math.min(Math.floor((total - 1) / PAGE), Math.floor(end / PAGE) + 1)
      // Visible pages first, then the neighbours.
      const order: number[] = []
      for (let p = Math.floor(start / PAGE); p <= Math.min(last, Math.floor(end / PAGE)); p++)
        order.push(p)
      if (first < Math.floor(start / PAGE)) order.push(first)
      if (last > Math.floor(end / PAGE)) order.push(last)
      for (const p of order) {
        if (inflight.current.size >= MAX_INFLIGHT) break
        if (!pages.current.has(p) && !inflight.current.has(p)) load(p)
      }
    },
    [load, total],
  )

  // A finished fetch may leave visible pages still missing (the in-flight cap): ask again.
  useEffect(() => {
    ensure(wanted.current[0], wanted.current[1])
  })

  const row = useCallback(
    (index: number) => pages.current.get(Math.floor(index / PAGE))?.[index % PAGE],
    [],
  )
  return { row, ensure, error, lastMs, loaded: pages.current.size, pending: inflight.current.size }
}
