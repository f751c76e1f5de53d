// Passwords never reach a display string, an error message or a log line (RELIABILITY: Security).
import { describe, expect, it } from 'vitest'
import { FerryError } from '../../shared/contract/envelope'
import type { TargetStatus } from '../../shared/contract/types'
import { describeConnectError } from '../../electron/core/postgres/probe'
import { redactSecrets, redactUrl, secretsInUrl } from '../../electron/core/postgres/redact'
import { TargetManager, validatePostgresUrl } from '../../electron/core/postgres/target'

describe('redactUrl', () => {
  it('replaces the password and keeps user, host, port, database and options', () => {
    expect(redactUrl('postgres://ferry:s3cret@db.example.com:6543/agents?sslmode=require')).toBe(
      'postgres://ferry:***@db.example.com:6543/agents?sslmode=require',
    )
  })

  it('masks password and sslpassword query parameters in any case', () => {
    const out = redactUrl('postgresql://u@h/db?PassWord=abc&sslpassword=def&application_name=x')
    expect(out).not.toContain('abc')
    expect(out).not.toContain('def')
    expect(out).toContain('application_name=x')
    expect(out.match(/\*\*\*/g)).toHaveLength(2)
  })

  it('masks a password that contains @, : and percent-encoded characters', () => {
    const out = redactUrl('postgres://u:p@ss:w%2Frd@host/db')
    expect(out).toBe('postgres://u:***@host/db')
  })

  it('leaves a URL without a password as it is', () => {
    expect(redactUrl('postgres://postgres@127.0.0.1:5432/postgres')).toBe(
      'postgres://postgres@127.0.0.1:5432/postgres',
    )
  })

  it('masks a password given with an empty user name', () => {
    expect(redactUrl('postgres://:hunter2@h/db')).toBe('postgres://:***@h/db')
  })

  it('turns anything unparsable into a placeholder instead of echoing it, and never throws', () => {
    for (const bad of [
      'hunter2',
      'postgres://u:pw@h:notaport/db',
      '',
      'host=h password=pw',
      '::',
    ]) {
      expect(redactUrl(bad)).toBe('(invalid URL)')
    }
  })
})

describe('secretsInUrl', () => {
  it('returns the password raw and decoded, and secret query values', () => {
    expect(secretsInUrl('postgres://u:a%20b@h/db?password=q1')).toEqual(['a%20b', 'a b', 'q1'])
    expect(secretsInUrl('postgres://u@h/db')).toEqual([])
    expect(secretsInUrl('garbage')).toEqual([])
  })
})

describe('redactSecrets', () => {
  it('masks each secret, its encoded form, and the longest first', () => {
    const text = 'login pa ss failed; url had pa%20ss; also pa'
    expect(redactSecrets(text, ['pa', 'pa ss'])).toBe('login *** failed; url had ***; also ***')
  })

  it('masks passwords in URLs and password= settings it was not told about', () => {
    const text = 'connect postgres://bob:topsecret@h/db failed (host=h password=other1 port=5)'
    const out = redactSecrets(text, [])
    expect(out).not.toContain('topsecret')
    expect(out).not.toContain('other1')
    expect(out).toContain('postgres://bob:***@h/db')
  })

  it('ignores empty secrets', () => {
    expect(redactSecrets('abc', ['', 'b'])).toBe('a***c')
  })
})

describe('describeConnectError', () => {
  const target = { display: 'postgres://u:***@db:5432/x', secrets: ['sekrit'] }

  it('maps a refused connection to TARGET_UNREACHABLE naming the redacted target', () => {
    const err = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
      code: 'ECONNREFUSED',
    })
    const info = describeConnectError(err, target)
    expect(info.code).toBe('TARGET_UNREACHABLE')
    expect(info.message).toContain('postgres://u:***@db:5432/x')
    expect(info.hint).toBeTruthy()
  })

  it('reads the inner errors of an AggregateError with an empty message (IPv4 + IPv6 attempts)', () => {
    const inner = [
      new Error('connect ECONNREFUSED ::1:5'),
      new Error('connect ECONNREFUSED 127.0.0.1:5'),
    ]
    const err = Object.assign(new AggregateError(inner, ''), { code: 'ECONNREFUSED' })
    const info = describeConnectError(err, target)
    expect(info.code).toBe('TARGET_UNREACHABLE')
    expect(info.detail).toContain('127.0.0.1:5')
  })

  it('maps authentication failures and masks a password the server or driver echoed', () => {
    const err = Object.assign(new Error('password authentication failed (tried sekrit)'), {
      code: '28P01',
    })
    const info = describeConnectError(err, target)
    expect(info.code).toBe('TARGET_AUTH_FAILED')
    expect(JSON.stringify(info)).not.toContain('sekrit')
  })

  it('says so when the server wants a password and the URL has none', () => {
    const err = new Error('SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string')
    const info = describeConnectError(err, target)
    expect(info.code).toBe('TARGET_AUTH_FAILED')
    expect(info.message).toContain('has none')
  })

  it('maps a missing database and a timeout', () => {
    const missing = Object.assign(new Error('database "x" does not exist'), { code: '3D000' })
    expect(describeConnectError(missing, target).code).toBe('TARGET_DATABASE_MISSING')
    const timeout = new Error('Connection terminated due to connection timeout')
    expect(describeConnectError(timeout, target).code).toBe('TARGET_UNREACHABLE')
  })
})

