// Where a target's password comes from outside the desktop app: FERRY_PG_PASSWORD, PGPASSWORD,
// a .pgpass file read the way libpq reads it (wildcards, escapes, first match, permission
// refusal), or this session's memory; and URLs whose password is split off before anything is kept.
import { chmodSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  EnvPgpassCredentials,
  fromEnvOrPgpass,
  parseTargetId,
  targetId,
  type TargetKey,
} from '../../electron/core/postgres/credentials'
import { connectUrl, displayUrl, fromFields, splitUrl } from '../../electron/core/postgres/connection'
import { findPgpass, lookupPgpass, parsePgpass, parsePgpassLine, pgpassPath } from '../../electron/core/postgres/pgpass'
import { TargetManager } from '../../electron/core/postgres/target'
import { tempDir } from '../support/paths'

const t = tempDir('ferry-pgpass-')
afterAll(() => t.cleanup())

const KEY: TargetKey = { host: 'db.example.com', port: 5432, database: 'agents', user: 'ferry' }

function pgpassFile(name: string, text: string, mode = 0o600): string {
  const file = join(t.dir, name)
  writeFileSync(file, text)
  chmodSync(file, mode)
  return file
}

describe('.pgpass parsing', () => {
  it('splits five fields with \\: and \\\\ escapes, the password keeping any further colons', () => {
    expect(parsePgpassLine('h\\:x:5432:db:u:pa\\:ss:more\\\\')).toEqual({
      host: 'h:x',
      port: '5432',
      database: 'db',
      user: 'u',
      password: 'pa:ss:more\\',
    })
  })

  it('skips comments, blank lines, short lines and CRLF endings', () => {
    const entries = parsePgpass('# a comment\n\nonly:three:fields\r\nh:1:d:u:pw\r\n')
    expect(entries).toEqual([{ host: 'h', port: '1', database: 'd', user: 'u', password: 'pw' }])
  })

  it('matches * in any of the first four fields, and the first matching line wins', () => {
    const entries = parsePgpass(
      ['other:5432:agents:ferry:no', '*:5432:agents:ferry:first', '*:*:*:*:second'].join('\n'),
    )
    expect(findPgpass(entries, KEY)).toBe('first')
    expect(findPgpass(entries, { ...KEY, port: 6543 })).toBe('second')
    expect(findPgpass(parsePgpass('db.example.com:5432:agents:bob:x'), KEY)).toBeNull()
  })

  it('matches a socket directory as localhost, as libpq does', () => {
    const entries = parsePgpass('localhost:5432:*:*:local')
    expect(findPgpass(entries, { ...KEY, host: '/var/run/postgresql' })).toBe('local')
  })

  it('uses PGPASSFILE, else ~/.pgpass, else %APPDATA%\\postgresql\\pgpass.conf on Windows', () => {
    expect(pgpassPath({ PGPASSFILE: '/x/pw' }, '/home/u', 'linux')).toBe('/x/pw')
    expect(pgpassPath({}, '/home/u', 'linux')).toBe('/home/u/.pgpass')
    expect(pgpassPath({ APPDATA: 'C:/AppData' }, 'C:/u', 'win32')).toMatch(/postgresql.pgpass\.conf$/)
  })
})

describe('.pgpass permissions', () => {
  it('refuses a file that group or others can read, naming the file and the chmod to run', () => {
    const file = pgpassFile('open.pgpass', '*:*:*:*:leaked\n', 0o644)
    let err: unknown
    try {
      lookupPgpass(file, KEY, 'linux')
    } catch (e) {
      err = e
    }
    expect(err).toMatchObject({ code: 'PGPASS_INSECURE' })
    expect((err as Error).message).toContain(file)
    expect((err as Error).message).toContain('0644')
    expect((err as Error).message).not.toContain('leaked')
    expect((err as { hint: string }).hint).toContain(`chmod 600 ${file}`)
    // Group-only access is refused too (libpq checks every group/other bit).
    chmodSync(file, 0o640)
    expect(() => lookupPgpass(file, KEY, 'linux')).toThrow(/other users/)
  })

  it('reads a 0600 file, and a missing file is simply no password', () => {
    const file = pgpassFile('ok.pgpass', 'db.example.com:5432:agents:ferry:s3cr\\:et\n')
    expect(lookupPgpass(file, KEY, 'linux')).toBe('s3cr:et')
    expect(lookupPgpass(join(t.dir, 'missing'), KEY, 'linux')).toBeNull()
  })
})

