// An external PostgreSQL target as Ferry keeps it: a URL WITHOUT the password (the password goes
// to the credential store), its .pgpass key and its sslmode; and the URL the engines connect
// with, rebuilt with the password and node-postgres settings that give libpq's sslmode meaning.
import { userInfo } from 'node:os'
import type { ServerTargetConfig, SslMode } from '../../../shared/contract/connection'
import type { ErrorInfo } from '../../../shared/contract/types'
import { SslMode as SslModeSchema } from '../../../shared/contract/connection'
import { FerryError } from '../../../shared/contract/envelope'
import { targetId, type TargetKey } from './credentials'

export interface ExternalTarget {
  /** postgres://user@host:port/db?sslmode=… — never a password. Safe to persist and display. */
  url: string
  key: TargetKey
  id: string
  sslmode: SslMode
  /** The URL named an sslmode (otherwise it is libpq's default: PGSSLMODE, else prefer). */
  explicitSsl: boolean
}

const SECRET_PARAM = /password/i

function defaultUser(): string {
  try {
    return process.env.PGUSER || userInfo().username
  } catch {
    return 'postgres'
  }
}

/** Splits a postgres:// URL into the stored target and the password it carried (if any). */
export function splitUrl(raw: string): { target: ExternalTarget; password: string | null } {
  const u = new URL(raw.trim())
  let password: string | null = u.password !== '' ? safeDecode(u.password) : null
  u.password = ''
  for (const k of [...new Set(u.searchParams.keys())]) {
    if (!SECRET_PARAM.test(k)) continue
    // `?password=` is libpq's other way to pass it; sslpassword (a key's passphrase) is not ours to keep.
    if (k === 'password' && password === null) password = u.searchParams.get(k)
    u.searchParams.delete(k)
  }
  const given = u.searchParams.get('sslmode')
  const mode = given ?? process.env.PGSSLMODE ?? 'prefer'
  const parsed = SslModeSchema.safeParse(mode)
  if (!parsed.success) {
    throw new FerryError(
      'INVALID_URL',
      `sslmode=${mode} is not supported.`,
      'Use sslmode=disable, prefer, require, verify-ca or verify-full.',
    )
  }
  u.searchParams.delete('uselibpqcompat') // Ferry sets it itself (see connectUrl)
  const user = safeDecode(u.username) || defaultUser()
  const hostParam = u.searchParams.get('host')
  const key: TargetKey = {
    host: hostParam ?? (u.hostname.replace(/^\[(.*)\]$/, '$1') || 'localhost'),
    port: Number(u.searchParams.get('port') ?? (u.port || 5432)),
    user,
    database: safeDecode(u.pathname.slice(1)) || user,
  }
  return { target: { url: u.toString(), key, id: targetId(key), sslmode: parsed.data, explicitSsl: given !== null }, password }
}

/** The connection form's fields as a target, and the password typed (if any). */
export function fromFields(c: ServerTargetConfig): { target: ExternalTarget; password: string | null } {
  const u = new URL('postgres://placeholder')
  u.hostname = c.host.includes(':') && !c.host.startsWith('[') ? `[${c.host}]` : c.host
  u.port = String(c.port)
  u.username = encodeURIComponent(c.user)
  u.pathname = `/${encodeURIComponent(c.database)}`
  u.searchParams.set('sslmode', c.sslmode)
  const split = splitUrl(u.toString())
  return { target: split.target, password: c.password ? c.password : null }
}

/**
 * The URL engines connect with: the password put back, and sslmode given libpq's meaning —
 * node-postgres alone treats require as verify-full and never falls back for prefer. `prefer`
 * is resolved by the caller (a probe) into `require` or `disable` before it reaches here.
 */
export function connectUrl(t: ExternalTarget, password: string | null, mode: Exclude<SslMode, 'prefer'>): string {
  const u = new URL(t.url)
  if (password !== null) u.password = encodeURIComponent(password)
  // A URL without sslmode whose `prefer` found no TLS connects exactly as given (pg's default).
  if (mode === 'disable' && !t.explicitSsl) u.searchParams.delete('sslmode')
  else u.searchParams.set('sslmode', mode)
  if (mode === 'require' || mode === 'verify-ca') u.searchParams.set('uselibpqcompat', 'true')
  else u.searchParams.delete('uselibpqcompat')
  return u.toString()
}

/** The target as shown: the stored URL, with `***` where a password is in use. */
export function displayUrl(t: ExternalTarget, hasPassword: boolean): string {
  const u = new URL(t.url)
  if (hasPassword) u.password = '***'
  return u.toString().replace(':%2A%2A%2A@', ':***@')
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

/** node-postgres's and libpq's words for a server that has no TLS. */
export function noTls(e: ErrorInfo): boolean {
  return /does not support SSL/i.test(`${e.message} ${e.detail ?? ''}`)
}

/** sslmode=require (or stricter) against a server without TLS: say so, and that there is no fallback. */
export function sslError(e: ErrorInfo, mode: SslMode, display: string): ErrorInfo {
  if (mode === 'disable' || !noTls(e)) return e
  return {
    code: 'TARGET_SSL_REQUIRED',
    message: `PostgreSQL at ${display} does not support SSL, and sslmode=${mode} requires it: Ferry did not connect (it never falls back to an unencrypted connection).`,
    hint: 'Enable TLS on the server (ssl = on), or choose sslmode prefer/disable if an unencrypted connection is acceptable on this network.',
    detail: e.detail,
  }
}
