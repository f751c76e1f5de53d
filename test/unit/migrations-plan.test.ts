import { describe, expect, it } from 'vitest'
import { migrationChecksum } from '../../electron/core/migrations/checksum'
import {
  nextVersion,
  planMigrations,
  type AppliedMigration,
  type AvailableMigration,
} from '../../electron/core/migrations/plan'
import {
  codeOnly,
  splitStatements,
  transactionControl,
  wantsNoTransaction,
} from '../../electron/core/migrations/sql-scan'

const file = (
  version: number,
  name: string,
  sql = `-- ${name}\nSELECT ${version};\n`,
): AvailableMigration => ({
  version,
  name,
  file: `.ferry/migrations/state/${String(version).padStart(4, '0')}_${name}.sql`,
  checksum: migrationChecksum(sql),
  downFile: null,
})

const applied = (
  f: AvailableMigration,
  extra: Partial<AppliedMigration> = {},
): AppliedMigration => ({
  version: f.version,
  name: f.name,
  checksum: f.checksum,
  appliedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 3,
  success: true,
  appliedBy: 'test',
  ...extra,
})

describe('migration checksums', () => {
  it('are the SHA-256 of the text with CRLF, CR and a leading BOM normalised away', () => {
    const lf = 'CREATE INDEX a ON t (x);\nCREATE INDEX b ON t (y);\n'
    // sha256sum of the LF text, computed outside Node.
    expect(migrationChecksum(lf)).toBe(
      'e7489d3d7c0f1e3beea770596373c5dd9162720b52108e3673c294af2b1fd7f0',
    )
    expect(migrationChecksum(lf.replace(/\n/g, '\r\n'))).toBe(migrationChecksum(lf))
    expect(migrationChecksum(lf.replace(/\n/g, '\r'))).toBe(migrationChecksum(lf))
    expect(migrationChecksum('\uFEFF' + lf)).toBe(migrationChecksum(lf))
    expect(migrationChecksum(lf + '-- comment\n')).not.toBe(migrationChecksum(lf))
  })
})

describe('planMigrations (pure)', () => {
  it('lists the files not yet applied as pending, in version order', () => {
    const a = file(1, 'a')
    const b = file(2, 'b')
    const c = file(3, 'c')
    const p = planMigrations([applied(a)], [c, a, b])
    expect(p.problems).toEqual([])
    expect(p.pending.map((x) => x.version)).toEqual([2, 3])
    expect(p.items.map((i) => [i.version, i.status])).toEqual([
      [1, 'applied'],
      [2, 'pending'],
      [3, 'pending'],
    ])
    expect(p.current).toBe(1)
  })

  it('refuses an applied file whose text changed, naming the version, file, expected and actual hash', () => {
    const a = file(1, 'fk_indexes')
    const edited = { ...a, checksum: migrationChecksum('something else') }
    const p = planMigrations([applied(a)], [edited, file(2, 'next')])
    expect(p.pending).toEqual([])
    expect(p.problems).toHaveLength(1)
    const [problem] = p.problems
    expect(problem).toMatchObject({
      kind: 'checksum-mismatch',
      version: 1,
      file: a.file,
      expected: a.checksum,
      actual: edited.checksum,
    })
    expect(problem!.message).toContain('Checksum mismatch for migration 0001 (fk_indexes)')
    expect(problem!.message).toContain(a.file)
    expect(problem!.message).toContain(a.checksum)
    expect(problem!.message).toContain(edited.checksum)
  })

  it('reports every problem at once: a missing file, an out-of-order file, a duplicate version, a renamed file, a stray', () => {
    const one = file(1, 'one')
    const three = file(3, 'three')
    const five = file(5, 'five')
    const p = planMigrations(
      [applied(one), applied(three), applied(five, { name: 'old_name' })],
      [three, file(2, 'late'), file(4, 'x'), file(4, 'y'), five],
      [
        {
          file: '.ferry/migrations/state/notes.sql',
          reason: 'the name does not match NNNN_slug.sql',
        },
      ],
    )
    expect(p.problems.map((x) => [x.kind, x.version]).sort()).toEqual(
      [
        ['stray-file', null],
        ['duplicate-version', 4],
        ['missing-file', 1],
        ['out-of-order', 2],
        ['name-mismatch', 5],
      ].sort(),
    )
    expect(p.pending).toEqual([])
  })

  it('keeps legacy rows of the plan\u2019s own framework (version only) without asking for files', () => {
    const legacy: AppliedMigration[] = [1, 2].map((version) => ({
      version,
      name: null,
      checksum: null,
      appliedAt: null,
      durationMs: null,
      success: null,
      appliedBy: null,
    }))
    const p = planMigrations(legacy, [file(3, 'fk_indexes')])
    expect(p.problems).toEqual([])
    expect(p.items.map((i) => i.status)).toEqual(['legacy', 'legacy', 'pending'])
    expect(nextVersion(legacy, [])).toBe(3)
  })

  it('flags a file that claims a legacy version, and a migration that failed part-way', () => {
    const legacy: AppliedMigration = {
      version: 1,
      name: null,
      checksum: null,
      appliedAt: null,
      durationMs: null,
      success: null,
      appliedBy: null,
    }
    const two = file(2, 'two')
    const p = planMigrations([legacy, applied(two, { success: false })], [file(1, 'mine'), two])
    expect(p.problems.map((x) => x.kind).sort()).toEqual(['failed', 'unverifiable'])
  })

  it('allocates the next version above everything the ledger and the folder know', () => {
    expect(nextVersion([], [])).toBe(1)
    expect(nextVersion([{ version: 7 }], [{ version: 3 }])).toBe(8)
    expect(nextVersion([{ version: 2 }], [{ version: 9 }])).toBe(10)
  })
})

describe('the SQL scanner', () => {
  it('finds transaction control but not BEGIN/END of a trigger body, a CASE, a string or a comment', () => {
    const script = `
      -- BEGIN; is only a comment
      CREATE TABLE t (x TEXT DEFAULT 'COMMIT;');
      CREATE TRIGGER tr AFTER INSERT ON t BEGIN
        UPDATE t SET x = CASE WHEN x IS NULL THEN 'a' ELSE x END;
        SELECT 1;
      END;
      /* ROLLBACK; */
      CREATE INDEX "begin" ON t (x);`
    expect(transactionControl(script)).toEqual([])
    expect(splitStatements(script)).toHaveLength(3)
    expect(transactionControl('BEGIN;\nCREATE INDEX a ON t (x);\nCOMMIT;')).toEqual([
      'BEGIN',
      'COMMIT',
    ])
    expect(transactionControl('create index a on t (x); end transaction')).toEqual([
      'end transaction',
    ])
    expect(transactionControl('START TRANSACTION; SAVEPOINT s;')).toHaveLength(2)
  })

  it('keeps PostgreSQL dollar-quoted bodies whole and reads the no-transaction directive', () => {
    const pg =
      '-- ferry:no-transaction\nCREATE FUNCTION f() RETURNS int AS $body$ BEGIN; COMMIT; SELECT 1; $body$ LANGUAGE sql;\nCREATE INDEX CONCURRENTLY i ON t (x);'
    expect(splitStatements(pg)).toHaveLength(2)
    expect(transactionControl(pg)).toEqual([])
    expect(wantsNoTransaction(pg)).toBe(true)
    expect(
      wantsNoTransaction(
        'CREATE INDEX i ON t (x); -- ferry:no-transaction is not a line of its own',
      ),
    ).toBe(false)
    expect(codeOnly("SELECT 'a;b'").length).toBe("SELECT 'a;b'".length)
  })
})
