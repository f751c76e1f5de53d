// The canonical encoding is computed twice — in JS for SQLite values, in SQL for PostgreSQL's —
// so validation is only as good as their agreement. Here every JS formatter is checked against
// the real server on edge cases: jsonb_out, float8out, numeric, timestamptz, quote_nullable, md5.
import { describe, expect, it } from 'vitest'
import { rowHash, rowHashSql } from '../../electron/core/pgmigrate/canonical'
import { canonicalJsonb } from '../../electron/core/pgmigrate/json-canon'
import {
  float8Text,
  isoTimestampText,
  numericText,
  quoteNullable,
} from '../../electron/core/pgmigrate/scalars'
import { query } from './pgmigrate-support'

const JSON_CASES = [
  '{"b":1,"a":2,"aa":3,"é":4,"z":5,"😀":6,"Z":7}',
  '[1.0, 1E+2, -0, 0.1e1, 12e-1, 1.5e-3, 123456789012345678901234567890, -0.0, 0E5, 1e-7, 2.50, -12.5e3]',
  '{"s":"tab\\t nl\\n cr\\r quote\\" bs\\\\ slash\\/ u\\u00e9 pair\\ud83d\\ude00 ctl\\u001f \\u0001 \\b\\f"}',
  '{"raw":"naïve ☃ 😀 \u007f \u2028"}',
  '  { "nested" : { "x" : [ [] , {} , [ { } ] ] , "t" : true , "f" : false , "n" : null } }  ',
  '[]',
  '{}',
  '[{"k":[1,{"b":2,"a":1}]},"x",3]',
  '{"long key first":1,"k":2,"kk":3}',
]

const DOUBLES = [
  0.1,
  0.2,
  0.1 + 0.2,
  1 / 3,
  2 / 3,
  100,
  1e15,
  1e16,
  123456789012345.6,
  Number('1234567890123456.7'),
  0.0001,
  0.00001,
  1.5e-7,
  9.223372036854776e18,
  1e21,
  1e300,
  5e-324,
  1.7976931348623157e308,
  -0,
  -1.5,
  3.14159,
  2 ** 53,
  2 ** 53 + 2,
  1e-300,
  0.99,
  -123.456e-10,
  4.35,
  1e14,
  99999999999999.98,
]

function deterministicDoubles(n: number): number[] {
  const out: number[] = []
  const view = new DataView(new ArrayBuffer(8))
  let x = 0x2545f491
  for (let i = 0; out.length < n; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    view.setUint32(0, x >>> 0)
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    view.setUint32(4, x >>> 0)
    const d = view.getFloat64(0)
    if (Number.isFinite(d)) out.push(i % 3 === 0 ? d : Number((d % 1e6).toPrecision((i % 15) + 1)))
  }
  return out
}

