// `npm start` on a machine without the Electron runtime must fail fast with one line that points
// at the browser host. ELECTRON_OVERRIDE_DIST_PATH makes the electron package skip its download.
import { spawnSync } from 'node:child_process'
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))
const script = path.join(root, 'scripts', 'start-electron.mjs')
const dirs: string[] = []

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ferry-electron-'))
  dirs.push(dir)
  return dir
}

function runStart(
  distPath: string,
  env: Record<string, string> = { FERRY_SQLITE_BINDING: '/x.node' },
) {
  const started = Date.now()
  const r = spawnSync(process.execPath, [script], {
    cwd: root,
    env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: distPath, ...env },
    encoding: 'utf8',
    timeout: 20_000,
  })
  return { ...r, ms: Date.now() - started }
}

/** A folder holding a stand-in `electron` executable that runs `body` (sh). */
function fakeElectron(body: string): string {
  const dist = tempDir()
  const fake = path.join(dist, 'electron')
  writeFileSync(fake, `#!/bin/sh\n${body}\n`)
  chmodSync(fake, 0o755)
  return dist
}

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe('npm start (scripts/start-electron.mjs)', () => {
  it('prints one line naming the missing runtime and exits 1 when there is no Electron binary', () => {
    const dist = tempDir()
    const r = runStart(dist)
    expect(r.error).toBeUndefined()
    expect(r.status).toBe(1)
    expect(r.stdout).toBe('')
    const lines = r.stderr.split('\n').filter((l) => l.trim() !== '')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(
      /^Ferry: the Electron runtime is not available on this machine \(.+\)\. Use "npm run serve" to open Ferry in a browser instead\.$/,
    )
    expect(lines[0]).toContain(path.join(dist, 'electron'))
    expect(r.ms).toBeLessThan(15_000)
  })

  it.skipIf(process.platform === 'win32')(
    'runs the Electron binary on the repo root and passes on its exit code',
    () => {
      const dist = fakeElectron('echo "args=$* cwd=$PWD"\nexit 7')
      const r = runStart(dist)
      expect(r.status).toBe(7)
      expect(r.stdout.trim()).toBe(`args=. cwd=${root.replace(/\/$/, '')}`)
      expect(r.stderr).toBe('')
    },
  )

  it.skipIf(process.platform === 'win32')(
    'hands Electron the better-sqlite3 addon built for its ABI (from the cache) in FERRY_SQLITE_BINDING',
    () => {
      const dist = fakeElectron('echo "binding=$FERRY_SQLITE_BINDING"')
      const cache = tempDir()
      const version = (pkg: string): string =>
        (
          JSON.parse(
            readFileSync(path.join(root, 'node_modules', pkg, 'package.json'), 'utf8'),
          ) as { version: string }
        ).version
      const key = `${version('better-sqlite3')}-electron-${version('electron')}-${process.platform}-${process.arch}`
      mkdirSync(path.join(cache, key))
      const addon = path.join(cache, key, 'better_sqlite3.node')
      writeFileSync(addon, 'addon')
      const r = runStart(dist, { FERRY_SQLITE_BINDING: '', FERRY_ELECTRON_SQLITE_CACHE: cache })
      expect(r.stderr).toBe('')
      expect(r.status).toBe(0)
      expect(r.stdout.trim()).toBe(`binding=${addon}`)
    },
  )
})

describe('better-sqlite3 for Electron (scripts/electron-sqlite.mjs)', () => {
  it('fetches the prebuilt addon once into the cache, then reuses it without running anything', async () => {
    const { electronSqliteAddon } = await import('../../scripts/electron-sqlite.mjs')
    const cache = tempDir()
    const calls: { script: string; args: string[]; cwd: string }[] = []
    const run = async (script: string, args: string[], o: { cwd: string }) => {
      calls.push({ script, args, cwd: o.cwd })
      mkdirSync(path.join(o.cwd, 'build', 'Release'), { recursive: true })
      writeFileSync(path.join(o.cwd, 'build', 'Release', 'better_sqlite3.node'), 'electron abi')
      return { ok: true, output: '' }
    }
    const first = await electronSqliteAddon({ electronVersion: '45.5.0', cacheRoot: cache, run })
    expect(first).toMatchObject({ ok: true, cached: false })
    expect(calls).toHaveLength(1)
    expect(calls[0]!.script).toMatch(/prebuild-install[\\/]bin\.js$/)
    expect(calls[0]!.args).toEqual(
      expect.arrayContaining(['--runtime=electron', '--target=45.5.0']),
    )
    // It ran in a scratch copy of the package, never in node_modules' own (Node's build stays).
    expect(calls[0]!.cwd.startsWith(cache)).toBe(true)
    expect(readFileSync((first as { path: string }).path, 'utf8')).toBe('electron abi')
    expect(readdirSync(cache).filter((d) => d.startsWith('work-'))).toEqual([])
    const second = await electronSqliteAddon({ electronVersion: '45.5.0', cacheRoot: cache, run })
    expect(second).toEqual({ ok: true, path: (first as { path: string }).path, cached: true })
    expect(calls).toHaveLength(1)
  })

  it('falls back to compiling with node-gyp, and reports both failures in one reason', async () => {
    const { electronSqliteAddon } = await import('../../scripts/electron-sqlite.mjs')
    const cache = tempDir()
    const scripts: string[] = []
    const run = async (script: string) => {
      scripts.push(path.basename(script))
      return {
        ok: false,
        output: script.includes('prebuild')
          ? 'getaddrinfo ENOTFOUND github.com'
          : 'gyp ERR! not ok',
      }
    }
    const r = await electronSqliteAddon({ electronVersion: '45.5.0', cacheRoot: cache, run })
    expect(scripts).toEqual(['bin.js', 'node-gyp.js'])
    expect(r).toEqual({
      ok: false,
      reason: 'download: getaddrinfo ENOTFOUND github.com; build: gyp ERR! not ok',
    })
  })
})
