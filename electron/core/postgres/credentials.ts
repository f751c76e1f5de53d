// Where the password of a PostgreSQL target lives. It is never part of the persisted target
// configuration, the journal or a log line: the desktop app keeps it encrypted with Electron's
// safeStorage (electron/main/safe-storage-credentials.ts, injected through BackendOptions); the
// CLI and `ferry serve` read it from FERRY_PG_PASSWORD / PGPASSWORD or a .pgpass file, and a
// password typed into the UI there stays in memory for the session only.
import { homedir } from 'node:os'
import type { PasswordInfo } from '../../../shared/contract/connection'
import { FerryError } from '../../../shared/contract/envelope'
import { lookupPgpass, pgpassPath } from './pgpass'

/** Where a password came from; the UI tells the user. */
export type PasswordSource = 'safe-storage' | 'session' | 'env' | 'pgpass'

export interface LoadedPassword {
  password: string
  source: PasswordSource
  /** e.g. "FERRY_PG_PASSWORD" or the .pgpass file's path; never the password. */
  detail: string
}

/** The fields a password is looked up by (libpq's .pgpass key). */
export interface TargetKey {
  host: string
  port: number
  database: string
  user: string
}

export interface CredentialStore {
  /** What save() does: encrypt to disk, or keep in memory until the process ends. */
  readonly saves: 'safe-storage' | 'session'
  save(targetId: string, password: string): void
  load(targetId: string): LoadedPassword | null
  remove(targetId: string): void
}

/** `user@host:port/database`, each part percent-encoded: a stable id that carries no secret. */
export function targetId(key: TargetKey): string {
  const e = encodeURIComponent
  return `${e(key.user)}@${e(key.host)}:${key.port}/${e(key.database)}`
}

export function parseTargetId(id: string): TargetKey {
  const m = /^([^@]*)@([^:]*):(\d+)\/(.*)$/.exec(id)
  if (!m) throw new FerryError('INTERNAL', `Not a target id: ${id}`)
  const d = decodeURIComponent
  return { user: d(m[1]!), host: d(m[2]!), port: Number(m[3]), database: d(m[4]!) }
}

/** Session-only: a password typed into the UI where no secure store exists. */
export class MemoryCredentials implements CredentialStore {
  readonly saves = 'session' as const
  private readonly map = new Map<string, string>()
  save(id: string, password: string): void {
    this.map.set(id, password)
  }
  load(id: string): LoadedPassword | null {
    const password = this.map.get(id)
    return password === undefined
      ? null
      : { password, source: 'session', detail: 'kept in memory for this session only' }
  }
  remove(id: string): void {
    this.map.delete(id)
  }
}

export interface EnvPgpassOptions {
  env?: NodeJS.ProcessEnv
  /** The user's home (for ~/.pgpass); tests point it elsewhere. */
  home?: string
  platform?: NodeJS.Platform
}

/**
 * The CLI's and `ferry serve`'s store: a password given in this session first, then
 * FERRY_PG_PASSWORD, PGPASSWORD, then the .pgpass file (PGPASSFILE or ~/.pgpass) as libpq reads
 * it. save() cannot persist here (Ferry does not write the user's .pgpass), so it keeps the
 * password in memory and reports `saves: 'session'`.
 */
export class EnvPgpassCredentials extends MemoryCredentials {
  private readonly env: NodeJS.ProcessEnv
  private readonly home: string
  private readonly platform: NodeJS.Platform
  constructor(opts: EnvPgpassOptions = {}) {
    super()
    this.env = opts.env ?? process.env
    this.home = opts.home ?? homedir()
    this.platform = opts.platform ?? process.platform
  }

  override load(id: string): LoadedPassword | null {
    return super.load(id) ?? fromEnvOrPgpass(parseTargetId(id), this.env, this.home, this.platform)
  }
}

/** FERRY_PG_PASSWORD, PGPASSWORD, then .pgpass; throws PGPASS_INSECURE for a readable file. */
export function fromEnvOrPgpass(
  key: TargetKey,
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
  platform: NodeJS.Platform = process.platform,
): LoadedPassword | null {
  for (const name of ['FERRY_PG_PASSWORD', 'PGPASSWORD'] as const) {
    const v = env[name]
    if (v) return { password: v, source: 'env', detail: name }
  }
  const file = pgpassPath(env, home, platform)
  const password = lookupPgpass(file, key, platform)
  return password === null ? null : { password, source: 'pgpass', detail: file }
}

/** Tries each store in turn (the desktop app: safeStorage, then the environment and .pgpass). */
export class ChainedCredentials implements CredentialStore {
  readonly saves: 'safe-storage' | 'session'
  constructor(
    private readonly primary: CredentialStore,
    private readonly fallback: (id: string) => LoadedPassword | null,
  ) {
    this.saves = primary.saves
  }
  save(id: string, password: string): void {
    this.primary.save(id, password)
  }
  load(id: string): LoadedPassword | null {
    return this.primary.load(id) ?? this.fallback(id)
  }
  remove(id: string): void {
    this.primary.remove(id)
  }
}

/** What the UI says about a target's password (never the password itself). */
export function describePassword(loaded: LoadedPassword | null): PasswordInfo {
  if (!loaded)
    return { source: 'none', note: 'No password: none was given, and none is in FERRY_PG_PASSWORD, PGPASSWORD or .pgpass.' }
  const notes: Record<PasswordSource, string> = {
    'safe-storage': 'Stored encrypted with the operating system keychain (Electron safeStorage).',
    session:
      'Kept in memory for this session only: no secure store is available here. Set FERRY_PG_PASSWORD or add a .pgpass line to keep it.',
    env: `From the environment variable ${loaded.detail}.`,
    pgpass: `From the password file ${loaded.detail}.`,
  }
  return { source: loaded.source, note: notes[loaded.source] }
}
