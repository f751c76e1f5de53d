import { describe, expect, it } from 'vitest'
import { columnProfileView } from '../../../renderer/src/format/column-profile'
import { normalizeFindings } from '../../../renderer/src/format/findings'
import {
  findStorageMix,
  formatProfileValue,
  formatShare,
} from '../../../renderer/src/format/profile'
import { tableProfileView } from '../../../renderer/src/format/table-profile'

describe('column profile', () => {
  it('reads the storage-class counts under any key and in either shape', () => {
    expect(findStorageMix({ storage: { integer: 0, text: 98, null: 2 } })?.mix.text).toBe(
      'text 98 % · null 2 %',
    )
    expect(
      findStorageMix({
        typeof: [
          { type: 'integer', count: 3 },
          { type: 'REAL', count: 1 },
        ],
      })?.mix.text,
    ).toBe('integer 75 % · real 25 %')
    expect(findStorageMix({ integer: 5, blob: 5, other: 'x' })).toMatchObject({
      keys: ['integer', 'blob'],
    })
    expect(findStorageMix({ storage: { text: 'many' } })).toBeNull()
  })

  it('never rounds a small share to zero or a large one to a hundred', () => {
    expect(formatShare(0.001)).toBe('<1 %')
    expect(formatShare(0.999)).toBe('>99 %')
    expect(formatShare(0.5)).toBe('50 %')
  })

  it('turns value checks into chips, warnings marked', () => {
    const view = columnProfileView(
      {
        timestamps: { iso: 10, notIso: 2, withZone: 0 },
        boolean: { zeros: 3, ones: 4, other: 0 },
        nulBytes: 1,
        invalidUtf8: 0,
        maxBlobBytes: 70_000,
        futureField: { a: 1, b: 2 },
      },
      new Set(),
    )
    expect(view?.chips.map((c) => [c.text, c.warn])).toEqual([
      ['largest blob 68.4 KB', false],
      ['timestamps 10 ISO', false],
      ['2 not ISO', true],
      ['boolean 3 × 0 · 4 × 1', false],
      ['1 with NUL bytes', true],
    ])
    expect(view?.facts).toEqual([{ key: 'futureField', label: 'Future field', text: 'a 1 · b 2' }])
  })

  it('shows integers past 2^53 as their digits', () => {
    const view = columnProfileView({ intMin: '-9223372036854775808', intMax: 5 }, new Set())
    expect(view?.chips[0]?.text).toBe('integers -9223372036854775808 … 5')
  })

  it('shows a NULL among the distinct values as NULL, and the storage class when they differ', () => {
    const view = columnProfileView(
      {
        values: [
          { value: null, type: 'null', count: 2 },
          { value: 1, type: 'integer', count: 1 },
          { value: '1', type: 'text', count: 1 },
        ],
        otherValueRows: 4,
      },
      new Set(),
    )
    expect(view?.values?.map((v) => [v.text, v.type, v.countText])).toEqual([
      ['NULL', 'null', '2 rows'],
      ['1', 'integer', '1 row'],
      ['1', 'text', '1 row'],
    ])
    expect(view?.valuesNote).toBe('+ 4 rows with other values')
    expect(view?.chips[0]?.text).toBe('3+ distinct')
  })

  it('shortens unknown lists and long workspace text', () => {
    expect(formatProfileValue('x', [1, 2, 3], 2)).toBe('1 · 2 · +1 more')
    expect(formatProfileValue('x', 'y'.repeat(300)).length).toBe(240)
  })
})

describe('findings and table profile', () => {
  it('reads findings leniently: a single sample, a type instead of a kind, no count', () => {
    const [f] = normalizeFindings([{ type: 'odd-thing', sample: 'abc' }], { table: 't' })
    expect(f).toMatchObject({
      table: 't',
      kind: 'odd-thing',
      kindLabel: 'Odd thing',
      countText: '—',
      samples: ['abc'],
    })
    expect(normalizeFindings('nope')).toEqual([])
  })

  it('describes the scan and each foreign key’s orphan check', () => {
    const view = tableProfileView({
      rowsScanned: 2_000_000,
      ms: 4200,
      chunks: 8,
      foreignKeys: [
        { columns: ['a', 'b'], orphans: 2, samples: [['x', 1]] },
        { columns: ['c'], orphans: 0, samples: [], skipped: 'parent has no such column' },
      ],
      checks: [],
    })
    expect(view?.statsText).toBe('Profiled 2,000,000 rows in 4.2 s (8 chunks)')
    expect(view?.fkChecks).toEqual([
      { columns: 'a, b', orphans: 2, text: '2 rows', warn: true, samples: ['(x, 1)'] },
      {
        columns: 'c',
        orphans: 0,
        text: 'not checked: parent has no such column',
        warn: false,
        samples: [],
      },
    ])
    expect(tableProfileView(null)).toBeNull()
  })
})
