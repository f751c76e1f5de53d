// The row codec hashes with the digest its plan records (TablePlan.rowHash): a plan stored by an
// older Ferry has none, and its ledger's sums are MD5 row hashes, so a resume must keep MD5.
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { rowHash } from '../../electron/core/pgmigrate/canonical'
import { makeRowCodec } from '../../electron/core/pgmigrate/row-codec'
import type { TablePlan } from '../../electron/core/pgmigrate/types'

function plan(rowHash?: 'md5' | 'sha256'): TablePlan {
  const col = (name: string, type: 'bigint' | 'text' | 'bytea') => ({
    source: name,
    target: name,
    type,
    declared: '',
    nullable: true,
    precision: null,
    scale: null,
    identity: false,
    generated: null,
    rejected: 0,
    notes: [],
    forecastRejects: [],
  })
  return {
    source: 't',
    target: 't',
    key: { kind: 'rowid', expr: 'rowid' },
    columns: [col('id', 'bigint'), col('name', 'text'), col('data', 'bytea')],
    primaryKey: null,
    uniques: [],
    indexes: [],
    foreignKeys: [],
    autoincrementSeq: null,
    rows: 1,
    ...(rowHash ? { rowHash } : {}),
  } as unknown as TablePlan
}

describe('row codec hash', () => {
  const db = new Database(':memory:')
  db.exec(
    "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, data BLOB); INSERT INTO t VALUES (7, 'O''Brien', x'00ff')",
  )
  const fields = ['7', "O'Brien", '00ff']

  it.each([
    [undefined, 'md5'],
    ['md5', 'md5'],
    ['sha256', 'sha256'],
  ] as const)('plan rowHash %s hashes with %s', (recorded, algo) => {
    const codec = makeRowCodec(db, plan(recorded))
    const row = db
      .prepare(`SELECT ${codec.selectList} FROM t`)
      .raw(true)
      .safeIntegers(true)
      .get() as unknown[]
    const r = codec.encode(row, 'both')
    expect(r.line).toBe("7\tO'Brien\t\\\\x00ff\n")
    expect(r.hash).toBe(rowHash(fields, algo))
    expect(rowHash(fields, 'md5')).not.toBe(rowHash(fields, 'sha256'))
  })
})
