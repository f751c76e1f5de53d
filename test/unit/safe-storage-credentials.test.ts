// The desktop app's password store on the stand-in electron module's safeStorage (which encrypts
// reversibly): only ciphertext reaches <userData>/credentials.json (0600), a password comes back
// after a restart, and without a real keychain (Linux basic_text) nothing is written at all.
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { targetId } from '../../electron/core/postgres/credentials'
import {
  CREDENTIALS_FILE,
  desktopCredentials,
  SafeStorageCredentials,
  safeStorageUsable,
  type SafeStorageLike,
} from '../../electron/main/safe-storage-credentials'
import { createFakeElectron } from '../support/fake-electron'
import { tempDir } from '../support/paths'

const t = tempDir('ferry-safe-')
afterAll(() => t.cleanup())

const fake = createFakeElectron({ appPath: t.dir, userData: t.dir })
const safe = fake.module.safeStorage as SafeStorageLike
const ID = targetId({ host: 'db', port: 5432, database: 'agents', user: 'ferry' })
const SECRET = `unique-secret-${Math.random().toString(36).slice(2)}`

describe('SafeStorageCredentials', () => {
  it('writes only the ciphertext, 0600, and decrypts it in a new instance (a restart)', () => {
    const dir = join(t.dir, 'a')
    new SafeStorageCredentials(safe, dir).save(ID, SECRET)
    const file = join(dir, CREDENTIALS_FILE)
    const bytes = readFileSync(file)
    expect(bytes.includes(Buffer.from(SECRET))).toBe(false)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    const again = new SafeStorageCredentials(safe, dir)
    expect(again.load(ID)).toEqual({ password: SECRET, source: 'safe-storage', detail: file })
    again.remove(ID)
    expect(new SafeStorageCredentials(safe, dir).load(ID)).toBeNull()
    expect(readFileSync(file, 'utf8')).not.toContain(ID)
  })

  it('treats a ciphertext it cannot decrypt (another keychain) as no password', () => {
    const dir = join(t.dir, 'b')
    new SafeStorageCredentials(safe, dir).save(ID, SECRET)
    const broken: SafeStorageLike = { ...safe, decryptString: () => { throw new Error('bad key') } }
    expect(new SafeStorageCredentials(broken, dir).load(ID)).toBeNull()
  })
})

describe('desktopCredentials', () => {
  it('uses safeStorage when the OS keychain encrypts', () => {
    const dir = join(t.dir, 'c')
    const store = desktopCredentials(safe, dir)
    expect(store.saves).toBe('safe-storage')
    store.save(ID, SECRET)
    expect(store.load(ID)?.source).toBe('safe-storage')
    expect(existsSync(join(dir, CREDENTIALS_FILE))).toBe(true)
  })

  it("keeps the password in memory only under Linux's basic_text fallback or without encryption", () => {
    const basic: SafeStorageLike = { ...safe, getSelectedStorageBackend: () => 'basic_text' }
    const none: SafeStorageLike = { ...safe, isEncryptionAvailable: () => false }
    expect(safeStorageUsable(basic)).toBe(false)
    expect(safeStorageUsable(none)).toBe(false)
    const dir = join(t.dir, 'd')
    const store = desktopCredentials(basic, dir)
    expect(store.saves).toBe('session')
    store.save(ID, SECRET)
    expect(store.load(ID)?.source).toBe('session')
    expect(existsSync(join(dir, CREDENTIALS_FILE))).toBe(false)
  })
})
