import { describe, expect, it } from 'vitest'
import { cellView, hexDump, localTime, typeLabel } from '../../../renderer/src/format/cells'
import {
  looksLikeJson,
  sqliteCell,
  pgCell,
  encodeKey,
  decodeKey,
} from '../../../electron/core/inspect/cells'
import { sqlitePlanTree } from '../../../electron/core/inspect/explain-tree'

describe('grid cells', () => {
  it('keeps NULL apart from the empty string and marks both in words', () => {
    expect(cellView(null)).toMatchObject({ kind: 'null', text: 'NULL' })
    expect(cellView('')).toMatchObject({ kind: 'empty', text: '(empty)' })
    expect(sqliteCell(null)).toBeNull()
    expect(sqliteCell('')).toBe('')
  })

  it('shows 64-bit integers exactly and blobs as size + hex', () => {
    expect(sqliteCell(9223372036854775807n)).toEqual({ t: 'num', v: '9223372036854775807' })
    expect(sqliteCell(42n)).toBe(42)
    expect(pgCell('9007199254740993', 20)).toEqual({ t: 'num', v: '9007199254740993' })
    expect(pgCell('\\x0aff', 17)).toEqual({ t: 'blob', size: 2, hex: '0aff' })
    expect(cellView({ t: 'blob', size: 3, hex: '0102ff' }).text).toBe('3 B · 0102ff')
    expect(hexDump('00'.repeat(17))).toBe(`00000000  ${'00 '.repeat(16).trim()}\n00000010  00`)
  })

  it('detects JSON objects and arrays only', () => {
    expect(looksLikeJson('{"a":1}')).toBe(true)
    expect(looksLikeJson('[1]')).toBe(true)
    expect(looksLikeJson('1')).toBe(false)
    expect(looksLikeJson('{not')).toBe(false)
    expect(sqliteCell('{"a":1}')).toEqual({ t: 'json', v: '{"a":1}' })
  })

  it('reads timestamps as local time and keeps the raw value for the hover', () => {
    expect(localTime('2024-01-01T10:00:00Z')).not.toBeNull()
    expect(localTime('2024-01-01 10:00:00+00')).not.toBeNull()
    expect(localTime('not a time')).toBeNull()
    // The fraction is part of the value: kept to the millisecond, and finer ones shown raw.
    expect(localTime('2024-01-01T10:00:00.123Z')).toMatch(/00[.,]123/)
    expect(localTime('2024-01-01T10:00:00.5Z')).toMatch(/00[.,]5/)
    expect(localTime('2024-01-01T10:00:00Z')).not.toMatch(/00[.,]\d/)
    expect(localTime('2024-01-01T10:00:00.123456Z')).toBeNull()
    expect(cellView('2024-01-01T10:00:00.123456Z')).toMatchObject({
      kind: 'text',
      text: '2024-01-01T10:00:00.123456Z',
    })
    expect(cellView('2024-01-01T10:00:00Z')).toMatchObject({
      kind: 'time',
      title: '2024-01-01T10:00:00Z',
    })
  })

  it('labels column types, with the PostgreSQL type on the target', () => {
    expect(typeLabel('INTEGER', null)).toBe('INTEGER')
    expect(typeLabel('TEXT', 'jsonb')).toBe('TEXT → jsonb')
    expect(typeLabel('', null)).toBe('no type')
  })

  it('round-trips row keys with their types and refuses a key of another width', () => {
    const key = encodeKey([9223372036854775807n, 'a"b', Buffer.from([1, 2]), null])
    expect(decodeKey(key, 4)).toEqual([
      { i: '9223372036854775807' },
      { s: 'a"b' },
      { b: '0102' },
      null,
    ])
    expect(() => decodeKey(key, 2)).toThrow(/does not belong/)
  })

  it('builds the EXPLAIN QUERY PLAN tree from parent ids', () => {
    const tree = sqlitePlanTree([
      { id: 2, parent: 0, detail: 'SCAN a' },
      { id: 5, parent: 2, detail: 'SEARCH b USING INDEX i (x=?)' },
      { id: 9, parent: 0, detail: 'USE TEMP B-TREE FOR ORDER BY' },
    ])
    expect(tree.map((n) => n.label)).toEqual(['SCAN a', 'USE TEMP B-TREE FOR ORDER BY'])
    expect(tree[0]!.children[0]!.label).toBe('SEARCH b USING INDEX i (x=?)')
  })
})
