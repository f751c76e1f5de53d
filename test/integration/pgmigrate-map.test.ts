// The pre-flight's third choice (issue 5): map a CHECK list's violating values to allowed ones.
// The mapped rows load with the chosen value, the constraint is created valid, the report lists
// every mapping with its rows, validation (also re-reading SQLite) compares the source as mapped,
// and the SQLite file is not changed. A map that leaves a violator unmapped, maps to a value the
// CHECK refuses, or names an unknown constraint is refused before anything is written.
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDemoWorkspace } from '../../electron/core/workspace/demo/index'
import { ferryCli } from '../support/ferry-cli'
import { tempDir } from '../support/paths'
import { PG_URL, dropSchema, qi, query, schemaName, sha256File } from './pgmigrate-support'

const tmp = tempDir('ferry-map-')
const ferry = ferryCli(join(tmp.dir, 'config'))
const stateDb = join(tmp.dir, 'ws', '.claude', 'state.db')
const schemas: string[] = []
const newSchema = (p: string): string => {
  const s = schemaName(p)
  schemas.push(s)
  return s
}
const migrate = (schema: string, ...extra: string[]) =>
  ferry(['migrate-sqlite', stateDb, '--target', PG_URL, '--schema', schema, '--json', ...extra])

describe('pre-flight: map the values', () => {
  beforeAll(async () => {
    await createDemoWorkspace(join(tmp.dir, 'ws'), { events: 300, seed: 5 })
  })
  afterAll(async () => {
    for (const s of schemas) await dropSchema(s)
    tmp.cleanup()
  })

  it('loads the mapped value, creates the CHECK valid, reports the mapping and validates equal', async () => {
    const before = sha256File(stateDb)
    const schema = newSchema('map_ok')
    const r = migrate(schema, '--map', 'valid_agent_status:zombie=crashed')
    expect(r.code, r.stderr.slice(-1500)).toBe(0)
    const out = JSON.parse(r.stdout)
    expect(out.validation.equal).toBe(true)
    const forecast = out.preflight.constraints.find(
      (c: { name: string }) => c.name === 'valid_agent_status',
    )
    expect(forecast).toMatchObject({ choice: 'map', action: 'create', violations: 1 })
    expect(forecast.mapped).toEqual([{ column: 'status', from: 'zombie', to: 'crashed', rows: 1 }])
    const agent = forecast.sampleRows[0].match(/agent_id '([^']+)'/)[1]
    const [row] = await query<{ status: string }>(
      `SELECT status FROM ${qi(schema, 'agents')} WHERE agent_id = $1`,
      [agent],
    )
    expect(row!.status).toBe('crashed')
    const [ck] = await query<{ v: boolean }>(
      `SELECT convalidated AS v FROM pg_constraint WHERE conname = 'valid_agent_status' AND connamespace = $1::regnamespace`,
      [schema],
    )
    expect(ck!.v).toBe(true)
    // Re-reading SQLite (not the ledger) through the recorded map: still equal.
    const v = ferry(['validate-sqlite', stateDb, '--target', PG_URL, '--schema', schema, '--json'])
    expect(v.code, v.stderr.slice(-1000)).toBe(0)
    expect(JSON.parse(v.stdout).validation.equal).toBe(true)
    expect(sha256File(stateDb)).toBe(before)
    const text = ferry([
      'migrate-sqlite',
      stateDb,
      '--target',
      PG_URL,
      '--schema',
      newSchema('map_txt'),
      '--map',
      'valid_agent_status:zombie=idle',
    ])
    expect(text.stdout).toContain(
      `valid_agent_status: 1 row(s) mapped as chosen (status 'zombie' → 'idle' ×1)`,
    )
  })

  it('refuses a map to a value the CHECK does not allow, an incomplete map and an unknown constraint, writing nothing', async () => {
    const cases: [string, string, RegExp][] = [
      [
        'valid_agent_status:zombie=undead',
        'MAP_TARGET_INVALID',
        /'undead' is not allowed by valid_agent_status/,
      ],
      ['valid_agent_status:ghost=idle', 'MAP_INCOMPLETE', /unmapped: 'zombie'/],
      ['no_such_check:a=b', 'UNKNOWN_CONSTRAINT', /"no_such_check"/],
    ]
    for (const [spec, code, message] of cases) {
      const schema = newSchema('map_bad')
      const r = migrate(schema, '--map', spec)
      expect(r.code, spec).not.toBe(0)
      const err = JSON.parse(r.stdout).error
      expect(err.code, spec).toBe(code)
      expect(err.message, spec).toMatch(message)
      const [n] = await query<{ n: string }>(
        `SELECT count(*)::text AS n FROM pg_class WHERE relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = $1)`,
        [schema],
      )
      expect(n!.n, spec).toBe('0')
    }
    // --constraint reaches the pre-flight too (it was parsed but never passed on before).
    for (const [spec, code, message] of [
      ['no_such_check=stop', 'UNKNOWN_CONSTRAINT', /"no_such_check"/],
      ['valid_agent_status=stop', 'PREFLIGHT_VIOLATIONS', /valid_agent_status \(1 row\(s\)/],
    ] as const) {
      const r = migrate(newSchema('map_bad'), '--constraint', spec)
      expect(r.code, spec).not.toBe(0)
      const err = JSON.parse(r.stdout).error
      expect(err.code, spec).toBe(code)
      expect(err.message, spec).toMatch(message)
    }
    const bad = ferry(['migrate-sqlite', stateDb, '--target', PG_URL, '--map', 'nocolon'])
    expect(bad.code).not.toBe(0)
    expect(bad.stderr).toContain('--map must be constraint:value=allowed')
  })
})
