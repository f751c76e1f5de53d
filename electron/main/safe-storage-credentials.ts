// The desktop app's credential store: passwords encrypted with Electron's safeStorage (the OS
// keychain: Keychain, DPAPI, libsecret/kwallet) and only the ciphertext written, base64, to
// <userData>/credentials.json (mode 0600). Where safeStorage cannot encrypt for real — no
// keychain, or Linux's "basic_text" fallback with a hard-coded key — the password is kept in
// memory for the session instead, and the UI says so.
import { mkdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import {
  ChainedCredentials,
  fromEnvOrPgpass,
  MemoryCredentials,
  parseTargetId,
  type CredentialStore,
  type LoadedPassword,
} from '../core/postgres/credentials'
import { writeFileAtomic } from '../core/fs/atomic'

/** The part of Electron's safeStorage this uses (injected, so it is testable without Electron). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean
  encryptString(plainText: string): Buffer
  decryptString(encrypted: Buffer): string
  getSelectedStorageBackend?: () => string
}

export const CREDENTIALS_FILE = 'credentials.json'

interface FileShape {
  version: 1
  /** target id (user@host:port/db) → base64 ciphertext */
  entries: Record<string, string>
}

export class SafeStorageCredentials implements CredentialStore {
  readonly saves = 'safe-storage' as const
  private readonly file: string
  constructor(
    private readonly safe: SafeStorageLike,
    appDataDir: string,
  ) {
    this.file = path.join(appDataDir, CREDENTIALS_FILE)
  }

  save(id: string, password: string): void {
    const entries = this.read()
    entries[id] = this.safe.encryptString(password).toString('base64')
    this.write(entries)
  }

  load(id: string): LoadedPassword | null {
    const b64 = this.read()[id]
    if (b64 === undefined) return null
    // A ciphertext from another user account or keychain cannot be decrypted: treat it as absent.
    try {
      const password = this.safe.decryptString(Buffer.from(b64, 'base64'))
      return { password, source: 'safe-storage', detail: this.file }
    } catch {
      return null
    }
  }

  remove(id: string): void {
    const entries = this.read()
    if (!(id in entries)) return
    delete entries[id]
    this.write(entries)
  }

  private read(): Record<string, string> {
    try {
      const v = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<FileShape>
      return v.entries && typeof v.entries === 'object' ? { ...v.entries } : {}
    } catch {
      return {}
    }
  }

  private write(entries: Record<string, string>): void {
    const data: FileShape = { version: 1, entries }
    mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 })
    writeFileAtomic(this.file, JSON.stringify(data, null, 2) + '\n', 0o600)
  }
}

/** True when safeStorage really encrypts (not Linux's basic_text obfuscation). */
export function safeStorageUsable(safe: SafeStorageLike): boolean {
  if (!safe.isEncryptionAvailable()) return false
  const backend = safe.getSelectedStorageBackend?.()
  return backend === undefined || backend !== 'basic_text'
}

/**
 * What the desktop app passes to createBackend: safeStorage when usable, else this session's
 * memory; either way FERRY_PG_PASSWORD / PGPASSWORD / .pgpass are looked at next.
 */
export function desktopCredentials(safe: SafeStorageLike, appDataDir: string): CredentialStore {
  const primary = safeStorageUsable(safe) ? new SafeStorageCredentials(safe, appDataDir) : new MemoryCredentials()
  return new ChainedCredentials(primary, (id) => fromEnvOrPgpass(parseTargetId(id)))
}
