// A stand-in for the parts of the Electron API that electron/main uses, so the bundled main
// process can be loaded under plain Node (where there is no Electron binary) and its wiring
// checked: window options, CSP, navigation, the IPC sender check, events, quitting.
// utilityProcess.fork is emulated with child_process.fork plus a process.parentPort shim, so the
// real bundled worker runs through the same code path as in Electron.
import { fork, type ChildProcess } from 'node:child_process'
import { EventEmitter } from 'node:events'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

export interface FakeFrame {
  processId: number
  routingId: number
  url: string
  parent: FakeFrame | null
}

type Handler = (...args: unknown[]) => unknown

const PARENT_PORT_SHIM = `// What Electron gives a utility process: process.parentPort delivering { data } events.
const { EventEmitter } = require('node:events')
const port = new EventEmitter()
process.on('message', (data) => port.emit('message', { data }))
port.postMessage = (message) => process.send(message)
process.parentPort = port
`

export class FakeWebContents extends EventEmitter {
  readonly mainFrame: FakeFrame = { processId: 7, routingId: 1, url: 'about:blank', parent: null }
  readonly sent: Array<[string, ...unknown[]]> = []
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null
  send(channel: string, ...args: unknown[]): void {
    this.sent.push([channel, ...args])
  }
  setWindowOpenHandler(h: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = h
  }
}

export interface FakeApp extends EventEmitter {
  quitCalls: number
  quitted: boolean
  exitCode: number | null
  sandboxEnabled: boolean
  quit(): void
}

export interface FakeWindow {
  readonly options: Record<string, unknown>
  readonly webContents: FakeWebContents
  loaded: string | null
}

export interface FakeElectron {
  /** The module object the bundle gets for the electron package. */
  module: Record<string, unknown>
  app: FakeApp
  windows: FakeWindow[]
  handlers: Map<string, Handler>
  web: {
    headersHandler: Handler | null
    permissionRequest: Handler | null
    permissionCheck: Handler | null
  }
  opened: string[]
  errors: Array<[string, string]>
  children: ChildProcess[]
}

export function createFakeElectron(opts: { appPath: string; userData: string }): FakeElectron {
  const app = Object.assign(new EventEmitter(), {
    quitCalls: 0,
    quitted: false,
    exitCode: null as number | null,
    sandboxEnabled: false,
    getAppPath: () => opts.appPath,
    getPath: (name: string) =>
      name === 'userData' ? opts.userData : path.join(opts.userData, name),
    getVersion: () => '0.0.0-test',
    enableSandbox: () => {
      app.sandboxEnabled = true
    },
    requestSingleInstanceLock: () => true,
    whenReady: () => Promise.resolve(),
    quit: () => {
      app.quitCalls++
      const event = {
        defaultPrevented: false,
        preventDefault: () => (event.defaultPrevented = true),
      }
      app.emit('before-quit', event)
      if (!event.defaultPrevented) app.quitted = true
    },
    exit: (code: number) => {
      app.exitCode = code
    },
  })

  const windows: FakeWindow[] = []
  class FakeBrowserWindow extends EventEmitter {
    readonly webContents = new FakeWebContents()
    loaded: string | null = null
    constructor(readonly options: Record<string, unknown>) {
      super()
      windows.push(this)
      app.emit('web-contents-created', {}, this.webContents)
    }
    loadFile(file: string): Promise<void> {
      this.loaded = file
      this.webContents.mainFrame.url = pathToFileURL(file).href
      return Promise.resolve()
    }
    isDestroyed = () => false
    isMinimized = () => false
    restore = () => undefined
    focus = () => undefined
  }

  const handlers = new Map<string, Handler>()
  const ipcMain = { handle: (channel: string, h: Handler) => handlers.set(channel, h) }

  const web = {
    headersHandler: null as Handler | null,
    permissionRequest: null as Handler | null,
    permissionCheck: null as Handler | null,
  }
  const session = {
    defaultSession: {
      webRequest: { onHeadersReceived: (h: Handler) => (web.headersHandler = h) },
      setPermissionRequestHandler: (h: Handler) => (web.permissionRequest = h),
      setPermissionCheckHandler: (h: Handler) => (web.permissionCheck = h),
    },
  }

  const opened: string[] = []
  const shell = { openExternal: (url: string) => (opened.push(url), Promise.resolve()) }
  const errors: Array<[string, string]> = []
  const dialog = { showErrorBox: (title: string, content: string) => errors.push([title, content]) }

  const shim = path.join(opts.userData, 'parent-port-shim.cjs')
  const children: ChildProcess[] = []
  const utilityProcess = {
    fork(entry: string, args: string[] = []) {
      writeFileSync(shim, PARENT_PORT_SHIM)
      const child = fork(entry, args, {
        execArgv: ['--require', shim],
        serialization: 'advanced',
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      })
      children.push(child)
      const proc = Object.assign(new EventEmitter(), {
        get pid() {
          return child.pid
        },
        postMessage: (m: unknown) => child.send(m as object),
        kill: () => child.kill('SIGTERM'),
      })
      child.on('message', (m) => proc.emit('message', m))
      child.on('exit', (code) => proc.emit('exit', code ?? 1))
      return proc
    },
  }

  // Reversible but not plain text: a test can tell that only ciphertext reached the disk.
  const safeStorage = {
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => 'gnome_libsecret',
    encryptString: (s: string) =>
      Buffer.concat([Buffer.from('FAKE1'), Buffer.from(s, 'utf8').map((b) => b ^ 0xa5)]),
    decryptString: (b: Buffer) => {
      if (b.subarray(0, 5).toString() !== 'FAKE1') throw new Error('Error while decrypting the ciphertext')
      return Buffer.from(b.subarray(5).map((x) => x ^ 0xa5)).toString('utf8')
    },
  }

  const module = {
    app,
    safeStorage,
    BrowserWindow: FakeBrowserWindow,
    ipcMain,
    session,
    shell,
    dialog,
    utilityProcess,
  }
  return { module, app, windows, handlers, web, opened, errors, children }
}
