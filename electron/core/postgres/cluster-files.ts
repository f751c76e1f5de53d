// The files around an embedded cluster: its password file, its lock file, the port it listens on.
// Kept apart from embedded.ts so the start/stop sequence there reads top to bottom.
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { chmod, chown, open, readFile, readdir, rm, stat } from 'node:fs/promises'
import net from 'node:net'
import path from 'node:path'
import type { Log, OsUser } from './os-user'

/** `.ferry/pg` → `.ferry/pg.secret`: beside the data directory, never inside it (backups of pg/ stay secret-free). */
export function secretPathFor(dataDir: string): string {
  return path.join(path.dirname(dataDir), `${path.basename(dataDir)}.secret`)
}

export function hasCluster(dataDir: string): boolean {
  return existsSync(path.join(dataDir, 'PG_VERSION'))
}

/** True when the folder does not exist or is empty. */
export async function isEmptyOrMissing(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true
    throw err
  }
}

export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r')
  try {
    await fh.sync()
  } finally {
    await fh.close()
  }
}

/**
 * The cluster's password: read from the file, or generated (24 random bytes, base64url) and
 * written exclusively with mode 0600. Its first line is also initdb's `--pwfile`, so when the
 * server runs as another OS user that user owns the file (root can read it regardless).
 */
export async function readOrCreateSecret(
  file: string,
  owner: OsUser | null,
): Promise<{ password: string; created: boolean }> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const password = (await readFile(file, 'utf8')).split('\n')[0]?.trim() ?? ''
      if (password === '') throw new Error(`${file} is empty`)
      await secure(file, owner)
      return { password, created: false }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
    const password = randomBytes(24).toString('base64url')
    let fh
    try {
      fh = await open(file, 'wx', 0o600)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue // created meanwhile: read it
      throw err
    }
    try {
      await fh.writeFile(`${password}\n`)
      await fh.sync()
    } finally {
      await fh.close()
    }
    await fsyncDir(path.dirname(file))
    await secure(file, owner)
    return { password, created: true }
  }
  throw new Error(`Could not read or create ${file}`)
}

async function secure(file: string, owner: OsUser | null): Promise<void> {
  const st = await stat(file)
  if ((st.mode & 0o777) !== 0o600) await chmod(file, 0o600)
  if (owner && (st.uid !== owner.uid || st.gid !== owner.gid))
    await chown(file, owner.uid, owner.gid)
}

/** A free TCP port on 127.0.0.1, found by binding port 0. Racy by nature: the caller retries on "could not bind". */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() =>
        port > 0 ? resolve(port) : reject(new Error('No free port on 127.0.0.1')),
      )
    })
  })
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false
  }
  // A zombie answers kill(pid, 0) but is already dead.
  try {
    const statLine = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return statLine.slice(statLine.lastIndexOf(')') + 2, statLine.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return process.platform !== 'linux'
  }
}

/** The command line of a process on Linux; null where /proc is not available. */
function commandLine(pid: number): string[] | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean)
  } catch {
    return null
  }
}

function isPostmasterFor(args: string[], dataDir: string): boolean {
  if (path.basename(args[0] ?? '') !== 'postgres') return false
  const dir = args[args.indexOf('-D') + 1]
  return args.includes('-D') && dir !== undefined && path.resolve(dir) === path.resolve(dataDir)
}

async function waitUntilGone(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    if (!isRunning(pid)) return true
    await new Promise((r) => setTimeout(r, 100))
  }
  return !isRunning(pid)
}

/**
 * Before a start: deal with `postmaster.pid` left by a previous run. A dead PID is PostgreSQL's
 * own business (it removes the file and recovers). A live postmaster for this data directory is
 * one a killed Ferry left behind: it holds the directory and a port we no longer know, so it is
 * shut down (SIGINT = fast shutdown, then SIGQUIT, then SIGKILL). A live PID that now belongs to
 * another program (PID reuse, common in containers) would make PostgreSQL refuse to start, so
 * the lock file is removed.
 */
export async function clearStaleServer(dataDir: string, log: Log): Promise<void> {
  const lockFile = path.join(dataDir, 'postmaster.pid')
  let text: string
  try {
    text = await readFile(lockFile, 'utf8')
  } catch {
    return
  }
  const pid = Number.parseInt(text.split('\n')[0] ?? '', 10)
  if (!Number.isInteger(pid) || pid <= 0) {
    log('warn', `Removed an unreadable lock file ${lockFile} left by an interrupted start.`)
    await rm(lockFile, { force: true })
    return
  }
  if (!isRunning(pid)) return
  const args = commandLine(pid)
  if (args === null) return // no /proc: PostgreSQL's own check decides
  if (isPostmasterFor(args, dataDir)) {
    log(
      'warn',
      `Stopping an embedded PostgreSQL (PID ${pid}) left running by an earlier Ferry session on ${dataDir}.`,
    )
    for (const [signal, ms] of [
      ['SIGINT', 30_000],
      ['SIGQUIT', 5_000],
      ['SIGKILL', 5_000],
    ] as const) {
      try {
        process.kill(pid, signal)
      } catch {
        // already gone
      }
      if (await waitUntilGone(pid, ms)) return
    }
    throw new Error(`PostgreSQL process ${pid} on ${dataDir} did not stop`)
  }
  if (path.basename(args[0] ?? '') === 'postgres' || args[0]?.startsWith('postgres:')) return
  log(
    'warn',
    `Removed the stale lock file ${lockFile}: its PID ${pid} now belongs to another program.`,
  )
  await rm(lockFile, { force: true })
}
