// `node electron/core/threads/run.mjs <entry.ts> [args…]`: runs a TypeScript entry script (a
// benchmark) bundled by bundle.mjs, the way the packaged app runs its code: no tsx in the process,
// so its memory and start-up are the app's, not the development loader's. process.argv[1] becomes
// the entry's path, so the script's "am I the main module" check still holds. Falls back to tsx.
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { importSource } from './bundle.mjs'

const [node, , file, ...args] = process.argv
if (!file) {
  process.stderr.write('usage: node electron/core/threads/run.mjs <entry.ts> [args…]\n')
  process.exit(2)
}
process.argv = [node, resolve(file), ...args]
await importSource(pathToFileURL(resolve(file)))
