import { describe, expect, it } from 'vitest'
import { pickTable, schemaModel, tableList } from '../../../renderer/src/store/schema-selectors'
import { schemaDoc } from './schema-fixture'

const model = () => schemaModel(schemaDoc())
const table = (name: string) => {
  const t = model().tables.find((x) => x.name === name)
  if (!t) throw new Error(`no table ${name}`)
  return t
}

describe('schema model', () => {
  it('states the database facts with units and separators', () => {
    const facts = Object.fromEntries(model().facts.map((f) => [f.label, f.text]))
    expect(facts).toMatchObject({
      SQLite: '3.53.2',
      Tables: '3',
      Rows: '2,012 rows',
      'File size': '3.3 MB (839 pages × 4 KB)',
      'Journal mode': 'delete',
      'Profiled in': '321 ms',
      Views: 'none',
    })
  })

  it('shows events.agent_id as a foreign key to agents that no index serves, with 17 orphans', () => {
    const events = table('events')
    const agentId = events.columns.find((c) => c.name === 'agent_id')!
    expect(agentId.references).toBe('agents.agent_id')
    expect(agentId.fkIndexed).toBe(false)
    expect(events.unindexedFks).toBe(1)
    expect(events.foreignKeys[0]).toMatchObject({
      columnsText: 'agent_id',
      refText: 'agents.agent_id',
      indexed: false,
      orphans: { text: '17 rows', warn: true, samples: ['frontend-04'] },
    })
    expect(events.metaText).toBe('1 FK · 1 index')
    expect(events.profileText).toBe('Profiled 2,000 rows in 50 ms')
  })

  it('summarises storage classes and nulls per column', () => {
    const agentId = table('events').columns.find((c) => c.name === 'agent_id')!
    expect(agentId.storage?.text).toBe('text 96 % · null 4 %')
    expect(agentId.nullsText).toBe('82 (4 %)')
    const eventId = table('events').columns[0]!
    expect(eventId.storage?.text).toBe('integer 100 %')
    expect(eventId.nullsText).toBe('none')
    expect(eventId.profile?.chips.map((c) => c.text)).toContain('integers 1 … 2,000')
  })

  it('flags invalid JSON in a column as a warning chip and a finding', () => {
    const payload = table('events').columns.find((c) => c.name === 'payload')!
    const chips = payload.profile?.chips ?? []
    expect(chips.find((c) => c.warn)?.text).toBe('1 invalid JSON')
    expect(payload.findingCount).toBe(1)
  })

  it('counts an INTEGER PRIMARY KEY or a leading composite key as an index for a foreign key', () => {
    const pt = table('project_tasks')
    expect(pt.foreignKeys.map((f) => [f.columnsText, f.indexed])).toEqual([
      ['project_id', true],
      ['task_id', false],
    ])
    expect(pt.foreignKeys[0]!.refText).toBe('projects (primary key)')
    expect(pt.foreignKeys[0]!.orphans).toBeNull()
  })

  it('keeps what it does not know: unknown table fields land in extras, count errors are said', () => {
    const pt = table('project_tasks')
    expect(pt.extras).toEqual({ somethingNew: { flavour: 'vanilla' } })
    expect(pt.rowsText).toBe('not counted')
    expect(pt.countError).toBe('no such module: fts5')
    expect(pt.tags).toEqual(['WITHOUT ROWID'])
  })

  it('attaches findings to their tables and keeps the ones for unknown tables', () => {
    const m = model()
    expect(table('events').findings.map((f) => f.kind)).toEqual(['orphans', 'invalid-json'])
    const orphan = table('events').findings[0]!
    expect(orphan).toMatchObject({
      kindLabel: 'Orphans',
      countText: '17 rows',
      message: 'references agents(agent_id); these keys have no parent row',
      samplesLabel: 'Keys without a parent',
      samples: ['frontend-04'],
    })
    expect(table('events').findings[1]!.samplesLabel).toBe('Rows (rowid)')
    expect(m.findings.find((f) => f.table === 'gone')?.samples).toEqual(['{"a":1}'])
  })

  it('lists the CHECK-list result of a table', () => {
    expect(table('agents').checks).toEqual([
      expect.objectContaining({
        column: 'status',
        allowedText: 'active, idle',
        sourceText: 'the plan’s PostgreSQL schema',
        text: '1 row outside',
        samples: ['zombie × 1'],
      }),
    ])
  })

  it('lists distinct values with their counts, without repeating one storage class', () => {
    const status = table('agents').columns.find((c) => c.name === 'status')!
    expect(status.profile?.values).toEqual([
      { text: 'active', isNull: false, type: null, countText: '7 rows' },
      { text: 'zombie', isNull: false, type: null, countText: '1 row' },
    ])
    expect(status.profile?.chips[0]?.text).toBe('2 distinct')
  })

  it('takes findings from the step evidence when the document has none', () => {
    const doc = schemaDoc()
    delete doc.findings
    const m = schemaModel(doc, [{ table: 'agents', column: 'status', kind: 'odd', count: 3 }])
    expect(m.tables.find((t) => t.name === 'agents')?.findings.map((f) => f.kind)).toEqual(['odd'])
  })

  it('survives a document of an unknown shape', () => {
    const m = schemaModel({ tables: 'nope', surprise: 42 })
    expect(m.tables).toEqual([])
    expect(m.extras).toEqual({ surprise: 42 })
    expect(schemaModel({ tables: [{ columns: [{}] }] }).tables[0]!.columns[0]!.name).toBe(
      'column 1',
    )
  })
})

describe('table list', () => {
  it('filters by name, case-insensitively, and marks tables with findings', () => {
    const m = model()
    expect(tableList(m.tables, 'EV').map((t) => t.name)).toEqual(['events'])
    expect(tableList(m.tables, '').map((t) => t.findingsText)).toEqual([
      '1 finding',
      '2 findings',
      null,
    ])
  })

  it('shows the chosen table, else the first one the filter lets through', () => {
    const m = model()
    expect(pickTable(m.tables, 'events', '')?.name).toBe('events')
    expect(pickTable(m.tables, null, 'proj')?.name).toBe('project_tasks')
    expect(pickTable(m.tables, 'missing', '')?.name).toBe('agents')
    expect(pickTable(m.tables, null, 'zzz')).toBeNull()
  })
})
