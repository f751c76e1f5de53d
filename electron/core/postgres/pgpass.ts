// The libpq password file (https://www.postgresql.org/docs/current/libpq-pgpass.html), read the
// way libpq reads it: hostname:port:database:username:password lines, `*` matching anything in
// the first four fields, `\:` and `\\` escapes, `#` comments, the first matching line wins, and a
// file that group or others can access is refused (libpq ignores it with a warning; Ferry says
// so as an error, because silently ignoring it leaves the user guessing why the login fails).
import { readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { FerryError } from '../../../shared/contract/envelope'
import type { TargetKey } from './credentials'

export interface PgpassEntry {
  host: string
  port: string
  database: string
  user: string
  password: string
}

/** PGPASSFILE, else ~/.pgpass (%APPDATA%\postgresql\pgpass.conf on Windows). */
export function pgpassPath(env: NodeJS.ProcessEnv, home: string, platform: NodeJS.Platform): string {
  if (env.PGPASSFILE) return env.PGPASSFILE
  if (platform === 'win32')
    return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'postgresql', 'pgpass.conf')
  return path.join(home, '.pgpass')
}

/** Splits one line into its five fields; null for comments, blank or short lines (libpq skips them). */
export function parsePgpassLine(line: string): PgpassEntry | null {
  const text = line.replace(/\r$/, '')
  if (text === '' || text.startsWith('#')) return null
  const fields: string[] = []
  let cur = ''
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (c === '\\' && i + 1 < text.length) {
      cur += text[++i]
    } else if (c === ':' && fields.length < 4) {
      fields.push(cur)
      cur = ''
    } else {
      cur += c
    }
  }
  if (fields.length < 4) return null
  const [host, port, database, user] = fields as [string, string, string, string]
  return { host, port, database, user, password: cur }
}

export function parsePgpass(text: string): PgpassEntry[] {
  return text.split('\n').flatMap((l) => parsePgpassLine(l) ?? [])
}

const matches = (field: string, value: string): boolean => field === '*' || field === value

/** The first entry matching the key (a socket directory counts as "localhost", as in libpq). */
export function findPgpass(entries: readonly PgpassEntry[], key: TargetKey): string | null {
  const host = key.host === '' || key.host.startsWith('/') ? 'localhost' : key.host
  for (const e of entries) {
    if (
      matches(e.host, host) &&
      matches(e.port, String(key.port)) &&
      matches(e.database, key.database) &&
      matches(e.user, key.user)
    )
      return e.password === '' ? null : e.password
  }
  return null
}

/**
 * The password for `key` from the file, or null when the file does not exist or has no matching
 * line. Throws PGPASS_INSECURE when group or others have any access to it (not on Windows, where
 * libpq does not check either).
 */
export function lookupPgpass(file: string, key: TargetKey, platform: NodeJS.Platform = process.platform): string | null {
  let st
  try {
    st = statSync(file)
  } catch {
    return null
  }
  if (!st.isFile()) return null
  if (platform !== 'win32' && (st.mode & 0o077) !== 0) {
    throw new FerryError(
      'PGPASS_INSECURE',
      `The password file ${file} can be read by other users (mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}), so Ferry does not use it.`,
      `Restrict it to yourself: chmod 600 ${file} (libpq ignores such a file too).`,
    )
  }
  return findPgpass(parsePgpass(readFileSync(file, 'utf8')), key)
}
