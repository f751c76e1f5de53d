// Which PostgreSQL server a Phase 3/4 step would touch, compared with the one p3.postgres-prod
// checked: by system identifier and database, else by address (loopback names alike).
import { describe, expect, it } from 'vitest'
import { recordedIdentity, sameServer } from '../../electron/core/postgres/same-target'

const id = (systemIdentifier: string | null, database: string, target: string) => ({
  systemIdentifier,
  database,
  target,
})

describe('sameServer', () => {
  it('matches by system identifier and database, whatever the address (the embedded server changes port)', () => {
    expect(
      sameServer(
        id('71', 'postgres', 'postgres://a@127.0.0.1:35491/postgres'),
        id('71', 'postgres', 'postgres://a@127.0.0.1:41022/postgres'),
      ),
    ).toBe(true)
    expect(
      sameServer(
        id('71', 'postgres', 'postgres://a@h:5432/postgres'),
        id('72', 'postgres', 'postgres://a@h:5432/postgres'),
      ),
    ).toBe(false)
    expect(
      sameServer(id('71', 'prod', 'postgres://a@h/prod'), id('71', 'test', 'postgres://a@h/test')),
    ).toBe(false)
  })

  it('falls back to host and port where a server does not grant its identifier', () => {
    expect(
      sameServer(
        id(null, 'db', 'postgres://u@localhost/db'),
        id('71', 'db', 'postgres://v:***@127.0.0.1:5432/db'),
      ),
    ).toBe(true)
    expect(
      sameServer(
        id(null, 'db', 'postgres://u@db.example/db'),
        id(null, 'db', 'postgres://u@db.example:5433/db'),
      ),
    ).toBe(false)
  })

  it('reads the identity from p3.postgres-prod evidence; older evidence (no identifier) is not checked', () => {
    expect(
      recordedIdentity({
        target: 'postgres://u@h/db',
        facts: { systemIdentifier: '71', database: 'db' },
      }),
    ).toEqual(id('71', 'db', 'postgres://u@h/db'))
    expect(recordedIdentity({ target: 'postgres://u@h/db', facts: { database: 'db' } })).toBeNull()
    expect(recordedIdentity(null)).toBeNull()
  })
})
