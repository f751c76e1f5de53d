// Finds the Electron binary for `npm start` and runs the app with it. Since electron 42 the
// binary is downloaded on the first require('electron'), synchronously and noisily, and it can
// hang or fail offline. So the require runs in a child process with a time budget, its output
// is kept, and a missing runtime becomes one clear line pointing at the browser host instead.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import process from 'node:process'
import { clearTimeout, setTimeout } from 'node:timers'
import { fileURLToPath, URL } from 'node:url'
import { electronSqliteAddon } from './electron-sqlite.mjs'

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url))
export const DEFAULT_TIMEOUT_MS = 60_000
const MARK = '@@ferry-electron-path@@'

/** The one line `npm start` prints when there is no Electron runtime to start. */
export function unavailableMessage(reason) {
  const oneLine = String(reason).replace(/\s+/g, ' ').trim().slice(0, 300)
  return `Ferry: the Electron runtime is not available on this machine (${oneLine}). Use "npm run serve" to open Ferry in a browser instead.`
}

/** The most telling line of a failed download's output, e.g. "fetch failed". */
function downloadFailure(stderr) {
  const m = /^\s*(?:[A-Za-z]*Error)(?: \[[^\]]*\])?: (.+)$/m.exec(stderr)
  if (m) return m[1]
  return stderr.split('\n').find((l) => l.trim() !== '' && !/^\s*at /.test(l)) ?? 'unknown reason'
}

/**
 * Resolves the Electron executable: { ok: true, path } or { ok: false, reason }.
 * Never throws and never takes longer than timeoutMs (plus the time to kill the child).
 */
export async function resolveElectronBinary({
  env = process.env,
  timeoutMs = Number(env.FERRY_ELECTRON_TIMEOUT_MS) || DEFAULT_TIMEOUT_MS,
} = {}) {
  let entry
  try {
    entry = createRequire(import.meta.url).resolve('electron')
  } catch {
    return { ok: false, reason: 'the electron package is not installed' }
  }
  const script = `let r
try { r = { path: require(${JSON.stringify(entry)}) } } catch (e) { r = { error: String((e && e.message) || e) } }
process.stdout.write('\\n${MARK}' + JSON.stringify(r) + '\\n')`
  const child = spawn(process.execPath, ['-e', script], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so a timeout also stops the downloader it spawns.
    detached: process.platform !== 'win32',
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d))
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
  const outcome = await new Promise((resolve) => {
    const timer = setTimeout(() => {
      try {
        if (process.platform === 'win32') child.kill('SIGKILL')
        else process.kill(-child.pid, 'SIGKILL')
      } catch {
        // already gone
      }
      resolve('timeout')
    }, timeoutMs)
    child.on('error', (err) => {
      clearTimeout(timer)
      resolve(err)
    })
    child.on('close', () => {
      clearTimeout(timer)
      resolve('closed')
    })
  })
  if (outcome === 'timeout') {
    const s = Number((timeoutMs / 1000).toFixed(1))
    return {
      ok: false,
      reason: `download did not finish within ${s} s; "npx install-electron" fetches it`,
    }
  }
  if (outcome instanceof Error) return { ok: false, reason: outcome.message }
  const line = stdout.split('\n').find((l) => l.startsWith(MARK))
  let result
  try {
    result = JSON.parse(line.slice(MARK.length))
  } catch {
    return { ok: false, reason: `download failed: ${downloadFailure(stderr)}` }
  }
  if (typeof result.path !== 'string')
    return { ok: false, reason: `download failed: ${downloadFailure(stderr)}` }
  if (!existsSync(result.path))
    return { ok: false, reason: `no Electron executable at ${result.path}` }
  return { ok: true, path: result.path }
}

/**
 * Runs Ferry in Electron (`electron .` at the repo root) with inherited stdio and returns the
 * exit code to use; signals sent to this process are passed on to Electron.
 */
export async function startElectron({
  env = process.env,
  args = ['.'],
  log = (line) => process.stderr.write(`${line}\n`),
} = {}) {
  const found = await resolveElectronBinary({ env })
  if (!found.ok) {
    log(unavailableMessage(found.reason))
    return 1
  }
  const childEnv = { ...env }
  delete childEnv.ELECTRON_RUN_AS_NODE
  // better-sqlite3 in node_modules is built for Node; Electron needs its own build of the addon.
  if (!childEnv.FERRY_SQLITE_BINDING) {
    const version = electronVersion()
    const addon = await electronSqliteAddon({ electronVersion: version, log })
    if (!addon.ok) {
      log(
        `Ferry: better-sqlite3 for Electron ${version} could not be fetched or built (${addon.reason}). Use "npm run serve" to open Ferry in a browser instead.`,
      )
      return 1
    }
    childEnv.FERRY_SQLITE_BINDING = addon.path
  }
  const child = spawn(found.path, args, { cwd: REPO_ROOT, env: childEnv, stdio: 'inherit' })
  const forward = (signal) => child.kill(signal)
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP']
  for (const s of signals) process.on(s, forward)
  return new Promise((resolve) => {
    child.on('error', (err) => {
      log(unavailableMessage(`could not start ${found.path}: ${err.message}`))
      resolve(1)
    })
    child.on('exit', (code, signal) => {
      for (const s of signals) process.off(s, forward)
      // Conventional shell status for a signal death (128 + number), e.g. 130 after Ctrl-C.
      resolve(code ?? (signal ? 128 + (signalNumber(signal) ?? 1) : 1))
    })
  })
}

/** The installed electron package's version: the ABI the addon must be built for. */
export function electronVersion() {
  return createRequire(import.meta.url)('electron/package.json').version
}

function signalNumber(signal) {
  return { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 }[signal]
}
