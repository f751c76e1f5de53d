// The bundled Electron main process, loaded under plain Node with a fake 'electron' module (this
// machine has no Electron binary): the window is locked down, only our own page may call the
// backend, events reach the window, long work runs in the bundled worker, and quitting waits
// for the backend to close.
import { EventEmitter } from 'node:events'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import vm from 'node:vm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createFakeElectron, type FakeElectron, type FakeFrame } from '../support/fake-electron'

const root = fileURLToPath(new URL('../..', import.meta.url))
const require = createRequire(import.meta.url)
const electronId = require.resolve('electron')

type Invoke = (e: unknown, method: unknown, input: unknown) => Promise<unknown> | unknown

let fake: FakeElectron
let appRoot: string
let signalListeners: Map<'SIGINT' | 'SIGTERM', Set<NodeJS.SignalsListener>>

async function until<T>(probe: () => T | undefined, ms = 10_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = probe()
    if (v !== undefined) return v
    if (Date.now() > end) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 20))
  }
}

beforeAll(async () => {
  // Inside the repo, so the bundle's externals (better-sqlite3, …) resolve from node_modules.
  mkdirSync(path.join(root, 'test-results'), { recursive: true })
  appRoot = mkdtempSync(path.join(root, 'test-results', 'electron-main-'))
  const buildScript = pathToFileURL(path.join(root, 'scripts', 'build-electron.mjs')).href
  const { buildElectron } = (await import(buildScript)) as {
    buildElectron: (o: { outdir: string }) => Promise<string[]>
  }
  await buildElectron({ outdir: path.join(appRoot, 'dist-electron') })

  const userData = path.join(appRoot, 'user-data')
  mkdirSync(userData)
  fake = createFakeElectron({ appPath: appRoot, userData })
  signalListeners = new Map(
    (['SIGINT', 'SIGTERM'] as const).map((s) => [s, new Set(process.listeners(s))]),
  )
  require.cache[electronId] = {
    id: electronId,
    filename: electronId,
    loaded: true,
    exports: fake.module,
  } as unknown as NodeJS.Module
  require(path.join(appRoot, 'dist-electron', 'main.cjs'))
  await until(() => (fake.windows.length > 0 ? true : undefined))
}, 60_000)

afterAll(() => {
  delete require.cache[electronId]
  // main.cjs quits the app on SIGINT/SIGTERM; this test process must keep its own behaviour.
  for (const [signal, before] of signalListeners ?? []) {
    for (const l of process.listeners(signal)) if (!before.has(l)) process.off(signal, l)
  }
  for (const c of fake?.children ?? []) if (c.exitCode === null) c.kill('SIGKILL')
  if (appRoot) rmSync(appRoot, { recursive: true, force: true })
})

function invoke(frame: FakeFrame | null, method: string, input: unknown, sender?: unknown) {
  const handler = fake.handlers.get('ferry:invoke') as Invoke
  const win = fake.windows[0]!
  return Promise.resolve(
    handler({ sender: sender ?? win.webContents, senderFrame: frame }, method, input),
  )
}

