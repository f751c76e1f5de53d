// SQLite's GLOB and LIKE, translated for CHECK constraints and partial indexes (sql-expr.ts),
// match in PostgreSQL exactly the strings they match in SQLite: every pattern against every
// string, compared between the two engines.
import Database from 'better-sqlite3'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { globToRegex, tokenize, translateExpr } from '../../electron/core/pgmigrate/sql-expr'
import { PG_URL } from './pgmigrate-support'

const STRINGS = [
  '',
  'a',
  'abc',
  'ABC',
  'a.c',
  'a*c',
  'a?c',
  'a\nc',
  'a[c',
  'a]c',
  'a-c',
  'a^c',
  'a\\c',
  'a\\%',
  'a%',
  'a_c',
  'a$c',
  'x+y',
  '(a)',
  '2026-01-02',
  '2026-1-2',
  'é',
  'ée',
  '日本',
  'a b',
]
const GLOBS = [
  '*',
  '?',
  'a*',
  '*c',
  'a?c',
  'a.c',
  'a[*]c',
  'a[?]c',
  '[a-z]*',
  '[^a-z]*',
  '[]]*',
  'a[]]c',
  'a[^]]c',
  'a[[]c',
  'a[-x]c',
  'a[x-]c',
  'a[\\]c',
  'a\\c',
  'a^c',
  'a$c',
  'x+y',
  '(a)',
  '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]',
  '?e',
  '??',
  '*[^ ]*',
  'a\nc',
  'a?*',
]
const LIKES = ['a%', 'a\\%', 'a\\c', 'a_c', '%c', 'A%', '_', '%\\%', 'é%']

let client: pg.Client
const sqlite = new Database(':memory:')

beforeAll(async () => {
  client = new pg.Client({ connectionString: PG_URL })
  await client.connect()
})
afterAll(async () => {
  await client.end()
  sqlite.close()
})

describe('GLOB and LIKE in PostgreSQL', () => {
  it('a GLOB pattern becomes a regular expression matching the same strings', async () => {
    const sqliteGlob = sqlite.prepare('SELECT ? GLOB ?').pluck()
    const mismatches: string[] = []
    for (const p of GLOBS) {
      const re = globToRegex(p)
      expect(re, p).not.toBeNull()
      const { rows } = await client.query<{ s: string; m: boolean }>(
        'SELECT s, s ~ $2 AS m FROM unnest($1::text[]) AS s',
        [STRINGS, re],
      )
      for (const { s, m } of rows) {
        const expected = sqliteGlob.get(s, p) === 1
        if (m !== expected)
          mismatches.push(
            `${JSON.stringify(s)} GLOB ${JSON.stringify(p)}: SQLite ${expected}, PostgreSQL ${m}`,
          )
      }
    }
    expect(mismatches).toEqual([])
    // SQLite never matches a pattern whose class is not closed: no translation.
    expect(sqliteGlob.get('a[c', 'a[c')).toBe(0)
    expect(globToRegex('a[c')).toBeNull()
  })

  it('translated expressions keep GLOB, NOT GLOB and a LIKE with a backslash meaning the same', async () => {
    const cols = new Map([['s', { target: 'S', type: 'text' }]])
    const cases: string[] = [
      ...GLOBS.flatMap((p) => [`s GLOB '${p.replace(/'/g, "''")}'`, `s NOT GLOB '${p}'`]),
      ...LIKES.flatMap((p) => [`s LIKE '${p}'`, `s NOT LIKE '${p}'`]),
      `s GLOB 'a*' AND length(s) < 3`,
      `s LIKE 'a\\%' ESCAPE '\\'`,
    ]
    const mismatches: string[] = []
    for (const expr of cases) {
      const t = translateExpr(tokenize(expr), cols)
      if (!t.ok) throw new Error(`${expr}: ${t.reason}`)
      const { rows } = await client.query<{ s: string; m: boolean | null }>(
        `SELECT "S" AS s, (${t.sql}) AS m FROM unnest($1::text[]) AS "S"`,
        [STRINGS],
      )
      const st = sqlite.prepare(`SELECT ${expr} FROM (SELECT ? AS s)`).pluck()
      for (const { s, m } of rows) {
        const v = st.get(s) as number | null
        // SQLite's LIKE folds ASCII case only; ILIKE folds every letter: compare ASCII strings.
        if (/LIKE/.test(expr) && [...s].some((ch) => ch.charCodeAt(0) > 127)) continue
        if ((v === null ? null : v === 1) !== m)
          mismatches.push(`${JSON.stringify(s)} ${expr} → ${t.sql}: SQLite ${v}, PostgreSQL ${m}`)
      }
    }
    expect(mismatches).toEqual([])
  })

  it('reports the GLOB it cannot translate, and REGEXP and MATCH, by name', () => {
    const cols = new Map([
      ['s', { target: 's', type: 'text' }],
      ['p', { target: 'p', type: 'text' }],
    ])
    expect(translateExpr(tokenize('s GLOB p'), cols)).toEqual({
      ok: false,
      reason: "SQLite's GLOB operator with a computed pattern",
    })
    expect(translateExpr(tokenize("s GLOB 'a[b'"), cols)).toEqual({
      ok: false,
      reason: "SQLite's GLOB operator with a malformed pattern",
    })
    expect(translateExpr(tokenize("s REGEXP '^a'"), cols)).toEqual({
      ok: false,
      reason: "SQLite's REGEXP operator",
    })
  })
})