describe('env / .pgpass / session credentials (CLI and ferry serve)', () => {
  const id = targetId(KEY)

  it('round-trips the target id, which carries no secret', () => {
    expect(parseTargetId(id)).toEqual(KEY)
    const odd = { host: '::1', port: 1, database: 'a/b@c', user: 'u:x' }
    expect(parseTargetId(targetId(odd))).toEqual(odd)
  })

  it('prefers FERRY_PG_PASSWORD, then PGPASSWORD, then .pgpass', () => {
    const file = pgpassFile('chain.pgpass', '*:*:*:*:from-file\n')
    expect(fromEnvOrPgpass(KEY, { FERRY_PG_PASSWORD: 'a', PGPASSWORD: 'b', PGPASSFILE: file }, t.dir, 'linux')).toMatchObject({
      password: 'a',
      source: 'env',
      detail: 'FERRY_PG_PASSWORD',
    })
    expect(fromEnvOrPgpass(KEY, { PGPASSWORD: 'b', PGPASSFILE: file }, t.dir, 'linux')).toMatchObject({ password: 'b', detail: 'PGPASSWORD' })
    expect(fromEnvOrPgpass(KEY, { PGPASSFILE: file }, t.dir, 'linux')).toEqual({ password: 'from-file', source: 'pgpass', detail: file })
    expect(fromEnvOrPgpass(KEY, {}, join(t.dir, 'nohome'), 'linux')).toBeNull()
  })

  it('keeps a password given in this session in memory only, ahead of the environment', () => {
    const store = new EnvPgpassCredentials({ env: { PGPASSWORD: 'env-pw' }, home: t.dir, platform: 'linux' })
    expect(store.saves).toBe('session')
    expect(store.load(id)).toMatchObject({ password: 'env-pw', source: 'env' })
    store.save(id, 'typed')
    expect(store.load(id)).toMatchObject({ password: 'typed', source: 'session' })
    store.remove(id)
    expect(store.load(id)?.source).toBe('env')
  })
})

describe('URLs and form fields become a password-less target', () => {
  it('splits the password (authority or ?password=) off the URL that is kept', () => {
    const a = splitUrl('postgres://ferry:p%40ss@db.example.com/agents?sslmode=require&application_name=x')
    expect(a.password).toBe('p@ss')
    expect(a.target.url).toBe('postgres://ferry@db.example.com/agents?sslmode=require&application_name=x')
    expect(a.target.key).toEqual(KEY)
    expect(a.target.sslmode).toBe('require')
    const b = splitUrl('postgresql://ferry@db.example.com:6543/agents?password=q&sslpassword=k')
    expect(b.password).toBe('q')
    expect(b.target.url).not.toMatch(/password/)
    expect(() => splitUrl('postgres://h/db?sslmode=sometimes')).toThrow(/sslmode=sometimes/)
  })

  it('builds the same target from the connection form, and the engine URL with libpq ssl semantics', () => {
    const f = fromFields({ kind: 'server', host: 'db.example.com', port: 5432, database: 'agents', user: 'ferry', password: 'pw:/@', sslmode: 'require' })
    expect(f.password).toBe('pw:/@')
    expect(f.target.url).toBe('postgres://ferry@db.example.com:5432/agents?sslmode=require')
    const url = connectUrl(f.target, f.password, 'require')
    expect(new URL(url).searchParams.get('uselibpqcompat')).toBe('true')
    expect(decodeURIComponent(new URL(url).password)).toBe('pw:/@')
    expect(displayUrl(f.target, true)).toBe('postgres://ferry:***@db.example.com:5432/agents?sslmode=require')
    expect(displayUrl(f.target, false)).toBe('postgres://ferry@db.example.com:5432/agents?sslmode=require')
  })
})

describe('TargetManager with an insecure .pgpass', () => {
  it('reports PGPASS_INSECURE as the connection error, without trying the server', async () => {
    const file = pgpassFile('managed.pgpass', '*:*:*:*:pw\n', 0o604)
    const m = new TargetManager({
      pgDir: () => null,
      emit: () => {},
      credentials: new EnvPgpassCredentials({ env: { PGPASSFILE: file }, home: t.dir, platform: 'linux' }),
    })
    m.configure({ kind: 'server', host: '127.0.0.1', port: 1, database: 'x', user: 'u', sslmode: 'disable' })
    const st = await m.connect()
    expect(st.state).toBe('error')
    expect(st.error).toMatchObject({ code: 'PGPASS_INSECURE' })
    expect(st.error?.hint).toContain('chmod 600')
    expect(st.password?.note).toContain('can be read by other users')
  })
})
