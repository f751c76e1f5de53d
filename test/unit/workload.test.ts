import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { compareRuns, ratio } from '../../electron/core/workload/compare'
import { WORKLOAD, toPostgresSql } from '../../electron/core/workload/queries'
import {
  decodeParams,
  encodeParams,
  percentileOf,
  pickParams,
  summarise,
  type QueryResult,
} from '../../electron/core/workload/run'

const result = (
  query: string,
  p50: number | null,
  extra: Partial<QueryResult> = {},
): QueryResult => ({
  query,
  description: query,
  sql: 'SELECT 1',
  params: [],
  p50,
  p95: p50 === null ? null : p50 * 2,
  p99: p50 === null ? null : p50 * 3,
  mean: p50,
  iterations: p50 === null ? 0 : 30,
  rows: 1,
  plan: 'SCAN t',
  resultSha256: 'aa',
  skipped: p50 === null ? 'no table t in this database' : null,
  ...extra,
})

describe('the workload definition', () => {
  it('is data: unique names, `?` parameters only where a picker supplies them, known tables', () => {
    expect(new Set(WORKLOAD.map((q) => q.name)).size).toBe(WORKLOAD.length)
    expect(WORKLOAD.length).toBeGreaterThanOrEqual(12)
    for (const q of WORKLOAD) {
      const params = (q.sql.match(/\?/g) ?? []).length
      expect(params, q.name).toBe(q.pick ? 1 : 0)
      expect(q.tables, q.name).toContain(q.pick?.table ?? q.tables[0])
      expect(q.sql, q.name).toMatch(/ORDER BY|WHERE agent_id = \?$/)
    }
  })

  it('rewrites parameters for PostgreSQL outside strings, and uses the variant where there is one', () => {
    expect(toPostgresSql({ sql: "SELECT '?' AS q, a FROM t WHERE a = ? AND b = ?" })).toBe(
      "SELECT '?' AS q, a FROM t WHERE a = $1 AND b = $2",
    )
    const unread = WORKLOAD.find((q) => q.name === 'agent_unread_messages')!
    expect(toPostgresSql(unread)).toContain('is_read::int = 0')
    expect(toPostgresSql(unread)).toContain('to_agent = $1')
  })

  it('picks the most frequent values deterministically, ties broken by value, integers exact', () => {
    const db = new Database(':memory:')
    db.exec(
      "CREATE TABLE events (agent_id TEXT, n INTEGER); INSERT INTO events VALUES ('b', 1), ('a', 1), ('c', 1), ('c', 1), (NULL, 1), (NULL, 1), (NULL, 1)",
    )
    const q = WORKLOAD.find((x) => x.name === 'agent_recent_events')!
    expect(pickParams(db, q, 2)).toEqual([['c'], ['a']])
    db.exec(
      'CREATE TABLE tasks (parent_task_id INTEGER); INSERT INTO tasks VALUES (9007199254740993)',
    )
    const picked = pickParams(
      db,
      WORKLOAD.find((x) => x.name === 'task_children')!,
      5,
    )
    expect(picked).toEqual([[9007199254740993n]])
    expect(decodeParams(JSON.parse(JSON.stringify(encodeParams(picked))) as unknown[][])).toEqual(
      picked,
    )
    db.close()
  })
})

describe('workload statistics', () => {
  it('computes nearest-rank percentiles and the median of an even count', () => {
    const s = Array.from({ length: 100 }, (_, i) => i + 1)
    expect(percentileOf(s, 0.95)).toBe(95)
    expect(percentileOf(s, 0.99)).toBe(99)
    expect(percentileOf(s, 0.5)).toBe(50.5)
    expect(summarise([3, 1, 2])).toEqual({ p50: 2, p95: 3, p99: 3, mean: 2 })
  })

  it('compares runs per query with speed-ups, verdicts and result identity', () => {
    const rows = compareRuns(
      [
        result('fast', 10),
        result('noise', 0.02),
        result('worse', 0.3),
        result('gone', null),
        result('changed', 1),
      ],
      [
        result('fast', 2),
        result('noise', 0.05),
        result('worse', 109),
        result('gone', null),
        result('changed', 1, { resultSha256: 'bb' }),
        result('new', 1),
      ],
    )
    const by = Object.fromEntries(rows.map((r) => [r.query, r]))
    expect(by.fast).toMatchObject({
      p50Before: 10,
      p50After: 2,
      speedupP50: 5,
      speedupP95: 5,
      verdict: 'faster',
      sameResults: true,
    })
    expect(by.noise!.verdict).toBe('same')
    expect(by.worse).toMatchObject({ verdict: 'slower', speedupP50: 0.00275 })
    expect(by.gone).toMatchObject({ verdict: 'skipped', speedupP50: null, sameResults: null })
    expect(by.changed).toMatchObject({ verdict: 'same', sameResults: false })
    expect(by.new).toMatchObject({ verdict: 'skipped', skipped: 'not in the baseline' })
    expect(ratio(1, 3)).toBe(0.333)
  })
})
