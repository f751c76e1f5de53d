// Plain-Node entry of a load thread: TypeScript through tsx, like the job worker
// (jobs/worker-entry.mjs). The packaged app starts the bundled dist-electron/load-worker.cjs.
import { register } from 'tsx/esm/api'

register()
await import('./load-worker.ts')
