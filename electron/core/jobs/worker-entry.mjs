// Plain-Node entry of the worker process: TypeScript is loaded through tsx, so no build step
// stands between the sources and the CLI. The packaged app uses a bundled worker instead.
import { register } from 'tsx/esm/api'

register()
await import('./worker.ts')