describe('validatePostgresUrl', () => {
  it('accepts postgres:// and postgresql://', () => {
    expect(() => validatePostgresUrl('postgres://u@h/db')).not.toThrow()
    expect(() => validatePostgresUrl('  postgresql://u:p@h:5/db  ')).not.toThrow()
  })

  it('rejects other schemes and unparsable text with INVALID_URL, without echoing the text', () => {
    for (const bad of ['mysql://u:hunter2@h/db', 'hunter2', 'postgres://u:hunter2@h:port/db']) {
      try {
        validatePostgresUrl(bad)
        expect.unreachable()
      } catch (err) {
        expect(err).toBeInstanceOf(FerryError)
        expect((err as FerryError).code).toBe('INVALID_URL')
        expect((err as FerryError).hint).toContain('postgres://')
        expect((err as FerryError).message).not.toContain('hunter2')
      }
    }
  })
})

describe('TargetManager without a server', () => {
  function manager(pgDir: string | null = null) {
    const events: TargetStatus[] = []
    const logs: string[] = []
    const m = new TargetManager({
      pgDir: () => pgDir,
      emit: (s) => events.push(s),
      log: (_l, msg) => logs.push(msg),
      startEmbedded: () => {
        throw new Error('not started in unit tests')
      },
    })
    return { m, events, logs }
  }

  it('starts as the embedded target, not started, naming the missing workspace', () => {
    const { m } = manager()
    expect(m.status()).toEqual({
      kind: 'embedded',
      display: 'embedded PostgreSQL (no workspace open)',
      state: 'not-started',
      serverVersion: null,
      error: null,
    })
  })

  it('shows a configured URL with the password masked and emits the change', () => {
    const { m, events } = manager()
    const st = m.configure({ kind: 'url', url: 'postgres://ferry:hunter2@db:5432/agents' })
    expect(st).toMatchObject({ kind: 'url', state: 'not-started' })
    expect(st.display).toBe('postgres://ferry:***@db:5432/agents')
    expect(events.at(-1)).toEqual(st)
    expect(JSON.stringify(events)).not.toContain('hunter2')
  })

  it('refuses an invalid URL with INVALID_URL and keeps the previous target', () => {
    const { m } = manager()
    expect(() => m.configure({ kind: 'url', url: 'http://x:hunter2@h/' })).toThrow(FerryError)
    expect(m.status().kind).toBe('embedded')
  })

  it('does not re-emit when the same target is configured again', () => {
    const { m, events } = manager()
    m.configure({ kind: 'url', url: 'postgres://u@h/db' })
    const n = events.length
    m.configure({ kind: 'url', url: 'postgres://u@h/db' })
    expect(events.length).toBe(n)
  })

  it('reports an error state, without throwing, when no workspace is open', async () => {
    const { m, events } = manager()
    const st = await m.connect()
    expect(st.state).toBe('error')
    expect(st.error?.code).toBe('NO_WORKSPACE')
    expect(events.at(-1)).toEqual(st)
    await expect(m.connectionString()).rejects.toMatchObject({ code: 'NO_WORKSPACE' })
  })

  it('turns a failed embedded start into an error state after emitting starting', async () => {
    const { m, events } = manager('/nonexistent/ws/.ferry/pg')
    const st = await m.connect()
    expect(events.map((e) => e.state)).toEqual(['starting', 'error'])
    expect(st.error?.code).toBe('EMBEDDED_PG_FAILED')
    expect(st.display).toBe('embedded PostgreSQL (/nonexistent/ws/.ferry/pg)')
  })
})
