// A source an agent writes to during the migration (the plan keeps the old system running): the
// validation that follows the load finds the rows written after they were copied, and says why —
// SQLite's data_version moved — pointing to --delta instead of "run again to resume", which would
// find the same differences. After the delta the file validates equal and nothing moved.
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { deltaSync } from '../../electron/core/pgmigrate/delta'
import { describeMigration, describeValidateRun } from '../../electron/core/pgmigrate/summary'
import { validateSqliteRun } from '../../electron/core/pgmigrate/validate-run'
import type { MigrateResult } from '../../electron/core/pgmigrate/migrate'
import { tempDir } from '../support/paths'
import { PG_URL, dropSchema, migrate, qi, query, schemaName } from './pgmigrate-support'

const tmp = tempDir('ferry-live-')
const file = join(tmp.dir, 'live.db')
const schema = schemaName('live')

afterAll(async () => {
  await dropSchema(schema)
  tmp.cleanup()
})

function makeDb(): void {
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.exec('CREATE TABLE ev (id INTEGER PRIMARY KEY, v TEXT NOT NULL)')
  const ins = db.prepare('INSERT INTO ev (v) VALUES (?)')
  db.transaction(() => {
    for (let i = 1; i <= 500; i++) ins.run(`value ${i}`)
  })()
  db.close()
}

/**
 * A two-row table migrated into a schema of its own (dropped after) while another connection
 * runs `sql` on the file between the load and the validation.
 */
async function migrateWhileWriting(name: string, sql: string): Promise<MigrateResult> {
  const path = join(tmp.dir, `${name}.db`)
  const db = new Database(path)
  db.exec(
    "CREATE TABLE ev (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO ev (v) VALUES ('a'), ('b')",
  )
  db.close()
  const target = schemaName(name)
  let wrote = false
  try {
    return await migrate(path, target, {
      onProgress: (p) => {
        if (p.phase !== 'constraints' || wrote) return
        wrote = true
        const w = new Database(path)
        w.exec(sql)
        w.close()
      },
    })
  } finally {
    expect(wrote).toBe(true)
    await dropSchema(target)
  }
}

describe('a source written to during the migration', () => {
  it('is named as the cause of the differences, and --delta makes it equal', async () => {
    makeDb()
    let wrote = false
    const r = await migrate(file, schema, {
      onProgress: (p) => {
        // After the load, before validation: another connection commits an update and a new row.
        if (p.phase !== 'constraints' || wrote) return
        wrote = true
        const w = new Database(file)
        w.prepare("UPDATE ev SET v = 'changed by an agent' WHERE id = 7").run()
        w.prepare("INSERT INTO ev (v) VALUES ('added by an agent')").run()
        w.close()
      },
    })
    expect(wrote).toBe(true)
    const v = r.validation!
    expect(v.equal).toBe(false)
    expect(v.sourceChanged).toBe(true)
    expect(v.differentTables).toEqual(['ev'])
    const t = v.tables[0]!
    expect([t.sourceRows, t.targetRows]).toEqual([501, 500])
    expect(t.differences?.map((d) => [d.key, d.kind]).sort()).toEqual([
      ['501', 'missing-in-target'],
      ['7', 'different'],
    ])
    const text = describeMigration(r)
    expect(text).toContain(
      'SQLite was written to by another program during this run (its data_version moved)',
    )
    // Validated by re-reading SQLite (the ledger holds what was copied, not what is there now).
    expect(t.method).toBe('sqlite')
    expect(t.sourceChecksum).not.toBe(t.targetChecksum)
    expect(text).toContain(
      `→ SQLite was written to since the load, "ferry migrate-sqlite ${file} --target <url> --schema ${schema} --delta" copies those changes`,
    )

    await deltaSync({
      file,
      url: PG_URL,
      schema,
      dryRun: false,
      applyDeletes: false,
      signal: new AbortController().signal,
    })
    const after = await validateSqliteRun({
      file,
      url: PG_URL,
      schema,
      workers: 2,
      signal: new AbortController().signal,
    })
    expect(after.validation.equal).toBe(true)
    expect(after.validation.sourceChanged).toBe(false)
    expect(describeValidateRun(after)).not.toContain('data_version')
    const rows = await query<{ key: string; v: string }>(
      `SELECT id::text AS key, v FROM ${qi(schema, 'ev')} WHERE id IN (7, 501) ORDER BY id`,
    )
    expect(rows).toEqual([
      { key: '7', v: 'changed by an agent' },
      { key: '501', v: 'added by an agent' },
    ])
  })

  it('re-reads SQLite to validate when it was written to: an updated row is found, not matched against the ledger', async () => {
    const r = await migrateWhileWriting('updated', "UPDATE ev SET v = 'changed' WHERE id = 2")
    const t = r.validation!.tables[0]!
    expect(t.method).toBe('sqlite')
    expect(r.validation!.equal).toBe(false)
    expect(t.differences).toEqual([{ key: '2', kind: 'different' }])
  })

  it('refuses to call the result equal when a column was added during the run', async () => {
    await expect(
      migrateWhileWriting(
        'altered',
        "ALTER TABLE ev ADD COLUMN note TEXT; UPDATE ev SET note = 'kept only in SQLite'",
      ),
    ).rejects.toMatchObject({
      code: 'SOURCE_SCHEMA_CHANGED',
      message: expect.stringContaining(
        'The schema of altered.db changed while it was being migrated: columns changed in ev (+note)',
      ),
    })
  })

  it('is not reported when nothing wrote to it', async () => {
    const quiet = schemaName('quiet')
    try {
      const r = await migrate(file, quiet)
      expect(r.validation!.equal).toBe(true)
      expect(r.validation!.sourceChanged).toBe(false)
    } finally {
      await dropSchema(quiet)
    }
  })
})
