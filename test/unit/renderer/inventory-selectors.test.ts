// The Inventory screen's selectors: the model read from inventory.json, the texts, the hostile
// marks, sorting, filtering and the cap on very long lists.
import { describe, expect, it } from 'vitest'
import {
  DEFAULT_QUERY,
  inventoryFacts,
  inventoryModel,
  isProblem,
  nextQuery,
  parseText,
  planText,
  nameHazard,
  queryEntries,
  RENDER_CAP,
  visibleRows,
} from '../../../renderer/src/store/inventory-selectors'
import { folderChartData, sizeScale } from '../../../renderer/src/store/inventory-chart'
import { inventoryDoc } from './inventory-fixture'

const model = () => inventoryModel(inventoryDoc())!
const entry = (path: string) => model().entries.find((e) => e.path === path)!

describe('inventory model', () => {
  it('is null without an inventory, or for a document that is not one', () => {
    expect(inventoryModel(null)).toBeNull()
    expect(inventoryModel({ totals: {} })).toBeNull()
  })

  it('lists files and hostile entries but not folders, paths exactly as given', () => {
    const paths = model().entries.map((e) => e.path)
    expect(paths).not.toContain('.claude/logs')
    expect(paths).toContain('.claude/context/bad\\xff.md')
    expect(paths).toHaveLength(8)
  })

  it('says the headline totals, secrets as a count only', () => {
    const facts = Object.fromEntries(inventoryFacts(model()).map((f) => [f.key, f.text]))
    expect(facts).toMatchObject({
      files: '8',
      size: '206 KB',
      import: '5 files',
      skip: '3 files',
      secrets: '4 in 1 place (redacted on import)',
      // agents.jsonl.1 (a truncated last line) and broken.yaml (does not parse).
      parse: '2 files',
      hazards: '▲ 4',
    })
  })

  it('counts secrets in skipped files apart, so the headline matches the badges', () => {
    const m = model()
    const skippedEntry = m.entries.find((e) => e.plan.action !== 'import')!
    skippedEntry.secrets = 2
    const facts = Object.fromEntries(inventoryFacts(m).map((f) => [f.key, f.text]))
    expect(facts.secrets).toBe(
      '4 in 1 place (redacted on import); 2 in 1 skipped file (not imported)',
    )
    m.secretsFound = 0
    m.secretFiles = 0
    expect(inventoryFacts(m).find((f) => f.key === 'secrets')!.text).toBe(
      '2 in 1 skipped file (not imported)',
    )
  })

  it('orders the expected rows by table, biggest first', () => {
    expect(model().totals.expectedRows).toEqual([
      { table: 'file_events', rows: 1234 },
      { table: 'file_configurations', rows: 9 },
    ])
  })
})

describe('entry texts', () => {
  it('says where a file goes and how many rows, or why it is skipped', () => {
    expect(planText(entry('.claude/logs/agents.jsonl').plan)).toBe('→ events (1,234 rows)')
    expect(planText(entry('.claude/config/broken.yaml').plan)).toBe(
      'skipped: config that does not parse',
    )
    expect(
      planText({ action: 'import', target: 'events', table: 'file_events', expectedRows: null }),
    ).toBe('→ events')
  })

  it('gives the parse status with the first error and its line', () => {
    expect(parseText(entry('.claude/logs/agents.jsonl'))).toBe('ok')
    expect(parseText(entry('.claude/logs/agents.jsonl.1'))).toBe(
      '1 error — line 432: invalid JSON at column 139: unexpected end of input',
    )
    expect(parseText(entry('.claude/config/broken.yaml'))).toBe('failed — bad indentation')
  })

  it('marks hostile entries with the reason, and not the ordinary ones', () => {
    expect(entry('.claude/context/outside').hazards[0]).toMatch(
      /outside the workspace.*\/etc\/passwd/,
    )
    expect(entry('.claude/context/pipe').hazards).toEqual(['special file (fifo)'])
    expect(entry('.claude/context/bad\\xff.md').hazards).toEqual([
      'name is not valid UTF-8 (shown escaped)',
    ])
    // A newline in a name is valid UTF-8: escaped for display, but not called invalid.
    expect(nameHazard(Buffer.from('.claude/context/odd\nname.md').toString('hex'))).toBe(
      'name holds control characters (shown escaped)',
    )
    expect(entry('.claude/context/latin1.md').hazards).toEqual(['invalid UTF-8 at line 3'])
    expect(entry('.claude/logs/agents.jsonl').hazards).toEqual([])
    expect(entry('.claude/config/.env')).toMatchObject({ hazards: [], secrets: 4 })
  })
})

describe('sorting and filtering', () => {
  it('sorts by path by default, and by size biggest first when the column is chosen', () => {
    const byPath = queryEntries(model().entries, DEFAULT_QUERY).map((e) => e.path)
    expect(byPath).toEqual([...byPath].sort())
    const q = nextQuery(DEFAULT_QUERY, 'size')
    expect(q).toMatchObject({ sort: 'size', desc: true })
    expect(queryEntries(model().entries, q)[0]!.path).toBe('.claude/logs/agents.jsonl')
    expect(nextQuery(q, 'size').desc).toBe(false)
  })

  it('puts failed parses first when sorting by parse status, ties by path', () => {
    const rows = queryEntries(model().entries, { ...DEFAULT_QUERY, sort: 'parse' })
    expect(rows.slice(0, 2).map((e) => e.parse)).toEqual(['failed', 'errors'])
  })

  it('filters by path text and to the problems only', () => {
    const env = queryEntries(model().entries, { ...DEFAULT_QUERY, text: '.ENV' })
    expect(env.map((e) => e.path)).toEqual(['.claude/config/.env'])
    const problems = queryEntries(model().entries, { ...DEFAULT_QUERY, problemsOnly: true })
    expect(problems.map((e) => e.path).sort()).toEqual([
      '.claude/config/broken.yaml',
      '.claude/context/bad\\xff.md',
      '.claude/context/latin1.md',
      '.claude/context/outside',
      '.claude/context/pipe',
      '.claude/logs/agents.jsonl.1',
    ])
    expect(problems.every(isProblem)).toBe(true)
  })

  it('renders only the first rows of a very long list and says how many are left', () => {
    const many = Array.from({ length: 2500 }, (_, i) => i)
    expect(visibleRows(many)).toMatchObject({ hidden: 2500 - RENDER_CAP })
    expect(visibleRows(many).rows).toHaveLength(RENDER_CAP)
    expect(visibleRows(many.slice(0, 2000))).toMatchObject({ hidden: 0 })
  })
})

describe('folder chart', () => {
  it('uses one unit for the axis, picked from the largest folder', () => {
    expect(sizeScale(500)).toEqual({ unit: 'B', divisor: 1 })
    expect(sizeScale(3_436_544)).toEqual({ unit: 'MB', divisor: 1024 ** 2 })
    const data = folderChartData(model().byFolder)
    expect(data.unit).toBe('MB')
    expect(data.rows.find((r) => r.folder === '.claude/ (top level)')).toMatchObject({
      size: 3.28,
      bytes: 3_436_544,
    })
  })
})
