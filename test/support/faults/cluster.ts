// A PostgreSQL 15 cluster of the test's own, for faults that cannot be done to the shared server:
// `pg_ctl restart -m immediate`, a tablespace on a tiny tmpfs. initdb runs as user postgres (the
// server refuses root) into a temp folder; trust auth, loopback only, a free port, its unix socket
// inside the folder, fsync off (durability of a throwaway cluster does not matter, speed does).
// Created when the test file is collected, so a machine without initdb skips its tests with the
// reason printed (it.skipIf) instead of passing them silently.
import { spawnSync } from 'node:child_process'
import { appendFileSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { mountTmpfs, unmount } from './tmpfs'

export const PG_BIN = '/usr/lib/postgresql/15/bin'

export interface TestCluster {
  /** Why the cluster cannot be used (tests skip with it); null when initdb succeeded. */
  readonly unavailable: string | null
  readonly dir: string
  port(): number
  url(db?: string): string
  start(): Promise<void>
  stop(): void
  restartImmediate(): void
  /** Runs a command as user postgres; throws with its output when it fails. */
  asPostgres(cmd: string, args: string[]): string
  /**
   * A tmpfs of `size` mounted at <dir>/<name>, with a folder `ts` in it owned by postgres (for
   * CREATE TABLESPACE … LOCATION); returns that folder. Unmounted by teardown.
   */
  tablespaceDir(name: string, size: string): string
  /** Always safe to call, more than once, also after a failed start: stops the server, unmounts
   * what tablespaceDir mounted and removes the dir. */
  teardown(): void
}

interface Ids {
  uid: number
  gid: number
}

function postgresIds(): Ids | null {
  const r = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' })
  const g = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' })
  if (r.status !== 0 || g.status !== 0) return null
  return { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) }
}

/** A TCP port nobody listens on now (the kernel's pick for port 0 on loopback). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      srv.close(() => resolve(port))
    })
  })
}

export function createCluster(prefix = 'ferry-cluster-', bin = PG_BIN): TestCluster {
  const ids = postgresIds()
  const dir = mkdtempSync(join(tmpdir(), prefix))
  const data = join(dir, 'data')
  const sockets = dir
  let port = 0
  let running = false
  let removed = false
  const mounts: string[] = []

  const run = (cmd: string, args: string[]): { ok: boolean; out: string } => {
    // We run as root and PostgreSQL refuses root: its binaries run as user postgres.
    const r = spawnSync('runuser', ['-u', 'postgres', '--', cmd, ...args], {
      encoding: 'utf8',
      timeout: 120_000,
    })
    return {
      ok: r.status === 0,
      out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error?.message ?? ''}`,
    }
  }
  const asPostgres = (cmd: string, args: string[]): string => {
    const r = run(cmd, args)
    if (!r.ok) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.out.slice(-1500)}`)
    return r.out
  }

  let unavailable: string | null = null
  if (!existsSync(join(bin, 'initdb'))) unavailable = `no initdb at ${bin}`
  else if (!ids) unavailable = 'no user postgres on this machine'
  else {
    chownSync(dir, ids.uid, ids.gid)
    const r = run(join(bin, 'initdb'), [
      '-D',
      data,
      '-U',
      'postgres',
      '--auth=trust',
      '--encoding=UTF8',
      '--locale=C',
      '--no-sync',
    ])
    if (!r.ok) unavailable = `initdb failed: ${r.out.trim().split('\n').slice(-3).join(' | ')}`
  }
  if (unavailable)
    console.warn(`[cluster] PostgreSQL tests of this file are skipped: ${unavailable}`)

  const pgCtl = (args: string[]): void => {
    asPostgres(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'server.log'), ...args])
  }
  const stop = (): void => {
    if (!running) return
    // Immediate: nothing of a throwaway cluster needs a clean shutdown, and it cannot hang.
    const r = run(join(bin, 'pg_ctl'), ['-D', data, 'stop', '-m', 'immediate', '-w'])
    running = !r.ok && existsSync(join(data, 'postmaster.pid'))
  }
  const teardown = (): void => {
    if (removed) return
    stop()
    if (running) {
      // pg_ctl could not stop it: end the postmaster itself, by the pid it wrote.
      const pid = spawnSync('head', ['-1', join(data, 'postmaster.pid')], { encoding: 'utf8' })
      const n = Number(pid.stdout.trim())
      if (n > 0) {
        try {
          process.kill(n, 'SIGKILL')
        } catch {
          // already gone
        }
      }
      running = false
    }
    // The server is down, so nothing holds the mounts; unmounted before the rm, which would
    // otherwise stop at a mount point (or empty a mount the next test still expects).
    for (const m of mounts.splice(0)) unmount(m)
    rmSync(dir, { recursive: true, force: true })
    removed = true
  }
  // A worker that dies without running afterAll still takes its cluster down.
  process.once('exit', teardown)

  return {
    unavailable,
    dir,
    port: () => port,
    url: (db = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${db}`,
    async start() {
      if (unavailable) throw new Error(unavailable)
      if (running) return
      if (port === 0) {
        port = await freePort()
        appendFileSync(
          join(data, 'postgresql.conf'),
          [
            '',
            '# ferry test cluster',
            `port = ${port}`,
            "listen_addresses = '127.0.0.1'",
            `unix_socket_directories = '${sockets}'`,
            'fsync = off',
            'full_page_writes = off',
            "log_min_messages = 'warning'",
            '',
          ].join('\n'),
        )
      }
      pgCtl(['start', '-w', '-t', '60'])
      running = true
    },
    stop,
    restartImmediate() {
      pgCtl(['restart', '-m', 'immediate', '-w', '-t', '60'])
      running = true
    },
    asPostgres,
    tablespaceDir(name, size) {
      const mnt = join(dir, name)
      mkdirSync(mnt)
      mountTmpfs(mnt, size)
      mounts.push(mnt)
      const ts = join(mnt, 'ts')
      mkdirSync(ts, { mode: 0o700 })
      chownSync(mnt, ids!.uid, ids!.gid)
      chownSync(ts, ids!.uid, ids!.gid)
      return ts
    },
    teardown,
  }
}
