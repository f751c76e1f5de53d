// Worker-thread scripts when Ferry runs from its TypeScript sources (the CLI, tests): the thread's
// module bundled once per process (bundle.mjs) into one plain-JS file. Loading that is several
// times faster than transpiling through tsx in every thread, and each thread costs about half the
// memory. Falls back to the tsx bootstrap (an .mjs that registers tsx) if bundling fails.
import { bundleSource } from './bundle.mjs'

const bundles = new Map<string, Promise<URL>>()

export function bundledThreadEntry(source: URL, tsxEntry: URL): Promise<URL> {
  const key = source.href
  let entry = bundles.get(key)
  if (!entry) {
    entry = bundleSource(source).then((url) => url ?? tsxEntry)
    bundles.set(key, entry)
  }
  return entry
}
