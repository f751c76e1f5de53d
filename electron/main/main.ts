// The Electron adapter: one locked-down window and ipcMain wired to the backend's dispatcher.
// No behaviour lives here (DESIGN.md §1); the security settings follow RELIABILITY.md.
// First: under `npm start`, better-sqlite3 must load its Electron build (electron-binding.ts).
import '../core/sqlite/electron-binding'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { app, BrowserWindow, dialog, ipcMain, safeStorage, session, shell } from 'electron'
import type { IpcMainInvokeEvent } from 'electron'
import type { Envelope } from '../../shared/contract/envelope'
import { createBackend, type Backend } from '../core/backend'
import { utilityWorkerLauncher } from './utility-launcher'
import { desktopCredentials } from './safe-storage-credentials'

const CSP =
  "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; connect-src 'self'"
/** Hosts the UI's links may open in the user's browser (https only); anything else is dropped. */
const EXTERNAL_HOSTS = new Set(['github.com', 'www.postgresql.org', 'www.sqlite.org'])
const appPath = app.getAppPath() // the repo root under `electron .`, resources/app.asar when packaged
const indexHtml = path.join(appPath, 'dist', 'renderer', 'index.html')
const indexUrl = pathToFileURL(indexHtml).href
const REFUSED: Envelope<never> = {
  ok: false,
  error: { code: 'FORBIDDEN_SENDER', message: 'Refused: the request came from another page' },
}

let win: BrowserWindow | null = null
let backend: Backend | null = null

function openExternalIfAllowed(raw: string): void {
  const url = URL.canParse(raw) ? new URL(raw) : null
  if (url?.protocol === 'https:' && EXTERNAL_HOSTS.has(url.hostname))
    void shell.openExternal(url.href)
}

/** Only the main frame of our window, showing our own index.html, may call the backend. */
function isTrustedSender(e: IpcMainInvokeEvent): boolean {
  const frame = e.senderFrame
  if (!win || win.isDestroyed() || !frame || e.sender !== win.webContents) return false
  const main = win.webContents.mainFrame
  if (frame.processId !== main.processId || frame.routingId !== main.routingId) return false
  return frame.parent === null && frame.url.split(/[?#]/)[0] === indexUrl // indexUrl is file://
}

function lockDown(): void {
  const ses = session.defaultSession
  ses.webRequest.onHeadersReceived((details, callback) =>
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } }),
  )
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
  ses.setPermissionCheckHandler(() => false)
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-navigate', (event, url) => {
      event.preventDefault()
      openExternalIfAllowed(url)
    })
    contents.setWindowOpenHandler(({ url }) => {
      openExternalIfAllowed(url)
      return { action: 'deny' }
    })
  })
}

function createWindow(): BrowserWindow {
  const w = new BrowserWindow({
    width: 1280,
    height: 800,
    webPreferences: {
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      preload: path.join(appPath, 'dist-electron', 'preload.cjs'),
    },
  })
  w.on('closed', () => (win = null))
  void w.loadFile(indexHtml)
  return w
}

async function start(): Promise<void> {
  lockDown()
  const b = await createBackend({
    appDataDir: app.getPath('userData'),
    version: app.getVersion(),
    // Target passwords: encrypted with the OS keychain, never in the journal or .ferry/target.json.
    credentials: desktopCredentials(safeStorage, app.getPath('userData')),
    persistTarget: true,
    launcher: utilityWorkerLauncher(path.join(appPath, 'dist-electron', 'worker.cjs')),
  })
  backend = b
  ipcMain.handle('ferry:invoke', (e, method: unknown, input: unknown) =>
    isTrustedSender(e) ? b.dispatch(method as string, input) : REFUSED,
  )
  b.onEvent((event, payload) => {
    if (win && !win.isDestroyed()) win.webContents.send('ferry:event', event, payload)
  })
  win = createWindow()
}

// Quit waits for backend.close(), which stops the embedded PostgreSQL.
let closing = false
app.on('before-quit', (event) => {
  if (!backend) return
  event.preventDefault()
  if (closing) return
  closing = true
  void backend
    .close()
    .catch((err: unknown) => console.error('Ferry: closing the backend failed:', err))
    .finally(() => {
      backend = null
      app.quit()
    })
})
app.on('window-all-closed', () => app.quit())
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit())

app.enableSandbox()
if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.on('second-instance', () => {
    if (win?.isMinimized()) win.restore()
    win?.focus()
  })
  app
    .whenReady()
    .then(start)
    .catch((err: unknown) => {
      dialog.showErrorBox('Ferry could not start', err instanceof Error ? err.message : String(err))
      app.exit(1)
    })
}
