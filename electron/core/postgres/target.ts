// Which PostgreSQL Ferry writes to — the embedded one in <workspace>/.ferry/pg or a URL — and its
// state as the UI sees it. Connection failures are states, not exceptions; every change is emitted.
import path from 'node:path'
import { FerryError, toErrorInfo } from '../../../shared/contract/envelope'
import type {
  ErrorInfo,
  LogLevel,
  TargetConfig,
  TargetState,
  TargetStatus,
} from '../../../shared/contract/types'
import type { PasswordInfo, SslMode } from '../../../shared/contract/connection'
import { startEmbeddedPostgres, type EmbeddedServer } from './embedded'
import { probe, type ProbeResult } from './probe'
import { redactSecrets, secretsInUrl } from './redact'
import { describePassword, EnvPgpassCredentials, type CredentialStore } from './credentials'
import { connectUrl, displayUrl, fromFields, splitUrl, type ExternalTarget } from './connection'
import { probeExternal } from './external-probe'

export interface TargetManagerOptions {
  /** `.ferry/pg` of the open workspace, null when none is open. */
  pgDir: () => string | null
  emit: (status: TargetStatus) => void
  log?: (level: LogLevel, message: string) => void
  /** How the embedded server is started; tests may substitute it. */
  startEmbedded?: typeof startEmbeddedPostgres
  /** Where passwords are kept; default: this session's memory, then the environment and .pgpass. */
  credentials?: CredentialStore
}

/** What the manager holds: never a password (that is in the credential store). */
type Config = { kind: 'embedded' } | { kind: 'external'; target: ExternalTarget }

/** A target as it may be written to disk: no password, ever. */
export type PersistedTarget = { kind: 'embedded' } | { kind: 'url'; url: string }

const URL_HINT =
  'Use the form postgres://user:password@host:5432/database (postgresql:// also works).'

/** Checks that `url` is a postgres:// or postgresql:// URL; the message never repeats the raw text. */
export function validatePostgresUrl(url: string): void {
  let parsed: URL
  try {
    parsed = new URL(url.trim())
  } catch {
    throw new FerryError('INVALID_URL', 'The PostgreSQL URL cannot be read.', URL_HINT)
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new FerryError(
      'INVALID_URL',
      `The PostgreSQL URL must start with postgres:// or postgresql:// (it starts with ${parsed.protocol}//).`,
      URL_HINT,
    )
  }
}

export class TargetManager {
  private config: Config = { kind: 'embedded' }
  /** `prefer` resolved by the first connection: whether the server offered TLS. */
  private resolvedMode: Exclude<SslMode, 'prefer'> | null = null
  private readonly credentials: CredentialStore
  private current: TargetStatus
  private server: EmbeddedServer | null = null
  private inflight: Promise<TargetStatus> | null = null
  /** Bumped by configure(): a connect() started for an older configuration must not set the state. */
  private generation = 0
  /** Servers being stopped in the background (configure() is synchronous). */
  private stopping: Promise<void> = Promise.resolve()
  private readonly log: (level: LogLevel, message: string) => void
  private readonly startEmbedded: typeof startEmbeddedPostgres

  constructor(private readonly opts: TargetManagerOptions) {
    this.log = opts.log ?? (() => {})
    this.startEmbedded = opts.startEmbedded ?? startEmbeddedPostgres
    this.credentials = opts.credentials ?? new EnvPgpassCredentials()
    this.current = this.make('not-started')
  }

  private resolve(config: TargetConfig): { next: Config; password: string | null } {
    if (config.kind === 'url') {
      validatePostgresUrl(config.url)
      const split = splitUrl(config.url)
      return { next: { kind: 'external', target: split.target }, password: split.password }
    }
    if (config.kind === 'server') {
      const f = fromFields({ ...config, port: config.port ?? 5432, sslmode: config.sslmode ?? 'prefer' })
      return { next: { kind: 'external', target: f.target }, password: f.password }
    }
    return { next: { kind: 'embedded' }, password: null }
  }

  /** Whether configure(config) would change the server or the login (and so drop connections). */
  wouldChange(config: TargetConfig): boolean {
    const { next, password } = this.resolve(config)
    const prev = this.config.kind === 'external' ? this.credentials.load(this.config.target.id) : null
    return !(
      next.kind === this.config.kind &&
      (next.kind === 'embedded' ||
        (this.config.kind === 'external' &&
          this.config.target.url === next.target.url &&
          (password === null || password === prev?.password)))
    )
  }

  configure(config: TargetConfig): TargetStatus {
    const change = this.wouldChange(config)
    const { next, password } = this.resolve(config)
    // The password leaves the request here: into the store, never into the configuration.
    if (next.kind === 'external' && password !== null) this.saveCredential(next.target.id, password)
    if (!change) return this.status()
    this.resolvedMode = null
    this.generation++
    // A connect() still running for the old configuration stops any server it starts; stop()
    // and later starts wait for it through `stopping`.
    const old = this.inflight
    if (old) this.stopping = this.stopping.then(() => old.then(() => {}))
    this.inflight = null
    this.config = next
    if (this.server) this.stopInBackground(this.server)
    this.server = null
    this.set(this.generation, 'not-started')
    return this.status()
  }

