// Plain-Node entry of the worker process when Ferry runs from its sources (the packaged app uses
// its own bundled worker): worker.ts and its modules bundled into one plain-JS file
// (threads/bundle.mjs), which starts faster and holds less memory than loading them through tsx;
// tsx if bundling fails, so no build step ever stands between the sources and the CLI.
import { importSource } from '../threads/bundle.mjs'

await importSource(new URL('./worker.ts', import.meta.url))
