// jsonbKeeps, the profile's fast answer to "does jsonb keep this JSON?", must agree with the
// loader's own parser (canonicalJsonb) on every value: a disagreement would type a column jsonb
// and then send rows to the reject log, or keep it text for nothing.
import { describe, expect, it } from 'vitest'
import { canonicalJsonb, jsonbKeeps } from '../../electron/core/pgmigrate/json-canon'

const CASES = [
  '{"a":1}',
  '{"a":1,"a":2}',
  '{"a":{"b":1},"b":{"a":1}}',
  '{"a":{"b":1,"b":2}}',
  '[{"a":1},{"a":1}]',
  '{"a":"\\u0000"}',
  '["x\\u0000"]',
  '{"a\\u0000":1}',
  '{"\\u0061":1,"a":2}',
  '{"a":"\\ud800"}',
  '{"a":"\\ud83d\\ude00"}',
  '{"a":"\\\\u0000"}',
  '{"n":1e5,"m":-2.5E-3}',
  '{"n":1e1001}',
  '{"t":true,"f":false,"z":null}',
  '{"s":"escaped \\" quote, \\\\ and } ] , : inside"}',
  '{"k":[1,2,{"k":3}],"k2":{"k":[]}}',
  '{"a":1,"b":2,"c":3,"a ":4}',
  `{${Array.from({ length: 70 }, (_, i) => `"k${i}":${i}`).join(',')}}`,
  `{${Array.from({ length: 70 }, (_, i) => `"k${i % 69}":${i}`).join(',')}}`,
  `${'['.repeat(950)}1${']'.repeat(950)}`,
  '{"e":"e1","x":"1e5"}',
  '{ "spaced" : [ 1 , 2 ] , "spaced" : 3 }',
]

describe('jsonbKeeps', () => {
  it('agrees with canonicalJsonb on duplicates, \\u0000, surrogates, exponents and nesting', () => {
    for (const c of CASES) expect(jsonbKeeps(c), c.slice(0, 80)).toBe(canonicalJsonb(c).ok)
  })

  it('agrees on 2,000 generated documents', () => {
    let seed = 42
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed % n
    }
    const keysPool = ['a', 'b', 'c', 'id', 'name', 'x y', 'a']
    const value = (depth: number): string => {
      const k = rnd(depth > 3 ? 4 : 7)
      if (k === 0) return String(rnd(1000) - 500)
      if (k === 1) return `"${['v', 'w\\n', 'q\\u0000', 'ok', '\\ud800'][rnd(5)]}"`
      if (k === 2) return ['true', 'false', 'null', '1.5e3', '2E-1'][rnd(5)]!
      if (k === 3) return `${rnd(9)}.${rnd(99)}`
      if (k === 4) return `[${Array.from({ length: rnd(4) }, () => value(depth + 1)).join(',')}]`
      return `{${Array.from({ length: rnd(5) }, () => `"${keysPool[rnd(keysPool.length)]}":${value(depth + 1)}`).join(',')}}`
    }
    for (let i = 0; i < 2000; i++) {
      const doc = `{"root":${value(0)},"n":${i}}`
      expect(jsonbKeeps(doc), doc).toBe(canonicalJsonb(doc).ok)
    }
  })
})