describe('canonical encoding agrees with PostgreSQL', () => {
  it('prints every JSON value exactly as jsonb::text does', async () => {
    for (const src of JSON_CASES) {
      const mine = canonicalJsonb(src)
      expect(mine.ok, src).toBe(true)
      const [row] = await query<{ t: string }>('SELECT $1::jsonb::text AS t', [src])
      expect(mine.ok && mine.text, src).toBe(row!.t)
    }
  })

  it('refuses what jsonb refuses or would change: \\u0000, lone surrogates, duplicate keys, bad syntax', async () => {
    for (const src of [
      '{"a":"\\u0000"}',
      '["\\ud800"]',
      '["\\udc00x"]',
      '{"a":1,}',
      '{a:1}',
      '[01]',
      '{"a":"x\ny"}',
    ]) {
      const mine = canonicalJsonb(src)
      expect(mine.ok, src).toBe(false)
      await expect(query('SELECT $1::jsonb', [src]), src).rejects.toThrow()
    }
    const dup = canonicalJsonb('{"a":1,"a":2}')
    expect(dup).toMatchObject({ ok: false, reason: expect.stringContaining('duplicate key') })
    const [row] = await query<{ t: string }>('SELECT $1::jsonb::text AS t', ['{"a":1,"a":2}'])
    expect(row!.t).toBe('{"a": 2}') // what jsonb would silently do: the reason we reject instead
  })

  it('prints doubles as float8out does, and the text reads back to the same double', async () => {
    const values = [...DOUBLES, ...deterministicDoubles(300)]
    const rows = await query<{ t: string; same: boolean }>(
      'SELECT x::float8::text AS t, x::float8 = y::float8 AS same FROM unnest($1::text[], $2::text[]) AS u(x, y)',
      [values.map(float8Text), values.map((v) => (Object.is(v, -0) ? '-0' : String(v)))],
    )
    rows.forEach((r, i) => {
      expect(r.t, String(values[i])).toBe(float8Text(values[i]!))
      expect(r.same, String(values[i])).toBe(true)
    })
  })

  it('prints numbers as trim_scale(numeric) does', async () => {
    const values: (number | bigint)[] = [
      0.99,
      1.99,
      1,
      0,
      -0,
      1e21,
      1.5e-7,
      123.456,
      -0.001,
      9.223372036854776e18,
      9223372036854775807n,
      -9223372036854775808n,
    ]
    const rows = await query<{ t: string }>(
      'SELECT trim_scale(x::numeric)::text AS t FROM unnest($1::text[]) AS u(x)',
      [values.map((v) => numericText(v)!)],
    )
    rows.forEach((r, i) => expect(r.t, String(values[i])).toBe(numericText(values[i]!)))
  })

  it('reads ISO-8601 text as PostgreSQL does (UTC when no offset) and refuses what it would change', async () => {
    const inputs = [
      '2026-10-01T00:04:32.570Z',
      '2024-02-29T23:59:59.123456+02:00',
      '2024-01-01',
      '2024-01-01 10:00',
      '2024-01-01T10:00:00',
      '2024-01-01 10:00:00 -05:30',
      '0999-12-31T23:00:00-05:00',
      '2009-01-01 00:00:00',
      '2024-06-30T12:00:00+0200',
      '2024-06-30T12:00:00+14',
    ]
    const rows = await query<{ t: string }>(
      `SELECT to_char(x::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS t FROM unnest($1::text[]) AS u(x)`,
      [inputs],
    )
    rows.forEach((r, i) => expect(isoTimestampText(inputs[i]!), inputs[i]).toBe(r.t))
    for (const bad of [
      '2023-02-29',
      '2024-01-01T24:00:00',
      '2024-01-01T10:00:60',
      '2024-01-01T10:00:00.1234567Z',
      '2024-13-01',
      'yesterday',
      '0000-01-01',
    ]) {
      expect(isoTimestampText(bad), bad).toBeNull()
    }
  })

  it('quotes like quote_nullable and hashes rows like md5 in SQL', async () => {
    const fields = ["it's", 'back\\slash', "both ' \\", null, '', 'naïve 😀', 'tab\tnl\n']
    const [q] = await query<Record<string, string>>(
      `SELECT ${fields.map((_, i) => `quote_nullable($${i + 1}::text) AS f${i}`).join(', ')}`,
      fields,
    )
    fields.forEach((f, i) => expect(quoteNullable(f), String(f)).toBe(q![`f${i}`]))
    const [h] = await query<{ h: string }>(
      `SELECT ('x' || left(md5(concat_ws(',', ${fields.map((_, i) => `quote_nullable($${i + 1}::text)`).join(', ')})), 16))::bit(64)::bigint::text AS h`,
      fields,
    )
    expect(rowHash(fields).toString()).toBe(h!.h)
    // SHA-256 of the text's UTF-8 (plans record which digest they use: TablePlan.rowHash).
    const [h2] = await query<{ h: string }>(
      `SELECT ('x' || encode(substr(sha256(convert_to(concat_ws(',', ${fields.map((_, i) => `quote_nullable($${i + 1}::text)`).join(', ')}), 'UTF8')), 1, 8), 'hex'))::bit(64)::bigint::text AS h`,
      fields,
    )
    expect(rowHash(fields, 'sha256').toString()).toBe(h2!.h)
    expect(h2!.h).not.toBe(h!.h)
    // rowHashSql computes the same values from a table's columns.
    const cols = fields.map((_, i) => ({ target: `c${i}`, type: 'text' as const }))
    const values = `(VALUES (${fields.map((_, i) => `$${i + 1}::text`).join(', ')})) AS v(${cols.map((c) => c.target).join(', ')})`
    for (const algo of ['md5', 'sha256'] as const) {
      const [r] = await query<{ h: string }>(
        `SELECT ${rowHashSql(cols, algo)}::text AS h FROM ${values}`,
        fields,
      )
      expect(r!.h, algo).toBe(rowHash(fields, algo).toString())
    }
  })
})
