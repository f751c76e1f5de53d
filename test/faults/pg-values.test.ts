// Bad values and hostile names in SQLite (issue 8): integer edges, mixed storage classes, NULL and
// colliding primary keys, NUL and invalid UTF-8 in TEXT, identifiers built to break quoting, names
// that collide after PostgreSQL's 63-byte cut, and a naughty-strings corpus through COPY text
// (including "\." and "\N"). Each value arrives exactly, or is quarantined with its reason; the
// accounting closes per table; a canary table on the target is untouched.
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../support/paths'
import { ferryRunner, type Run } from '../support/faults/cli'
import {
  changedBytes,
  pgFingerprint,
  sqliteFingerprint,
  workspaceFingerprint,
} from '../support/faults/fingerprint'
import { migrateArgs } from '../support/faults/migrate-case'
import { PG_URL, dropSchema, pgQuery, qi } from '../support/faults/pg'
import { score } from '../support/faults/scorecard'

const tmp = tempDir('ferry-faults-values-')
const file = join(tmp.dir, 'hostile.db')
const ferry = ferryRunner(join(tmp.dir, 'config'))
const schema = `values_${randomBytes(4).toString('hex')}`
const schema2 = `values2_${randomBytes(4).toString('hex')}`
const canarySchema = `canary_${randomBytes(4).toString('hex')}`

const INJECT = 'x"; DROP TABLE canary; --'
const QUOTE = 'a"b'
const EMOJI = '🚀 launches'
const PREFIX63 = 'agent_memory_consolidation_snapshot_history_for_sessions_abcdefg' // 63 bytes
const LONG66 = `${PREFIX63}_v2`
const LONG70 = `${PREFIX63}_backup`
const INTS: [number, bigint][] = [
  [1, 9223372036854775807n],
  [2, -9223372036854775808n],
  [3, 9007199254740993n], // 2^53 + 1: not a double
  [4, -9007199254740993n],
  [5, 0n],
]
export const NAUGHTY = [
  '\\.',
  '\\N',
  'a\\.b',
  '\\',
  '\\\\',
  '\\t is not a tab',
  '\t',
  '\n',
  '\r\n',
  'line\nbreak\\.\n\\.',
  'NULL',
  'null',
  '',
  ' ',
  "'",
  "''",
  '"',
  ',',
  "'; DROP TABLE canary; --",
  '<script>globalThis.pwned = 1</script>',
  '${jndi:ldap://x/a}',
  '%s%n%x',
  '\u202eevil\u202c',
  '\ufeffbom',
  '🏳️‍🌈 family 👨‍👩‍👧',
  'Ω≈ç√∫˜µ≤≥÷',
  'ﾟ･✿ヾ╲(｡◕‥◕｡)╱✿･ﾟ',
  '-0',
  '1e309',
  'undefined',
  '\\x00',
  '\u0001\u001f\u007f',
  'x'.repeat(70_000),
]

let r: Run
let canaryBefore: Record<string, string>

function build(): void {
  const db = new Database(file)
  const t = (n: string): string => `"${n.replace(/"/g, '""')}"`
  db.exec(`
    CREATE TABLE ints (id INTEGER PRIMARY KEY, n INTEGER);
    CREATE TABLE real_big (id INTEGER PRIMARY KEY, n INTEGER);
    CREATE TABLE mixed (id INTEGER PRIMARY KEY, v);
    CREATE TABLE textkey (k TEXT PRIMARY KEY, v TEXT);
    CREATE TABLE anykey (k BLOB PRIMARY KEY, v TEXT);
    CREATE TABLE badtext (id INTEGER PRIMARY KEY, s TEXT);
    CREATE TABLE naughty (id INTEGER PRIMARY KEY, s TEXT);
    CREATE TABLE ${t(QUOTE)} (${t('x"y')} TEXT, "select" INTEGER);
    CREATE TABLE ${t(INJECT)} (${t(INJECT)} TEXT);
    CREATE TABLE ${t(EMOJI)} ("émoji 😀" TEXT, "Order" INTEGER);
    CREATE TABLE ${t(LONG66)} (v TEXT);
    CREATE TABLE ${t(LONG70)} (v TEXT);
  `)
  const ins = db.prepare('INSERT INTO ints VALUES (?, ?)')
  for (const [id, n] of INTS) ins.run(id, n)
  db.prepare('INSERT INTO real_big VALUES (1, ?), (2, 5)').run(2 ** 63) // stored as REAL
  const mixed = db.prepare('INSERT INTO mixed VALUES (?, ?)')
  mixed.run(1, 42n)
  mixed.run(2, 1.5)
  mixed.run(3, 'text')
  mixed.run(4, Buffer.from([0, 0xff, 0x10]))
  mixed.run(5, null)
  const tk = db.prepare('INSERT INTO textkey VALUES (?, ?)')
  tk.run('a', 'one')
  tk.run(null, 'null key 1') // a non-INTEGER PRIMARY KEY takes NULL, several times
  tk.run(null, 'null key 2')
  const ak = db.prepare('INSERT INTO anykey VALUES (?, ?)')
  ak.run(1n, 'integer one')
  ak.run('1', 'text one') // distinct in SQLite; the same text in PostgreSQL
  ak.run(Buffer.from('1'), 'blob one')
  db.prepare(
    "INSERT INTO badtext VALUES (1, 'fine'), (2, 'nul' || char(0) || 'inside'), (3, CAST(x'61ff62' AS TEXT)), (4, 'also fine')",
  ).run()
  const nv = db.prepare('INSERT INTO naughty VALUES (?, ?)')
  NAUGHTY.forEach((s, i) => nv.run(i + 1, s))
  db.prepare(`INSERT INTO ${t(QUOTE)} VALUES (?, ?)`).run('quoted', 1)
  db.prepare(`INSERT INTO ${t(INJECT)} VALUES (?)`).run(INJECT)
  db.prepare(`INSERT INTO ${t(EMOJI)} VALUES (?, ?)`).run('🚀', 1)
  db.prepare(`INSERT INTO ${t(LONG66)} VALUES ('sixty-six')`).run()
  db.prepare(`INSERT INTO ${t(LONG70)} VALUES ('seventy')`).run()
  db.close()
}

