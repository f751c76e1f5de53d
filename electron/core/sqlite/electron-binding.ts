// better-sqlite3 is a native addon built for one ABI. `npm install` builds it for Node (the tests
// and `ferry serve` need that build), so under `npm start` Electron would refuse it ("compiled
// against a different Node.js version"). scripts/start-electron.mjs therefore fetches or builds a
// second copy for Electron's ABI and names it in FERRY_SQLITE_BINDING; this module, imported first
// by each Electron entry point (main, the utility worker, the load and profile threads — each
// thread has its own module cache), makes better-sqlite3 load that copy. A packaged app has its
// addon rebuilt in place by electron-builder and no such variable: then nothing changes.
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const BINDING_ENV = 'FERRY_SQLITE_BINDING'

/**
 * Makes better-sqlite3 load its addon from `file`: the `bindings` helper it calls for the default
 * addon is replaced in the module cache, so every `new Database()` without its own nativeBinding
 * option gets this one. Must run before the first database is opened.
 */
export function useSqliteBinding(file: string): void {
  const fromSqlite = createRequire(createRequire(__filenameOf()).resolve('better-sqlite3'))
  const bindingsPath = fromSqlite.resolve('bindings')
  const original = fromSqlite('bindings') as (name: string) => unknown
  const addon = path.resolve(file)
  const cached = fromSqlite.cache[bindingsPath]
  if (!cached)
    throw new Error(`better-sqlite3's bindings module was not loaded from ${bindingsPath}`)
  cached.exports = (name: string): unknown =>
    name === 'better_sqlite3.node' ? fromSqlite(addon) : original(name)
}

/** Under Electron with FERRY_SQLITE_BINDING set (npm start): use that addon. Otherwise a no-op. */
export function applyElectronSqliteBinding(
  env: NodeJS.ProcessEnv = process.env,
  electron: string | undefined = process.versions.electron,
): boolean {
  const file = env[BINDING_ENV]
  if (!electron || !file) return false
  useSqliteBinding(file)
  return true
}

/** This file's path, as CommonJS (the Electron bundles) or ESM (tsx, tests) sees it. */
function __filenameOf(): string {
  return typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url)
}

applyElectronSqliteBinding()