  status(): TargetStatus {
    // The open workspace may have changed since the last event: an idle embedded target follows it.
    if (this.config.kind === 'embedded' && !this.server && !this.inflight) {
      if (this.current.display !== this.display()) this.set(this.generation, 'not-started')
    }
    return { ...this.current }
  }

  connect(): Promise<TargetStatus> {
    if (this.inflight) return this.inflight
    const gen = this.generation
    const run = this.doConnect(gen).catch((err: unknown) => {
      const message = err instanceof Error ? err.message : String(err)
      this.set(gen, 'error', null, {
        code: 'INTERNAL',
        message: redactSecrets(message, this.secrets()),
      })
      return this.status()
    })
    this.inflight = run
    void run.then(() => {
      if (this.inflight === run) this.inflight = null
    })
    return run
  }

  /** The URL engines connect with (it includes the password). Starts the embedded server if needed. */
  async connectionString(): Promise<string> {
    if (this.config.kind === 'external') {
      // Log in once first: `prefer` needs resolving, and a refusal (sslmode=require on a server
      // without TLS, an unreadable .pgpass) is reported clearly instead of by whichever engine.
      if (!this.resolvedMode) {
        const st = await this.connect()
        if (st.state !== 'connected')
          throw FerryError.from(st.error ?? { code: 'TARGET_NOT_CONNECTED', message: `${st.display} is not connected.` })
      }
      return this.externalUrl(this.config.target)
    }
    if (!this.serverForWorkspace()) {
      const st = await this.connect()
      if (st.state !== 'connected') {
        throw FerryError.from(
          st.error ?? { code: 'TARGET_NOT_CONNECTED', message: `${st.display} is not connected.` },
        )
      }
    }
    const server = this.serverForWorkspace()
    if (!server) {
      throw new FerryError(
        'TARGET_NOT_CONNECTED',
        'The embedded PostgreSQL stopped while connecting.',
        'Connect again.',
      )
    }
    return server.connectionString
  }

  /** Stops the embedded server if this manager started it (waiting for a start in progress). */
  async stop(): Promise<void> {
    if (this.inflight && this.config.kind === 'embedded') await this.inflight
    const server = this.server
    this.server = null
    if (server) this.stopInBackground(server)
    await this.stopping
    if (server && this.config.kind === 'embedded') this.set(this.generation, 'stopped')
  }

  private async doConnect(gen: number): Promise<TargetStatus> {
    const config = this.config
    if (config.kind === 'external') {
      this.set(gen, 'starting')
      return this.finish(gen, await this.probeExternal(gen, config.target))
    }

    const dir = this.opts.pgDir()
    if (!dir) {
      this.set(gen, 'error', null, {
        code: 'NO_WORKSPACE',
        message: 'No workspace is open, so there is no embedded PostgreSQL to start.',
        hint: 'Open a workspace, or enter a PostgreSQL URL in the connection panel.',
      })
      return this.status()
    }
    let server = this.serverForWorkspace()
    if (!server) {
      if (this.server) this.stopInBackground(this.server)
      this.server = null
      await this.stopping
      this.set(gen, 'starting')
      try {
        server = await this.startServer(dir, gen)
      } catch (err) {
        this.set(gen, 'error', null, embeddedFailure(err, dir))
        return this.status()
      }
      if (gen !== this.generation) {
        await server.stop() // the target was switched while this server was starting
        return this.status()
      }
      this.server = server
    }
    const result = await probe({
      connectionString: server.connectionString,
      display: this.display(),
      secrets: secretsInUrl(server.connectionString),
    })
    return this.finish(gen, result)
  }

  private startServer(dir: string, gen: number): Promise<EmbeddedServer> {
    let started: EmbeddedServer | null = null
    const promise = this.startEmbedded({
      dataDir: dir,
      log: this.log,
      onUnexpectedExit: ({ code, signal, logTail }) => {
        if (!started || this.server !== started) return
        this.server = null
        const last = logTail.split('\n').slice(-2).join(' | ')
        this.set(gen, 'error', null, {
          code: 'EMBEDDED_PG_EXITED',
          message: `The embedded PostgreSQL in ${dir} stopped unexpectedly (${signal ?? `exit code ${code}`})${last ? `: ${last}` : ''}.`,
          hint: 'Connect again to restart it; if it keeps stopping, check the free disk space.',
          detail: logTail,
        })
      },
    })
    return promise.then((s) => (started = s))
  }