const loadedOf = (table: string) =>
  (
    r.json.tables as {
      table: string
      target: string
      sourceRows: number
      loadedRows: number
      rejectedRows: number
    }[]
  ).find((x) => x.table === table)!

describe('bad values and hostile identifiers', () => {
  let before: Record<string, string>
  let dbBefore: Record<string, string>
  beforeAll(async () => {
    build()
    before = workspaceFingerprint(tmp.dir, ['config'])
    dbBefore = sqliteFingerprint(file)
    // The canary: the table an injected "DROP TABLE canary" would hit, in the sessions' search_path.
    await pgQuery(`CREATE SCHEMA ${pg.escapeIdentifier(canarySchema)}`)
    await pgQuery(`CREATE TABLE ${qi(canarySchema, 'canary')} (v text)`)
    await pgQuery(`INSERT INTO ${qi(canarySchema, 'canary')} VALUES ('still here')`)
    canaryBefore = await pgFingerprint(PG_URL, canarySchema)
    const u = new URL(PG_URL)
    u.searchParams.set('options', `-c search_path=${canarySchema}`)
    r = ferry.run(migrateArgs(file, schema, u.toString()))
    expect(r.code, r.stderr.slice(-3000)).toBe(0)
  })
  afterAll(async () => {
    await dropSchema(schema)
    await dropSchema(schema2)
    await dropSchema(canarySchema)
    tmp.cleanup()
  })

  it('accounts for every row: loaded + quarantined (each with a reason) = source, and validates equal', () => {
    expect(r.json.validation.equal).toBe(true)
    let lost = 0
    for (const t of r.json.tables as {
      table: string
      sourceRows: number
      loadedRows: number
      rejectedRows: number
    }[]) {
      lost += t.sourceRows - t.loadedRows - t.rejectedRows
      expect(t.loadedRows + t.rejectedRows, t.table).toBe(t.sourceRows)
    }
    score.rows(lost, 0, 'hostile values')
    for (const x of r.json.rejects.rows as { reason: string; key: string }[]) {
      expect(x.reason.length).toBeGreaterThan(10)
      expect(x.key).not.toBe('')
    }
  })

  it('keeps ±2^63 bounds and 2^53+1 exact, and never rounds 2^63 stored as REAL silently', async () => {
    const rows = await pgQuery<{ id: string; n: string }>(
      `SELECT id, n::text AS n FROM ${qi(schema, loadedOf('ints').target)} ORDER BY id`,
    )
    expect(rows.map((x) => x.n)).toEqual(INTS.map(([, n]) => n.toString()))
    const big = await pgQuery<{ n: string }>(
      `SELECT n::text FROM ${qi(schema, loadedOf('real_big').target)} WHERE id = 1`,
    )
    const rejected = (r.json.rejects.rows as { table: string }[]).some(
      (x) => x.table === 'real_big',
    )
    // Either carried as the exact value SQLite holds (2^63 = 9223372036854775808) or quarantined.
    if (big.length) expect(['9223372036854775808', '9.223372036854776e+18']).toContain(big[0]!.n)
    else expect(rejected).toBe(true)
    score.badInput('integer edges', '±2^63 bounds, ±(2^53+1)', 'exact')
    score.badInput(
      'integer edges',
      '2^63 stored as REAL',
      big.length ? `kept as ${big[0]!.n}` : 'quarantined with reason',
    )
  })

  it('keeps mixed storage classes, NULL and colliding non-INTEGER keys without dropping a row', async () => {
    for (const t of ['mixed', 'textkey', 'anykey']) {
      const x = loadedOf(t)
      expect(x.loadedRows + x.rejectedRows, t).toBe(x.sourceRows)
    }
    const m = loadedOf('mixed')
    score.badInput(
      'storage classes',
      'int/real/text/blob/NULL in one column',
      `${m.loadedRows} loaded, ${m.rejectedRows} quarantined`,
    )
    const tk = await pgQuery<{ n: string }>(
      `SELECT count(*)::text AS n FROM ${qi(schema, loadedOf('textkey').target)}`,
    )
    expect(Number(tk[0]!.n) + loadedOf('textkey').rejectedRows).toBe(3)
    score.badInput(
      'primary keys',
      'NULL twice in a TEXT PRIMARY KEY',
      `${tk[0]!.n} loaded, ${loadedOf('textkey').rejectedRows} quarantined`,
    )
    const ak = loadedOf('anykey')
    score.badInput(
      'primary keys',
      "1, '1' and x'31' in one BLOB PRIMARY KEY",
      `${ak.loadedRows} loaded, ${ak.rejectedRows} quarantined`,
    )
  })

  it('quarantines NUL and invalid UTF-8 inside TEXT with their key and reason, loading the rest', () => {
    const bt = loadedOf('badtext')
    const rej = (r.json.rejects.rows as { table: string; key: string; reason: string }[]).filter(
      (x) => x.table === 'badtext',
    )
    expect(bt.loadedRows).toBe(2)
    expect(rej.map((x) => x.key).sort()).toEqual(['2', '3'])
    score.badInput(
      'text bytes',
      'NUL inside TEXT',
      `quarantined: ${rej.find((x) => x.key === '2')?.reason}`,
    )
    score.badInput(
      'text bytes',
      'invalid UTF-8 inside TEXT',
      `quarantined: ${rej.find((x) => x.key === '3')?.reason}`,
    )
  })

  it('round-trips the naughty strings exactly, "\\." and "\\N" included', async () => {
    const rows = await pgQuery<{ id: string; s: string | null }>(
      `SELECT id, s FROM ${qi(schema, loadedOf('naughty').target)} ORDER BY id`,
    )
    expect(rows).toHaveLength(NAUGHTY.length)
    // Listed by index, so a failure names the strings without printing the 70 kB one whole.
    const wrong = NAUGHTY.flatMap((s, i) =>
      rows[i]?.s === s ? [] : [`${i}: ${JSON.stringify(s.slice(0, 40))}`],
    )
    expect(wrong).toEqual([])
    for (const s of NAUGHTY)
      score.badInput('naughty strings', JSON.stringify(s.slice(0, 40)), 'exact')
  })

  it('quotes hostile identifiers, maps 63-byte collisions deterministically, and leaves the canary alone', async () => {
    const targets = (r.json.tables as { table: string; target: string }[]).map((x) => x.target)
    expect(new Set(targets).size).toBe(targets.length)
    for (const n of [QUOTE, INJECT, EMOJI]) expect(loadedOf(n).target).toBe(n)
    for (const n of [LONG66, LONG70])
      expect(Buffer.byteLength(loadedOf(n).target)).toBeLessThanOrEqual(63)
    const inj = await pgQuery<{ v: string }>(
      `SELECT ${pg.escapeIdentifier(INJECT)} AS v FROM ${qi(schema, INJECT)}`,
    )
    expect(inj[0]!.v).toBe(INJECT)
    expect(await pgFingerprint(PG_URL, canarySchema)).toEqual(canaryBefore)
    // The same source into another schema gets the same names.
    const again = ferry.run(migrateArgs(file, schema2))
    expect(again.code, again.stderr.slice(-2000)).toBe(0)
    expect(again.json.names).toEqual(r.json.names)
    for (const n of [QUOTE, INJECT, EMOJI, LONG66, LONG70])
      score.badInput('identifiers', JSON.stringify(n), `→ ${JSON.stringify(loadedOf(n).target)}`)
    score.badInput('identifiers', 'canary table on the target', 'untouched')
  })

  it('never changes the source file', () => {
    const after = workspaceFingerprint(tmp.dir, ['config'])
    score.source(changedBytes(tmp.dir, before, after), 'hostile values source')
    expect(after).toEqual(before)
    expect(sqliteFingerprint(file)).toEqual(dbBefore)
  })
})
