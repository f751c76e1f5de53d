import { describe, expect, it } from 'vitest'
import {
  columnRows,
  constraintRows,
  draftFrom,
  draftProblem,
  optionsFrom,
  outcomeText,
  savedElsewhere,
} from '../../../renderer/src/format/schema-choices'
import {
  SchemaOptionsRequest,
  SchemaOptionsSchema,
  fromRequest,
  toRequest,
} from '../../../shared/contract/schema-options'

// The shape p3.schema's evidence has (schema-step.ts), trimmed to what the panel reads.
const evidence = {
  preflight: {
    constraints: [
      {
        table: 'agents',
        kind: 'check',
        name: 'valid_agent_status',
        definition: "CHECK (\"status\" IN ('active', 'idle'))",
        violations: 3,
        sampleRows: ["rowid 7 (agent_id 'qa-01')"],
        values: [
          { value: 'zombie', count: 2 },
          { value: null, count: 1 },
        ],
        allowed: ['active', 'idle'],
        choice: 'not-valid',
        action: 'not-valid',
      },
      {
        table: 'tasks',
        kind: 'foreign-key',
        name: 'tasks_agent_id_fkey',
        definition: 'FOREIGN KEY …',
        violations: 0,
        values: [],
        sampleRows: [],
        choice: 'not-valid',
        action: 'create',
      },
      {
        table: 'events',
        kind: 'foreign-key',
        name: 'events_agent_id_fkey',
        definition: 'FOREIGN KEY (agent_id) REFERENCES agents (agent_id)',
        violations: 4,
        values: [{ value: 'gone', count: 4 }],
        sampleRows: [],
        choice: 'skip-constraint',
        action: 'skip',
      },
    ],
  },
  types: {
    columns: [
      {
        table: 'agents',
        column: 'configuration',
        declaredType: 'TEXT',
        type: 'text',
        rejectedCandidates: [
          { type: 'jsonb', reason: '1 value is not a valid JSON object or array', count: 1 },
        ],
        notes: ["type chosen by the user (Ferry's choice from the values: jsonb)"],
        forecastRejects: 0,
      },
      {
        table: 'agents',
        column: 'id',
        declaredType: 'INTEGER',
        type: 'bigint (identity)',
        rejectedCandidates: [],
        notes: ['ISO-8601 text; values without an offset are read as UTC'],
        forecastRejects: 0,
      },
    ],
  },
}

describe('p3.schema choices panel (format)', () => {
  it('lists only violated constraints, with the mappable values and what the last run did', () => {
    const rows = constraintRows(evidence)
    expect(rows.map((r) => r.name)).toEqual(['valid_agent_status', 'events_agent_id_fkey'])
    expect(rows[0]!.allowed).toEqual(['active', 'idle'])
    expect(rows[1]!.allowed).toBeNull()
    expect(outcomeText(rows[0]!)).toMatch(/NOT VALID/)
    expect(outcomeText(rows[1]!)).toBe('not created (loaded without it)')
    expect(
      outcomeText({
        ...rows[0]!,
        action: 'create',
        mapped: [{ from: 'zombie', to: 'idle', rows: 2 }],
      }),
    ).toBe("mapped 'zombie' → 'idle' (2 row(s)); created valid")
    expect(constraintRows(null)).toEqual([])
    expect(constraintRows({ preflight: 'garbage' })).toEqual([])
  })

  it('reads each column with its refused candidates and whether the type was chosen by hand', () => {
    const cols = columnRows(evidence)
    expect(cols[0]).toMatchObject({
      ref: 'agents.configuration',
      overridden: true,
      blocked: ['jsonb: 1 value is not a valid JSON object or array'],
    })
    expect(cols[1]).toMatchObject({ ref: 'agents.id', overridden: false, blocked: [] })
    // The notes shown under the type; the "chosen by hand" one is the tag instead.
    expect(cols.map((c) => c.notes)).toEqual([
      [],
      ['ISO-8601 text; values without an offset are read as UTC'],
    ])
  })

  it('a map must cover every violating value (NULL cannot be mapped), and only maps chosen are saved', () => {
    const rows = constraintRows(evidence)
    const d = draftFrom(SchemaOptionsSchema.parse({}))
    d.choices.valid_agent_status = 'map'
    d.maps.valid_agent_status = { zombie: 'idle' }
    expect(draftProblem(d, rows)).toBe(
      'Map every violating value of valid_agent_status: NULL (cannot be mapped)',
    )
    d.choices.valid_agent_status = 'skip-constraint'
    expect(draftProblem(d, rows)).toBeNull()
    d.choices.events_agent_id_fkey = ''
    d.types['agents.configuration'] = 'text'
    d.types['agents.id'] = ''
    expect(optionsFrom(d)).toEqual({
      identifiers: 'preserve',
      onViolation: 'not-valid',
      choices: { valid_agent_status: 'skip-constraint' },
      maps: {},
      types: { 'agents.configuration': 'text' },
    })
  })

  it('round-trips saved options: a mapped constraint comes back as the map choice', () => {
    const saved = SchemaOptionsSchema.parse({
      choices: { fk: 'stop' },
      maps: { valid_agent_status: { zombie: 'idle' } },
      types: { 'a.b': 'jsonb' },
    })
    const d = draftFrom(saved)
    expect(d.choices).toEqual({ fk: 'stop', valid_agent_status: 'map' })
    expect(SchemaOptionsSchema.parse(optionsFrom(d))).toEqual(saved)
  })

  it('lists saved choices the last run does not show (a failed first run), so they can be undone', () => {
    const d = draftFrom(
      SchemaOptionsSchema.parse({
        choices: { valid_agent_status: 'stop', gone_fk: 'skip-constraint' },
        types: { 'agents.configuration': 'text', 'old.col': 'jsonb' },
      }),
    )
    expect(savedElsewhere(d, constraintRows(evidence), columnRows(evidence))).toEqual({
      names: ['gone_fk'],
      refs: ['old.col'],
    })
    expect(savedElsewhere(d, [], [])).toEqual({
      names: ['valid_agent_status', 'gone_fk'],
      refs: ['agents.configuration', 'old.col'],
    })
    d.choices.gone_fk = ''
    expect(savedElsewhere(d, [], []).names).toEqual(['valid_agent_status'])
  })

  it('crosses the IPC boundary as bounded lists and comes back as the same options', () => {
    const saved = SchemaOptionsSchema.parse({
      identifiers: 'lower',
      choices: { fk: 'stop' },
      maps: { valid_agent_status: { zombie: 'idle', undead: 'active' } },
      types: { 'a.b': 'jsonb' },
    })
    const req = SchemaOptionsRequest.parse(toRequest(saved))
    expect(req.maps).toEqual([
      { constraint: 'valid_agent_status', from: 'zombie', to: 'idle' },
      { constraint: 'valid_agent_status', from: 'undead', to: 'active' },
    ])
    expect(fromRequest(req)).toEqual(saved)
  })
})
