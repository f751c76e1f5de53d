// The terminal summary of a migration stays readable when nearly every name changes
// (--identifiers lower on a mixed-case database): the first renames, then a count by kind.
import { describe, expect, it } from 'vitest'
import type { MigrateResult } from '../../electron/core/pgmigrate/migrate'
import { NO_VALUES } from '../../electron/core/pgmigrate/decide'
import { describeMigration, describeValidateRun } from '../../electron/core/pgmigrate/summary'
import type { ValidateRunResult } from '../../electron/core/pgmigrate/validate-run'

function result(renames: number): MigrateResult {
  const names = Array.from({ length: renames }, (_, i) => ({
    kind: i % 3 === 0 ? 'table' : 'column',
    table: `T${i}`,
    source: `Name${i}`,
    target: `name${i}`,
    reason: 'lower-cased (--identifiers lower)',
  }))
  return {
    resumed: false,
    source: { file: 'x.db', tables: 0, rows: 0 },
    target: { url: 'postgres://h/db', schema: 's', server: '15' },
    tables: [],
    columns: [],
    names,
    notCarried: [],
    constraints: [],
    preflight: null,
    casePreview: { policy: 'lower', changed: names },
    rejects: { total: 0, rows: [] },
    validation: null,
    rowsPerSec: 0,
    timings: { loadMs: 0, constraintsMs: 0, totalMs: 0 },
  } as unknown as MigrateResult
}

describe('describeMigration', () => {
  it('says a database without tables has nothing to copy, and names a finding once when it is the table', () => {
    const empty = describeMigration(result(0))
    expect(empty).toContain('  0 tables: 0 rows loaded')
    expect(empty).toContain('The database has no tables')
    expect(empty).not.toContain('Types:')
    const r = result(0)
    r.notCarried = [
      { kind: 'table', table: 'docs', name: 'docs', detail: 'full-text table (fts5)', sql: null },
      { kind: 'index', table: 'docs', name: 'ix', detail: 'not translated', sql: null },
    ]
    const text = describeMigration(r)
    expect(text).toContain('    table "docs": full-text table (fts5)')
    expect(text).toContain('    index on docs "ix": not translated')
  })

  it('lists the first 20 renames, counts the rest by kind, and points to them', () => {
    const text = describeMigration(result(50))
    const lines = text.split('\n')
    expect(lines.filter((l) => l.startsWith('  Renamed '))).toHaveLength(20)
    expect(text).toContain('  Renamed table "Name0" → "name0" (lower-cased (--identifiers lower))')
    expect(text).not.toContain('"Name20"')
    // Renames 20…49: i % 3 === 0 for 21, 24, … 48 (10 tables), 20 columns.
    expect(text).toContain(
      '  … and 30 more renamed (20 column, 10 table); all of them in --json (names)',
    )
    expect(text).toContain('Identifiers (lower): 50 changed spelling (listed above as Renamed)')
  })

  it('says "1 table", "1 row" in the singular', () => {
    const r = result(0)
    r.tables = [
      { table: 'only', loadedRows: 1, rejectedRows: 0, resumedBatches: 0 },
    ] as MigrateResult['tables']
    const text = describeMigration(r)
    expect(text).toContain('  1 table: 1 row loaded, 0 rejected;')
    expect(text).toMatch(/^ {4}only +1 row $/m)
    r.tables.push({
      table: 'two',
      loadedRows: 2,
      rejectedRows: 0,
      resumedBatches: 0,
    } as MigrateResult['tables'][number])
    expect(describeMigration(r)).toContain('  2 tables: 3 rows loaded, 0 rejected;')
    // Counts of thousands keep their separators (1,000 tables were written "3000 of 4000").
    r.columns = Array.from({ length: 4000 }, (_, i) => ({
      type: i % 4 ? 'bigint' : 'text',
      rejectedCandidates: [],
      notes: [],
    })) as never
    expect(describeMigration(r)).toContain(
      '  Types: 3,000 of 4,000 columns typed from their values (3,000 bigint)',
    )
    // Empty columns follow their declared type: not "typed from their values" (Chromium's
    // History has 144 columns, most of them empty in a young profile).
    r.columns.forEach((c) => (c.type = 'text'))
    expect(describeMigration(r)).toContain('  Types: all 4,000 columns text\n')
    r.columns.forEach((c, i) => (c.type = i % 4 ? 'bigint' : 'text'))
    r.columns[1]!.notes = [NO_VALUES]
    r.columns[2]!.notes = [NO_VALUES]
    expect(describeMigration(r)).toContain(
      '  Types: 3,000 of 4,000 columns typed (3,000 bigint): 2,998 from their values, 2 from the declared type alone (no values yet)',
    )
  })

  it('lists every rename when there are few', () => {
    const text = describeMigration(result(3))
    expect(text.split('\n').filter((l) => l.startsWith('  Renamed '))).toHaveLength(3)
    expect(text).not.toContain('more renamed')
  })

  it('names rejected rows of a WITHOUT ROWID table by their key values, as SQL literals', () => {
    const r = result(0)
    r.rejects = {
      total: 2,
      rows: [
        { table: 'kv', key: '[{"t":"c"}]', column: 'v', reason: 'a blob value' },
        { table: 'events', key: '42', column: 'message', reason: 'NUL byte' },
      ],
    } as unknown as MigrateResult['rejects']
    const text = describeMigration(r)
    expect(text).toContain("    kv key 'c' column v: a blob value")
    expect(text).toContain('    events key 42 column message: NUL byte')
  })

  it('says what to do when validation finds rows that differ: --delta, and --delta-deletes for rows gone from SQLite', () => {
    const table = {
      table: 'c',
      target: 'c',
      sourceRows: 1,
      rejectedRows: 0,
      expectedRows: 1,
      targetRows: 2,
      sourceChecksum: '1',
      targetChecksum: '2',
      unloadableRows: 0,
      method: 'sqlite' as const,
      equal: false,
      differences: [{ key: '1', kind: 'extra-in-target' }],
      bisectNote: '1 key range(s) compared',
    }
    const run = {
      source: { file: 'x.db', tables: 1, rows: 1 },
      target: { url: 'postgres://h/db', schema: 's', server: '15' },
      validation: { equal: false, tables: [table], differentTables: ['c'], ms: 1 },
      rejects: { total: 0, rows: [] },
    } as unknown as ValidateRunResult
    const text = describeValidateRun(run)
    expect(text).toContain(
      '    c: expected 1 row (1 in SQLite, 0 in the reject log), 2 in PostgreSQL;',
    )
    expect(text).toContain(
      '"ferry migrate-sqlite x.db --target <url> --schema s --delta" copies those changes (add --delta-deletes',
    )
    run.validation.tables[0] = {
      ...table,
      targetRows: 0,
      differences: [{ key: '1', kind: 'different' }],
    } as never
    expect(describeValidateRun(run)).not.toContain('--delta-deletes')
    run.validation = {
      equal: true,
      tables: [{ ...table, equal: true }],
      differentTables: [],
      ms: 1,
    } as never
    expect(describeValidateRun(run)).not.toContain('--delta')
  })
})
