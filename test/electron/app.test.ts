// `npm run test:electron`: the desktop app itself, in a real Electron (Playwright's _electron),
// for what only Electron can show (RELIABILITY.md, issue 8 "Electron and IPC"): the window's
// webPreferences, what the sandboxed renderer can reach, the CSP and navigation lock, the work
// running in the utility process on better-sqlite3's Electron build, and the production password
// never stored in plain text. It needs the Electron runtime, so it is not part of `npm test`; on a
// machine without one it fails at once with the reason (scripts/electron-runtime.mjs).
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { _electron as electron, type ElectronApplication, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  electronVersion,
  REPO_ROOT,
  resolveElectronBinary,
  unavailableMessage,
} from '../../scripts/electron-runtime.mjs'
import { electronSqliteAddon } from '../../scripts/electron-sqlite.mjs'

type Envelope =
  { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } }

const home = mkdtempSync(path.join(tmpdir(), 'ferry-electron-home-'))
const ws = path.join(home, 'demo')
const PASSWORD = `ferry-electron-${randomBytes(9).toString('hex')}`
let app: ElectronApplication
let page: Page

/** The renderer's only door: window.ferry.invoke, exactly as the UI calls it. */
const invoke = (method: string, input: unknown): Promise<Envelope> =>
  page.evaluate(
    ([m, i]) =>
      (
        globalThis as unknown as { ferry: { invoke: (m: string, i: unknown) => Promise<Envelope> } }
      ).ferry.invoke(m, i),
    [method, input] as const,
  )

/** Every file under `dir` (recursively) whose bytes contain `needle`. */
function filesContaining(dir: string, needle: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name)
    const st = statSync(p)
    if (st.isDirectory()) out.push(...filesContaining(p, needle))
    else if (st.isFile() && st.size < 50 * 2 ** 20 && readFileSync(p).includes(needle)) out.push(p)
  }
  return out
}

describe('the desktop app in Electron', () => {
  beforeAll(async () => {
    const runtime = await resolveElectronBinary()
    if (!runtime.ok) throw new Error(unavailableMessage(runtime.reason))
    const addon = await electronSqliteAddon({ electronVersion: electronVersion() })
    if (!addon.ok) throw new Error(`better-sqlite3 for Electron: ${addon.reason}`)
    app = await electron.launch({
      executablePath: runtime.path,
      args: [REPO_ROOT],
      cwd: REPO_ROOT,
      // userData (and so credentials.json) under a fresh folder of this test.
      env: { ...process.env, XDG_CONFIG_HOME: home, HOME: home, FERRY_SQLITE_BINDING: addon.path },
    })
    page = await app.firstWindow()
    await page.waitForLoadState('domcontentloaded')
  }, 240_000)
  afterAll(async () => {
    await app?.close()
    rmSync(home, { recursive: true, force: true })
  })

  it('opens one window whose renderer is sandboxed (where the OS reports it)', async () => {
    const r = await app.evaluate(({ app: a, BrowserWindow }) => {
      const wins = BrowserWindow.getAllWindows()
      const pid = wins[0]!.webContents.getOSProcessId()
      return {
        windows: wins.length,
        sandboxed: a.getAppMetrics().find((m) => m.pid === pid)?.sandboxed ?? null,
      }
    })
    expect(r.windows).toBe(1)
    expect(r.sandboxed).not.toBe(false)
  })

  it('gives the renderer exactly { invoke, subscribe } and no Node', async () => {
    const reach = await page.evaluate(() => {
      const g = globalThis as unknown as Record<string, unknown>
      return {
        require: typeof g.require,
        process: typeof g.process,
        ferry: Object.keys((g.ferry as object) ?? {}).sort(),
      }
    })
    expect(reach).toEqual({
      require: 'undefined',
      process: 'undefined',
      ferry: ['invoke', 'subscribe'],
    })
    // Context isolation: the page sees contextBridge's proxies, never the preload's own functions.
    const source = await page.evaluate(() =>
      String((globalThis as unknown as { ferry: { invoke: () => unknown } }).ferry.invoke),
    )
    expect(source).toContain('[native code]')
    expect(source).not.toContain('ipcRenderer')
  })

  it('enforces the CSP (no inline script, no other origin) and stays on its page', async () => {
    const r = await page.evaluate(async () => {
      const violations: string[] = []
      document.addEventListener('securitypolicyviolation', (e) =>
        violations.push(e.violatedDirective),
      )
      const s = document.createElement('script')
      s.textContent = 'globalThis.__ferryInline = 1'
      document.body.appendChild(s)
      const fetched = await fetch('https://example.com/').then(
        () => 'fetched',
        () => 'refused',
      )
      await new Promise((res) => setTimeout(res, 200))
      return {
        inline: (globalThis as unknown as { __ferryInline?: number }).__ferryInline ?? null,
        fetched,
        violations,
      }
    })
    expect(r.inline).toBeNull()
    expect(r.fetched).toBe('refused')
    expect(r.violations).toEqual(expect.arrayContaining(['script-src-elem', 'connect-src']))
    const before = page.url()
    await page.evaluate(() => {
      location.href = 'https://example.com/'
    })
    await page.waitForTimeout(500)
    expect(page.url()).toBe(before)
  })

  it('refuses invalid IPC payloads and runs a step in the utility process (better-sqlite3 for Electron)', async () => {
    const bad = await invoke('workspace.open', {
      path: ws,
      __proto__: { polluted: true },
      extra: 1,
    })
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    expect(await invoke('workspace.createDemo', { path: ws, events: 200 })).toMatchObject({
      ok: true,
    })
    expect(await invoke('step.run', { stepId: 'pre.document-schema' })).toMatchObject({ ok: true })
    let status = 'running'
    for (let i = 0; i < 240 && (status === 'running' || status === 'pending'); i++) {
      await page.waitForTimeout(500)
      const plan = (await invoke('plan.get', {})) as {
        ok: true
        value: { phases: { steps: { id: string; state: { status: string } }[] }[] }
      }
      status = plan.value.phases
        .flatMap((p) => p.steps)
        .find((s) => s.id === 'pre.document-schema')!.state.status
    }
    expect(status).toBe('done')
    expect(readFileSync(path.join(ws, '.ferry', 'schema.md'), 'utf8')).toContain('agents')
  })

  it('keeps the production password out of every file: ciphertext with a keychain, memory without one', async () => {
    const backend = await app.evaluate(({ safeStorage }) => ({
      available: safeStorage.isEncryptionAvailable(),
      backend: process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : 'os',
    }))
    await invoke('target.configure', {
      kind: 'server',
      host: '127.0.0.1',
      port: 5432,
      database: 'postgres',
      user: 'postgres',
      password: PASSWORD,
      sslmode: 'disable',
    })
    expect(filesContaining(home, PASSWORD)).toEqual([])
    const userData = await app.evaluate(({ app: a }) => a.getPath('userData'))
    const stored = path.join(userData, 'credentials.json')
    const hasFile = readdirSync(userData).includes('credentials.json')
    if (backend.available && backend.backend !== 'basic_text') expect(hasFile).toBe(true)
    else expect(hasFile).toBe(false) // kept in memory for the session, and Settings says so
    if (hasFile) expect(readFileSync(stored, 'utf8')).not.toContain(PASSWORD)
  })
})
