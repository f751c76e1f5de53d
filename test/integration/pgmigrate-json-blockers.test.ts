// JSON that jsonb would refuse or change beyond its spelling — a duplicate key (jsonb keeps only
// the last value), \u0000 (22P05) — blocks the jsonb candidate in the profile, like invalid JSON:
// the column stays text and every row loads exactly, instead of the column becoming jsonb and
// those rows going to the reject log.
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { dropSchema, migrate, qi, query, schemaName } from './pgmigrate-support'
import { tempDir } from '../support/paths'

const t = tempDir('ferry-jsonblock-')
const schema = schemaName('jsonblock')
afterAll(async () => {
  await dropSchema(schema)
  t.cleanup()
})

describe('JSON values jsonb cannot keep', () => {
  it('keep their column text, every row loaded as written; clean JSON still becomes jsonb', async () => {
    const file = join(t.dir, 'docs.db')
    const db = new Database(file)
    db.exec(`CREATE TABLE docs (id INTEGER PRIMARY KEY, dup JSON, nul JSON, clean JSON);`)
    const ins = db.prepare('INSERT INTO docs VALUES (?, ?, ?, ?)')
    ins.run(1, '{"a":1}', '{"s":"x"}', '{"k":[1,2]}')
    ins.run(2, '{"a":1,"a":2}', '{"s":"\\u0000"}', '{"k":{"z":null}}')
    ins.run(3, '[{"b":1,"b":1}]', '["fine"]', '[]')
    db.close()

    const r = await migrate(file, schema)
    const types = Object.fromEntries(r.columns.map((c) => [c.column, c.type]))
    expect(types).toMatchObject({ dup: 'text', nul: 'text', clean: 'jsonb' })
    const dup = r.columns.find((c) => c.column === 'dup')!
    expect(dup.rejectedCandidates[0]).toMatchObject({
      type: 'jsonb',
      count: 2,
      sampleKeys: ['2', '3'],
    })
    expect(r.rejects.total).toBe(0)
    expect(await query(`SELECT dup, nul FROM ${qi(schema, 'docs')} ORDER BY id`)).toEqual([
      { dup: '{"a":1}', nul: '{"s":"x"}' },
      { dup: '{"a":1,"a":2}', nul: '{"s":"\\u0000"}' },
      { dup: '[{"b":1,"b":1}]', nul: '["fine"]' },
    ])
    expect(r.validation?.equal).toBe(true)
  })
})
