// Worker-thread scripts when Ferry runs from its TypeScript sources (the CLI, tests): the thread's
// module bundled once per process with esbuild (a dependency of tsx) into one plain-JS file.
// Loading that is several times faster than transpiling through tsx in every thread, and each
// thread costs about half the memory. The file lives under node_modules/.cache so its imports
// (pg, better-sqlite3, zod) resolve from the project's node_modules, and is removed at exit.
// Falls back to the tsx bootstrap (an .mjs that registers tsx) if bundling fails.
import { mkdirSync, rmSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const REPO = fileURLToPath(new URL('../../../', import.meta.url))
const bundles = new Map<string, Promise<URL>>()

export function bundledThreadEntry(source: URL, tsxEntry: URL): Promise<URL> {
  const key = source.href
  let entry = bundles.get(key)
  if (!entry) {
    entry = (async () => {
      try {
        const esbuild = await import('esbuild')
        const name = basename(fileURLToPath(source)).replace(/\.ts$/, '')
        const out = join(
          REPO,
          'node_modules',
          '.cache',
          'ferry-threads',
          `${name}-${process.pid}.mjs`,
        )
        mkdirSync(dirname(out), { recursive: true })
        await esbuild.build({
          entryPoints: [fileURLToPath(source)],
          bundle: true,
          platform: 'node',
          format: 'esm',
          packages: 'external',
          outfile: out,
          logLevel: 'silent',
        })
        process.once('exit', () => rmSync(out, { force: true }))
        return pathToFileURL(out)
      } catch {
        return tsxEntry
      }
    })()
    bundles.set(key, entry)
  }
  return entry
}
