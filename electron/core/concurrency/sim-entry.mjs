// Plain-Node entry of one simulated agent (a worker thread): TypeScript through tsx, like the
// job worker (jobs/worker-entry.mjs).
import { register } from 'tsx/esm/api'

register()
await import('./sim-agent.ts')
