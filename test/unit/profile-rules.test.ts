import { describe, expect, it } from 'vitest'
import { tableChecks } from '../../electron/core/sqlite/profile-keys'
import { affinityOf, isoKind } from '../../electron/core/sqlite/profile-scan'

describe('data profile rules', () => {
  it('recognises ISO-8601 dates and times, with or without a zone, and nothing else', () => {
    expect(isoKind('2026-10-01')).toBe(1)
    expect(isoKind('2026-10-01 12:30:00')).toBe(1)
    expect(isoKind('2026-10-01T12:30:00.123456')).toBe(1)
    expect(isoKind('2026-10-01T12:30:00.000Z')).toBe(2)
    expect(isoKind('2026-10-01T12:30:00+02:00')).toBe(2)
    expect(isoKind('2026-10-01 12:30:00+0200')).toBe(2)
    for (const bad of [
      '2026-13-01',
      '2026-10-32',
      '2026-10-01T25:00',
      '01/10/2026',
      'yesterday',
      '1696156200',
      '2026-10-01Tnoon',
    ])
      expect(isoKind(bad), bad).toBe(0)
  })

  it("applies SQLite's affinity rules in their order", () => {
    expect(affinityOf('INTEGER')).toBe('INTEGER')
    expect(affinityOf('BIGINT')).toBe('INTEGER')
    expect(affinityOf('NVARCHAR(40)')).toBe('TEXT')
    expect(affinityOf('CHARINT')).toBe('INTEGER')
    expect(affinityOf('')).toBe('BLOB')
    expect(affinityOf('DOUBLE PRECISION')).toBe('REAL')
    expect(affinityOf('DATETIME')).toBe('NUMERIC')
    expect(affinityOf('BOOLEAN')).toBe('NUMERIC')
  })

  it("reads CHECK (col IN (…)) lists from a table's SQL, quotes and all", () => {
    const sql = `CREATE TABLE a (status TEXT CHECK (status IN ('active', 'it''s', 'idle')), "kind" TEXT CHECK ("kind" IN ('x')), n INT CHECK (n > 0))`
    expect(tableChecks(sql)).toEqual([
      { column: 'status', allowed: ['active', "it's", 'idle'] },
      { column: 'kind', allowed: ['x'] },
    ])
  })
})
