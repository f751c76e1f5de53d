// Ferry's TypeScript sources as one plain-JS ES module, for a process or thread started from the
// sources (the CLI's job worker, `ferry serve`, tests, benchmarks); the packaged app has its own
// bundles (scripts/build-electron.mjs). esbuild (a dependency of tsx) bundles the entry's modules;
// packages stay external and resolve from the project's node_modules, because the file is written
// under node_modules/.cache/. Compared with loading through tsx, the process has no module-hooks
// thread and transpiles nothing per file: the job worker starts in about half the time and holds
// about 60 MB less memory. Each module keeps its own import.meta.url (its source file's), so paths
// relative to it resolve exactly as they do from the sources.
// The file is named by a hash of its contents and written atomically, so processes share it and a
// killed one leaves nothing half-written; bundles not used for a week are pruned.
import { createHash } from 'node:crypto'
import {
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { readFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const DIR = fileURLToPath(new URL('../../../node_modules/.cache/ferry-bundles/', import.meta.url))
const UNUSED_MS = 7 * 24 * 3600 * 1000
const TMP_MS = 3600 * 1000

/** import.meta.url in each of our own modules becomes that source file's URL. */
const sourceUrls = {
  name: 'source-import-meta-url',
  /** @param {import('esbuild').PluginBuild} build */
  setup(build) {
    build.onLoad({ filter: /\.[cm]?ts$/ }, async (args) => {
      if (args.path.includes(`${'/'}node_modules/`)) return undefined
      const text = await readFile(args.path, 'utf8')
      if (!text.includes('import.meta.url')) return undefined
      const url = JSON.stringify(pathToFileURL(args.path).href)
      return { contents: text.replaceAll('import.meta.url', url), loader: 'ts' }
    })
  },
}

/**
 * The module at `source` (a .ts file) bundled into one .mjs file; null when esbuild is missing or
 * fails, or FERRY_NO_BUNDLE=1, and the caller falls back to tsx.
 * @param {URL} source
 * @returns {Promise<URL | null>}
 */
export async function bundleSource(source) {
  // FERRY_NO_BUNDLE=1: through tsx (its source maps give stack traces in the .ts files).
  if (process.env.FERRY_NO_BUNDLE === '1') return null
  try {
    const esbuild = await import('esbuild')
    const result = await esbuild.build({
      entryPoints: [fileURLToPath(source)],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      write: false,
      logLevel: 'silent',
      plugins: [sourceUrls],
    })
    const code = result.outputFiles[0].contents
    const hash = createHash('sha256').update(code).digest('hex').slice(0, 16)
    const name = `${basename(fileURLToPath(source)).replace(/\.[cm]?ts$/, '')}-${hash}.mjs`
    mkdirSync(DIR, { recursive: true })
    const out = join(DIR, name)
    if (existsSync(out)) {
      const now = new Date()
      utimesSync(out, now, now)
    } else {
      const tmp = `${out}.${process.pid}.tmp`
      writeFileSync(tmp, code)
      renameSync(tmp, out)
    }
    prune()
    return pathToFileURL(out)
  } catch {
    return null
  }
}

/** Best effort: bundles unused for a week, temporary files of writers that died. */
function prune() {
  const now = Date.now()
  for (const f of readdirSync(DIR)) {
    try {
      const age = now - statSync(join(DIR, f)).mtimeMs
      if (age > (f.endsWith('.tmp') ? TMP_MS : UNUSED_MS)) rmSync(join(DIR, f), { force: true })
    } catch {
      // Another process pruned it first.
    }
  }
}

/**
 * Imports the module at `source` (a .ts file) the way an entry point of the sources does: from
 * its bundle, with esbuild's service stopped afterwards (nothing else builds in that process
 * yet), or through tsx when there is no bundle.
 * @param {URL} source
 * @returns {Promise<Record<string, unknown>>}
 */
export async function importSource(source) {
  const bundled = await bundleSource(source)
  await stopBundler()
  if (bundled) return import(bundled.href)
  const { register } = await import('tsx/esm/api')
  register()
  return import(source.href)
}

/** Stops esbuild's service process (it restarts on the next build). */
export async function stopBundler() {
  try {
    const esbuild = await import('esbuild')
    await esbuild.stop?.()
  } catch {
    // Not loaded: nothing to stop.
  }
}
