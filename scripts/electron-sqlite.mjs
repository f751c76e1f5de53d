// better-sqlite3 for Electron's ABI, for `npm start` (see electron/core/sqlite/electron-binding.ts).
// node_modules keeps the build for Node, which the tests, the CLI and `ferry serve` load; this
// fetches the matching prebuilt addon for Electron (prebuild-install, as better-sqlite3's own install
// does) or, failing that, compiles it against Electron's headers (node-gyp), in a scratch copy of
// the package, and caches the one .node file per better-sqlite3 × Electron version × platform.
import { spawn } from 'node:child_process'
import { cp, mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import process from 'node:process'
import { clearTimeout, setTimeout } from 'node:timers'
import { fileURLToPath, URL } from 'node:url'

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url))
const ADDON = 'better_sqlite3.node'

const exists = (file) =>
  stat(file).then(
    () => true,
    () => false,
  )

/** Runs `node script args` in cwd; resolves { ok, output } and never rejects. */
export function runNode(script, args, { cwd, timeoutMs, env = process.env }) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.setEncoding('utf8').on('data', (d) => (output += d))
    child.stderr.setEncoding('utf8').on('data', (d) => (output += d))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      output += `\n(stopped after ${Math.round(timeoutMs / 1000)} s)`
    }, timeoutMs)
    child.on('error', (err) => {
      clearTimeout(timer)
      resolve({ ok: false, output: err.message })
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ ok: code === 0, output })
    })
  })
}

/** The last informative line of a tool's output, for a one-line reason. */
function lastLine(output) {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^at /.test(l))
  return (lines.at(-1) ?? 'no output').slice(0, 200)
}

/**
 * The path of better_sqlite3.node built for Electron `electronVersion`, fetched or built on first
 * use: { ok: true, path, cached } or { ok: false, reason }. Never throws.
 */
export async function electronSqliteAddon({
  electronVersion,
  cacheRoot = process.env.FERRY_ELECTRON_SQLITE_CACHE ||
    path.join(REPO_ROOT, 'node_modules', '.cache', 'ferry-electron-sqlite'),
  run = runNode,
  log = () => {},
} = {}) {
  try {
    const req = createRequire(path.join(REPO_ROOT, 'package.json'))
    const pkgDir = path.dirname(req.resolve('better-sqlite3/package.json'))
    const version = req('better-sqlite3/package.json').version
    const key = `${version}-electron-${electronVersion}-${process.platform}-${process.arch}`
    const target = path.join(cacheRoot, key, ADDON)
    if (await exists(target)) return { ok: true, path: target, cached: true }

    await mkdir(cacheRoot, { recursive: true })
    const work = await mkdtemp(path.join(cacheRoot, 'work-'))
    try {
      const copy = path.join(work, 'better-sqlite3')
      await cp(pkgDir, copy, {
        recursive: true,
        filter: (src) => path.relative(pkgDir, src).split(path.sep)[0] !== 'build',
      })
      const fromPkg = createRequire(path.join(pkgDir, 'package.json'))
      const built = path.join(copy, 'build', 'Release', ADDON)
      const electronArgs = [
        `--runtime=electron`,
        `--target=${electronVersion}`,
        `--arch=${process.arch}`,
      ]
      log(`fetching better-sqlite3 ${version} for Electron ${electronVersion} …`)
      const fetched = await run(
        fromPkg.resolve('prebuild-install/bin.js'),
        [...electronArgs, `--platform=${process.platform}`],
        { cwd: copy, timeoutMs: 120_000 },
      )
      if (!(fetched.ok && (await exists(built)))) {
        log('no prebuilt addon; compiling it against Electron’s headers (node-gyp) …')
        const gyp = resolveNodeGyp(fromPkg)
        const compiled = gyp
          ? await run(
              gyp,
              [
                'rebuild',
                '--release',
                ...electronArgs,
                '--dist-url=https://electronjs.org/headers',
              ],
              { cwd: copy, timeoutMs: 900_000 },
            )
          : { ok: false, output: 'node-gyp is not installed' }
        if (!(compiled.ok && (await exists(built))))
          return {
            ok: false,
            reason: `download: ${lastLine(fetched.output)}; build: ${lastLine(compiled.output)}`,
          }
      }
      await mkdir(path.dirname(target), { recursive: true })
      await rename(built, target)
      return { ok: true, path: target, cached: false }
    } finally {
      await rm(work, { recursive: true, force: true })
    }
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) }
  }
}

/** node-gyp beside better-sqlite3 or at the top of node_modules (npm also ships one). */
function resolveNodeGyp(fromPkg) {
  for (const req of [fromPkg, createRequire(path.join(REPO_ROOT, 'package.json'))]) {
    try {
      return req.resolve('node-gyp/bin/node-gyp.js')
    } catch {
      // not there
    }
  }
  return null
}
