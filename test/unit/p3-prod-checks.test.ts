// p3.postgres-prod's verdicts from the server's facts: what passes, warns and fails, and why.
import { describe, expect, it } from 'vitest'
import { evaluate, type ConnectionSlots } from '../../electron/core/pgmigrate/prod-checks'
import type { ServerFacts } from '../../electron/core/postgres/facts'

const facts: ServerFacts = {
  serverVersion: '16.2',
  serverVersionNum: 160002,
  encoding: 'UTF8',
  database: 'prod',
  user: 'ferry',
  dataDirectory: null,
  systemIdentifier: '7300000000000000001',
  maxConnections: 100,
  connectionsInUse: 5,
  canCreateSchema: true,
  target: 'postgres://ferry:***@db/prod',
}
const slots: ConnectionSlots = { maxConnections: 100, superuserReserved: 3, reserved: 2, inUse: 5, superuser: false, free: 90 }
const byName = (checks: ReturnType<typeof evaluate>) => Object.fromEntries(checks.map((c) => [c.name, c]))

describe('p3.postgres-prod checks', () => {
  it('passes a healthy server', () => {
    const checks = evaluate(facts, slots)
    expect(checks.map((c) => c.status)).toEqual(['pass', 'pass', 'pass', 'pass'])
    expect(byName(checks)['connection-slots']!.detail).toContain('5 reserved for administrators')
  })

  it('fails PostgreSQL 11, a LATIN1 database and a user without CREATE, each with a hint', () => {
    const c = byName(evaluate({ ...facts, serverVersion: '11.22', serverVersionNum: 110022, encoding: 'LATIN1', canCreateSchema: false }, slots))
    for (const name of ['server-version', 'encoding', 'create-schema']) {
      expect(c[name]!.ok, name).toBe(false)
      expect(c[name]!.hint, name).toBeTruthy()
    }
    expect(c['server-version']!.detail).toContain('older than 12')
    expect(c['create-schema']!.hint).toContain('GRANT CREATE ON DATABASE "prod" TO "ferry"')
  })

  it('warns under 10 free slots and fails at none', () => {
    expect(byName(evaluate(facts, { ...slots, free: 9 }))['connection-slots']).toMatchObject({ ok: true, status: 'warn', value: 9 })
    expect(byName(evaluate(facts, { ...slots, free: 0 }))['connection-slots']).toMatchObject({ ok: false, status: 'fail' })
  })
})
