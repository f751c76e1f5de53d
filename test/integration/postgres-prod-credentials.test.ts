// p3.postgres-prod's connection on the real server at 127.0.0.1:5432: a password given in a URL
// goes to the credential store (the stand-in safeStorage here) and nowhere else — not the
// workspace (.ferry, journal.db bytes included), not the app data dir in plain text, not an
// event — through configure, connect, a failed connection, the Check button and the step;
// the target comes back after a restart; sslmode=require never falls back to plaintext on this
// server without TLS; without a secure store the password stays in memory and the status says so.
import { readdirSync, readFileSync, statSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { TargetCheckResult } from '../../shared/contract/connection'
import type { StepState, TargetStatus } from '../../shared/contract/types'
import { createBackend, type Backend } from '../../electron/core/backend'
import { EnvPgpassCredentials, type CredentialStore } from '../../electron/core/postgres/credentials'
import { CREDENTIALS_FILE, desktopCredentials, type SafeStorageLike } from '../../electron/main/safe-storage-credentials'
import { createFakeElectron } from '../support/fake-electron'
import { tempDir } from '../support/paths'

const SECRET = `unique-secret-${Math.random().toString(36).slice(2, 12)}`
const t = tempDir('ferry-prod-cred-')
const ws = join(t.dir, 'ws')
const appDir = join(t.dir, 'app')
mkdirSync(join(ws, '.claude'), { recursive: true })
const safe = createFakeElectron({ appPath: t.dir, userData: appDir }).module.safeStorage as SafeStorageLike
const backends: Backend[] = []
afterAll(async () => {
  for (const b of backends) await b.close()
  t.cleanup()
})

async function open(credentials: CredentialStore, workspace = ws) {
  const events: string[] = []
  const backend = await createBackend({ appDataDir: appDir, version: 'test', workspace, rememberWorkspace: true, persistTarget: true, credentials })
  backends.push(backend)
  backend.onEvent((event, payload) => events.push(`${event} ${JSON.stringify(payload)}`))
  const call = async <T>(method: string, input: unknown = {}): Promise<T> => {
    const r = await backend.dispatch(method, input)
    if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`)
    return r.value as T
  }
  return { backend, events, call }
}

/** Every file under `dir` whose bytes contain `needle`. */
function filesContaining(dir: string, needle: string): string[] {
  const hits: string[] = []
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const file = join(dir, entry)
    if (!statSync(file).isFile()) continue
    if (readFileSync(file).includes(Buffer.from(needle))) hits.push(file)
  }
  return hits
}

describe('the production connection keeps its password out of everything but the credential store', () => {
  it('configure, a failed connect, connect, Check and p3.postgres-prod leave no plain-text password behind', async () => {
    const { backend, events, call } = await open(desktopCredentials(safe, appDir))
    // A wrong port first: the failure is reported without the password.
    const bad = await call<TargetStatus>('target.configure', { kind: 'url', url: `postgres://postgres:${SECRET}@127.0.0.1:1/postgres` })
    expect(bad.display).toBe('postgres://postgres:***@127.0.0.1:1/postgres')
    const failed = await call<TargetStatus>('target.connect')
    expect(failed.state).toBe('error')
    expect(failed.error?.code).toBe('TARGET_UNREACHABLE')

    const st = await call<TargetStatus>('target.configure', { kind: 'url', url: `postgres://postgres:${SECRET}@127.0.0.1:5432/postgres` })
    expect(st.password).toMatchObject({ source: 'safe-storage' })
    expect(st.connection).toEqual({ host: '127.0.0.1', port: 5432, database: 'postgres', user: 'postgres', sslmode: 'prefer' })
    expect((await call<TargetStatus>('target.connect')).state).toBe('connected')

    const check = await call<TargetCheckResult>('target.check')
    expect(check.error).toBeNull()
    expect(check.checks.map((c) => [c.name, c.ok])).toEqual([
      ['server-version', true],
      ['encoding', true],
      ['create-schema', true],
      ['connection-slots', true],
    ])

    await call('step.run', { stepId: 'p3.postgres-prod' })
    const final = (await backend.runner()!.wait()) as StepState
    expect(final.error).toBeNull()
    expect(final.status).toBe('done')
    expect(JSON.stringify(final.evidence)).toContain('postgres://postgres:***@127.0.0.1:5432/postgres')

    await backend.close()
    backends.splice(backends.indexOf(backend), 1)
    expect(events.length).toBeGreaterThan(5)
    expect(events.filter((e) => e.includes(SECRET))).toEqual([])
    expect(filesContaining(ws, SECRET)).toEqual([])
    expect(filesContaining(appDir, SECRET)).toEqual([])
    // What is on disk: the target without its password, and the ciphertext in the app data dir.
    const saved = JSON.parse(readFileSync(join(ws, '.ferry', 'target.json'), 'utf8')) as { url: string }
    expect(saved).toEqual({ kind: 'url', url: 'postgres://postgres@127.0.0.1:5432/postgres' })
    expect(readFileSync(join(appDir, CREDENTIALS_FILE), 'utf8')).toContain('postgres@127.0.0.1:5432/postgres')
  }, 90_000)

  it('restores the target and its password after a restart (a new backend, the same stores)', async () => {
    const { call } = await open(desktopCredentials(safe, appDir))
    const st = await call<TargetStatus>('target.status')
    expect(st.display).toBe('postgres://postgres:***@127.0.0.1:5432/postgres')
    expect(st.password?.source).toBe('safe-storage')
    expect((await call<TargetStatus>('target.connect')).state).toBe('connected')
  }, 60_000)

  it('sslmode=require against a server without TLS fails clearly and never connects in plain text', async () => {
    const { backend, events, call } = await open(desktopCredentials(safe, appDir))
    await call('target.configure', { kind: 'server', host: '127.0.0.1', port: 5432, database: 'postgres', user: 'postgres', sslmode: 'require' })
    const st = await call<TargetStatus>('target.connect')
    expect(st.state).toBe('error')
    expect(st.error?.code).toBe('TARGET_SSL_REQUIRED')
    expect(st.error?.message).toContain('does not support SSL')
    expect(st.error?.message).toContain('never falls back')
    const check = await call<TargetCheckResult>('target.check')
    expect(check.ok).toBe(false)
    expect(check.checks).toEqual([])
    expect(check.error?.code).toBe('TARGET_SSL_REQUIRED')
    // The step fails the same way: no engine ever gets a connection to fall back with.
    await call('step.run', { stepId: 'p3.postgres-prod' })
    const failed = (await backend.runner()!.wait()) as StepState
    expect(failed.status).toBe('failed')
    expect(failed.error?.code).toBe('TARGET_SSL_REQUIRED')
    // prefer on the same server: TLS refused, so plaintext, and the log says so.
    await call('target.configure', { kind: 'server', host: '127.0.0.1', port: 5432, database: 'postgres', user: 'postgres', sslmode: 'prefer' })
    expect((await call<TargetStatus>('target.connect')).state).toBe('connected')
    expect(events.some((e) => e.startsWith('log ') && e.includes('does not offer TLS'))).toBe(true)
  }, 60_000)

  it('ferry serve without a secure store: the password is kept for the session only, and the status says so', async () => {
    const other = join(t.dir, 'ws2')
    mkdirSync(join(other, '.claude'), { recursive: true })
    const { backend, call } = await open(new EnvPgpassCredentials({ env: {}, home: t.dir }), other)
    const st = await call<TargetStatus>('target.configure', {
      kind: 'server', host: '127.0.0.1', port: 5432, database: 'postgres', user: 'postgres', password: SECRET, sslmode: 'disable',
    })
    expect(st.password?.source).toBe('session')
    expect(st.password?.note).toMatch(/memory for this session only/)
    expect((await call<TargetStatus>('target.connect')).state).toBe('connected')
    await backend.close()
    backends.splice(backends.indexOf(backend), 1)
    expect(filesContaining(other, SECRET)).toEqual([])
    // A new process has no password for it; the configuration itself survived.
    const again = await open(new EnvPgpassCredentials({ env: {}, home: t.dir }), other)
    const restored = await again.call<TargetStatus>('target.status')
    expect(restored.connection?.sslmode).toBe('disable')
    expect(restored.password?.source).toBe('none')
  }, 60_000)
})