  private finish(gen: number, result: ProbeResult): TargetStatus {
    if (result.ok) {
      this.set(gen, 'connected', result.serverVersion)
      if (gen === this.generation)
        this.log(
          'info',
          `Connected to ${this.current.display}: PostgreSQL ${result.serverVersion}.`,
        )
    } else {
      this.set(gen, 'error', null, result.error)
      if (gen === this.generation) this.log('warn', `${result.error.code}: ${result.error.message}`)
    }
    return this.status()
  }

  private serverForWorkspace(): EmbeddedServer | null {
    const dir = this.opts.pgDir()
    const s = this.server
    return s && s.running && dir !== null && s.dataDir === path.resolve(dir) ? s : null
  }

  private stopInBackground(server: EmbeddedServer): void {
    this.stopping = this.stopping
      .then(() => server.stop())
      .catch((err: unknown) =>
        this.log('error', `Stopping the embedded PostgreSQL failed: ${String(err)}`),
      )
  }

  /** The configuration as it may be saved: the URL has no password. */
  persisted(): PersistedTarget {
    return this.config.kind === 'external' ? { kind: 'url', url: this.config.target.url } : { kind: 'embedded' }
  }

  /** Logs in with the stored password; remembers which mode `prefer` resolved to. */
  private async probeExternal(gen: number, t: ExternalTarget): Promise<ProbeResult> {
    let password: string | null
    try {
      password = this.credentials.load(t.id)?.password ?? null
    } catch (err) {
      return { ok: false, error: toErrorInfo(err) } // e.g. PGPASS_INSECURE
    }
    const p = await probeExternal(t, password)
    if (gen !== this.generation) return p.result
    if (p.mode) this.resolvedMode = p.mode
    if (p.plaintextFallback)
      this.log('warn', `${displayUrl(t, password !== null)} does not offer TLS: connected without encryption (sslmode=prefer). Choose require to refuse such a server.`)
    return p.result
  }

  private externalUrl(t: ExternalTarget): string {
    const password = this.credentials.load(t.id)?.password ?? null
    const mode = t.sslmode === 'prefer' ? (this.resolvedMode ?? 'require') : t.sslmode
    return connectUrl(t, password, mode)
  }

  private saveCredential(id: string, password: string): void {
    try {
      this.credentials.save(id, password)
    } catch (err) {
      throw new FerryError(
        'CREDENTIAL_STORE_FAILED',
        `The password could not be stored: ${redactSecrets(err instanceof Error ? err.message : String(err), [password])}`,
        'Try again; if the system keychain is locked, unlock it first.',
      )
    }
  }

  private passwordInfo(): PasswordInfo | undefined {
    if (this.config.kind !== 'external') return undefined
    try {
      return describePassword(this.credentials.load(this.config.target.id))
    } catch (err) {
      return { source: 'none', note: toErrorInfo(err).message }
    }
  }

  private hasPassword(id: string): boolean {
    try {
      return this.credentials.load(id) !== null
    } catch {
      return false
    }
  }

  private display(): string {
    if (this.config.kind === 'external')
      return displayUrl(this.config.target, this.hasPassword(this.config.target.id))
    const dir = this.server?.dataDir ?? this.opts.pgDir()
    return dir ? `embedded PostgreSQL (${dir})` : 'embedded PostgreSQL (no workspace open)'
  }

  private secrets(): string[] {
    if (this.config.kind === 'external') {
      try {
        const p = this.credentials.load(this.config.target.id)?.password
        return p ? [p] : []
      } catch {
        return []
      }
    }
    return this.server ? secretsInUrl(this.server.connectionString) : []
  }

  private make(
    state: TargetState,
    serverVersion: string | null = null,
    error: ErrorInfo | null = null,
  ): TargetStatus {
    if (this.config.kind === 'embedded')
      return { kind: 'embedded', display: this.display(), state, serverVersion, error }
    const t = this.config.target
    return {
      kind: 'url',
      display: this.display(),
      state,
      serverVersion,
      error,
      connection: { ...t.key, sslmode: t.sslmode },
      password: this.passwordInfo(),
    }
  }

  private set(
    gen: number,
    state: TargetState,
    serverVersion: string | null = null,
    error: ErrorInfo | null = null,
  ): void {
    if (gen !== this.generation) return
    const next = this.make(state, serverVersion, error)
    if (JSON.stringify(next) === JSON.stringify(this.current)) return
    this.current = next
    try {
      this.opts.emit({ ...this.current })
    } catch (err) {
      this.log('error', `A target.state listener failed: ${String(err)}`)
    }
  }
}

function embeddedFailure(err: unknown, dir: string): ErrorInfo {
  if (err instanceof FerryError) return err.toInfo()
  return {
    code: 'EMBEDDED_PG_FAILED',
    message: `The embedded PostgreSQL in ${dir} could not start: ${err instanceof Error ? err.message : String(err)}`,
    hint: 'Check that the workspace folder is writable, or enter a PostgreSQL URL in the connection panel.',
  }
}

