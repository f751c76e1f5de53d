// Plain-Node entry of a profiling thread: TypeScript through tsx (the fallback when bundling with
// esbuild is not possible; see threads/entry.ts). The packaged app starts profile-worker.cjs.
import { register } from 'tsx/esm/api'

register()
await import('./profile-worker.ts')
