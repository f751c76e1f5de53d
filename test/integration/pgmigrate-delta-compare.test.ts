// Delta sync of tables without a time column (issue 5, "Delta sync for the cut-over"): every copied
// row is compared with the target by its text, so a case-only change under COLLATE NOCASE is
// carried, and a row kept under a NOT VALID constraint it breaks is left alone while unchanged
// (PostgreSQL checks an upsert's proposed row before it looks for the conflict).
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../support/paths'
import { deltaSync } from '../../electron/core/pgmigrate/delta'
import { validateSqliteRun } from '../../electron/core/pgmigrate/validate-run'
import { PG_URL, dropSchema, migrate, qi, query, schemaName } from './pgmigrate-support'

const tmp = tempDir('ferry-delta-cmp-')
const file = join(tmp.dir, 'notes.db')
const schema = schemaName('delta_cmp')
const signal = new AbortController().signal

beforeAll(async () => {
  const db = new Database(file)
  db.exec(`CREATE TABLE tags (id INTEGER PRIMARY KEY, label TEXT COLLATE NOCASE, n INTEGER CHECK (n > 0));
    PRAGMA ignore_check_constraints = ON;
    INSERT INTO tags VALUES (1, 'abc', 1), (2, 'kept', -5), (3, 'x', 3);`)
  db.close()
  const r = await migrate(file, schema, { workers: 1 })
  expect(r.validation!.equal).toBe(true)
}, 60_000)

afterAll(async () => {
  await dropSchema(schema)
  tmp.cleanup()
})

describe('delta sync of a table without a time column', () => {
  it('carries a case-only change, leaves the unchanged NOT VALID row alone, and validates equal', async () => {
    const db = new Database(file)
    db.exec("UPDATE tags SET label = 'ABC' WHERE id = 1; UPDATE tags SET n = 30 WHERE id = 3")
    db.close()
    const d = await deltaSync({
      file,
      url: PG_URL,
      schema,
      dryRun: false,
      applyDeletes: false,
      signal,
    })
    expect(d.lag[0]).toMatchObject({ table: 'tags', status: 'compared', changedRows: null, lag: 0 })
    expect(d.tables[0]).toMatchObject({ status: 'compared', changedRows: 3, changedApplied: 2 })
    expect(
      await query(`SELECT id::int, label, n::int FROM ${qi(schema, 'tags')} ORDER BY id`),
    ).toEqual([
      { id: 1, label: 'ABC', n: 1 },
      { id: 2, label: 'kept', n: -5 },
      { id: 3, label: 'x', n: 30 },
    ])
    const v = await validateSqliteRun({ file, url: PG_URL, schema, workers: 1, signal })
    expect(v.validation.equal).toBe(true)
  }, 60_000)
})