describe('the Electron main process (bundled, with a fake electron module)', () => {
  it('opens one 1280×800 window with isolation, sandbox and our preload, showing dist/renderer', () => {
    expect(fake.windows).toHaveLength(1)
    const win = fake.windows[0]!
    expect(win.options).toMatchObject({ width: 1280, height: 800 })
    expect(win.options.webPreferences).toEqual({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      preload: path.join(appRoot, 'dist-electron', 'preload.cjs'),
    })
    expect(win.loaded).toBe(path.join(appRoot, 'dist', 'renderer', 'index.html'))
    expect(fake.app.sandboxEnabled).toBe(true)
  })

  it('adds a strict Content-Security-Policy to every response and denies every permission', () => {
    let result: { responseHeaders: Record<string, string[]> } | undefined
    fake.web.headersHandler!(
      { responseHeaders: { 'X-Other': ['1'] } },
      (r: typeof result) => (result = r),
    )
    expect(result!.responseHeaders['X-Other']).toEqual(['1'])
    const csp = result!.responseHeaders['Content-Security-Policy']![0]!
    for (const d of [
      "default-src 'self'",
      "script-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
      "connect-src 'self'",
    ])
      expect(csp).toContain(d)
    expect(csp).not.toContain('unsafe')
    let granted: boolean | undefined
    fake.web.permissionRequest!({}, 'media', (g: boolean) => (granted = g))
    expect(granted).toBe(false)
    expect(fake.web.permissionCheck!({}, 'clipboard-read')).toBe(false)
  })

  it('blocks navigation and new windows, opening only allow-listed https links outside', () => {
    const wc = fake.windows[0]!.webContents
    const navigate = (url: string) => {
      let prevented = false
      wc.emit('will-navigate', { preventDefault: () => (prevented = true) }, url)
      return prevented
    }
    expect(navigate('https://evil.example/')).toBe(true)
    expect(navigate('file:///etc/passwd')).toBe(true)
    expect(navigate('https://github.com/ferry/ferry')).toBe(true)
    expect(wc.windowOpenHandler!({ url: 'http://github.com/' })).toEqual({ action: 'deny' })
    expect(wc.windowOpenHandler!({ url: 'https://www.postgresql.org/docs/' })).toEqual({
      action: 'deny',
    })
    expect(wc.windowOpenHandler!({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' })
    expect(fake.opened).toEqual([
      'https://github.com/ferry/ferry',
      'https://www.postgresql.org/docs/',
    ])
  })

  it('answers our own page and refuses every other sender with an envelope error', async () => {
    const wc = fake.windows[0]!.webContents
    const main = wc.mainFrame
    const ok = (await invoke(main, 'app.info', {})) as { ok: boolean; value: { version: string } }
    expect(ok).toMatchObject({ ok: true, value: { version: '0.0.0-test' } })
    expect(await invoke({ ...main, url: `${main.url}#/tables?x=1` }, 'app.info', {})).toMatchObject(
      { ok: true },
    )

    const refused = { ok: false, error: { code: 'FORBIDDEN_SENDER' } }
    const elsewhere = pathToFileURL(path.join(appRoot, 'evil.html')).href
    for (const frame of [
      null,
      { ...main, url: 'https://evil.example/' },
      { ...main, url: elsewhere },
      { ...main, routingId: main.routingId + 1 },
      { ...main, processId: main.processId + 1 },
      { ...main, parent: main },
    ])
      expect(await invoke(frame, 'app.info', {})).toMatchObject(refused)
    expect(await invoke(main, 'app.info', {}, { other: true })).toMatchObject(refused)
    // A trusted sender still goes through the dispatcher's validation.
    expect(await invoke(main, 'app.info', { extra: 1 })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    })
    expect(await invoke(main, 'no.such', {})).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_METHOD' },
    })
  })

  it('runs long work in the bundled worker through utilityProcess and forwards events', async () => {
    const wc = fake.windows[0]!.webContents
    const dir = path.join(appRoot, 'demo')
    const r = (await invoke(wc.mainFrame, 'workspace.createDemo', {
      path: dir,
      events: 200,
      seed: 1,
    })) as {
      ok: boolean
      error?: unknown
    }
    expect(r.error).toBeUndefined()
    expect(r.ok).toBe(true)
    expect(fake.children.length).toBeGreaterThan(0)
    expect(existsSync(path.join(dir, '.claude', 'state.db'))).toBe(true)
    const events = wc.sent
      .filter(([channel]) => channel === 'ferry:event')
      .map(([, event]) => event)
    expect(events).toContain('workspace.changed')
  }, 60_000)

  it('quits only after the backend has closed', async () => {
    const before = fake.app.quitCalls
    fake.app.quit()
    expect(fake.app.quitted).toBe(false) // held back while backend.close() runs
    await until(() => (fake.app.quitted ? true : undefined))
    expect(fake.app.quitCalls).toBe(before + 2)
    expect(fake.errors).toEqual([])
  })
})

describe('the preload (bundled)', () => {
  it('runs as a sandboxed preload and exposes exactly invoke and subscribe', async () => {
    // A sandboxed preload gets a require limited to a few modules and no __filename/__dirname.
    const ipc = Object.assign(new EventEmitter(), {
      invoked: [] as unknown[][],
      invoke: (...args: unknown[]) => (
        ipc.invoked.push(args),
        Promise.resolve({ ok: true, value: 1 })
      ),
    })
    const exposed = new Map<string, unknown>()
    const electron = {
      contextBridge: { exposeInMainWorld: (name: string, api: unknown) => exposed.set(name, api) },
      ipcRenderer: ipc,
    }
    const allowed: Record<string, unknown> = { electron }
    const sandboxRequire = (id: string) => {
      if (!(id in allowed)) throw new Error(`module not found: ${id}`)
      return allowed[id]
    }
    const code = readFileSync(path.join(appRoot, 'dist-electron', 'preload.cjs'), 'utf8')
    const wrapper = vm.runInNewContext(`(function (require, module, exports) {${code}\n})`, {})
    const module = { exports: {} }
    wrapper(sandboxRequire, module, module.exports)

    expect([...exposed.keys()]).toEqual(['ferry'])
    const bridge = exposed.get('ferry') as {
      invoke: (m: string, i: unknown) => Promise<unknown>
      subscribe: (l: (event: string, payload: unknown) => void) => () => void
    }
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'subscribe'])
    expect(await bridge.invoke('app.info', {})).toEqual({ ok: true, value: 1 })
    expect(ipc.invoked).toEqual([['ferry:invoke', 'app.info', {}]])

    const seen: unknown[][] = []
    const unsubscribe = bridge.subscribe((event, payload) => seen.push([event, payload]))
    ipc.emit('ferry:event', { sender: 'ipc' }, 'workspace.changed', { root: '/w' })
    unsubscribe()
    ipc.emit('ferry:event', { sender: 'ipc' }, 'workspace.changed', { root: '/x' })
    expect(seen).toEqual([['workspace.changed', { root: '/w' }]])
    expect(ipc.listenerCount('ferry:event')).toBe(0)
  })
})
