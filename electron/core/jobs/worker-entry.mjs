// Plain-Node entry of the worker process when Ferry runs from its sources (the packaged app uses
// its own bundled worker): worker.ts and its modules bundled into one plain-JS file
// (threads/bundle.mjs), which starts faster and holds less memory than loading them through tsx;
// tsx if bundling fails, so no build step ever stands between the sources and the CLI.
import { bundleSource, stopBundler } from '../threads/bundle.mjs'

const bundled = await bundleSource(new URL('./worker.ts', import.meta.url))
await stopBundler()
if (bundled) {
  await import(bundled.href)
} else {
  const { register } = await import('tsx/esm/api')
  register()
  await import('./worker.ts')
}
