// Words the demo's agents talk in. ASCII only, so a string's length is its size in bytes and the
// "over 64 KiB" snapshots can be sized without encoding them first.
import type { Rng } from './rng'

export const AGENT_TYPES = ['service-mesh', 'integration', 'pm', 'frontend'] as const
export type AgentType = (typeof AGENT_TYPES)[number]

export const MODELS = ['claude-sonnet-4-5', 'claude-opus-4-1', 'claude-haiku-4-5'] as const

export const TOOLS = [
  'bash',
  'read_file',
  'edit_file',
  'grep',
  'git',
  'npm',
  'kubectl',
  'curl',
  'playwright',
] as const

export const COMPONENTS = [
  'payments-gateway',
  'auth-service',
  'checkout-ui',
  'inventory-api',
  'notification-worker',
  'search-service',
  'envoy-sidecar',
  'design-system',
  'orders-db',
  'admin-dashboard',
  'partner-webhooks',
  'rate-limiter',
] as const

export const PROJECTS = [
  ['checkout-redesign', 'Checkout redesign', 'New multi-step checkout with saved carts'],
  ['mesh-mtls-rollout', 'Mesh mTLS rollout', 'Strict mTLS between every service in the mesh'],
  ['partner-api-v2', 'Partner API v2', 'Versioned partner API with webhooks and quotas'],
  ['observability-baseline', 'Observability baseline', 'Traces, RED metrics and SLO alerts'],
  ['search-relevance', 'Search relevance', 'Ranking fixes and synonyms for product search'],
  ['billing-migration', 'Billing migration', 'Move invoicing off the legacy billing cron'],
] as const

const VERBS = [
  'Add',
  'Fix',
  'Refactor',
  'Document',
  'Migrate',
  'Instrument',
  'Harden',
  'Remove',
  'Split',
  'Cache',
  'Retry',
  'Validate',
  'Review',
  'Benchmark',
] as const

const OBJECTS = [
  'retry policy',
  'circuit breaker',
  'form validation',
  'webhook signatures',
  'connection pool settings',
  'error boundaries',
  'pagination cursor',
  'feature flag',
  'health checks',
  'rate limit headers',
  'OpenAPI schema',
  'loading skeletons',
  'idempotency keys',
  'tracing spans',
  'mTLS certificates',
  'timeout budget',
  'snapshot tests',
  'dark mode tokens',
  'dead letter queue',
  'schema migration',
] as const

const WORDS = (
  'agent service mesh sidecar request response latency budget retry timeout queue worker ' +
  'schema migration index table column payload token context session memory snapshot ' +
  'commit branch review merge conflict pipeline deploy rollout canary metric trace span ' +
  'error warning handler endpoint contract client server cache eviction shard replica ' +
  'checkout cart invoice customer partner webhook signature header cursor page filter ' +
  'component layout state store selector render test fixture mock flaky green red ' +
  'config secret certificate proxy upstream downstream backoff jitter quota limit ' +
  'the a of to and for with on in after before because when until so but not'
).split(' ')

export const DECISIONS = [
  'Keep the old endpoint alive until every consumer has moved',
  'Prefer idempotency keys over client-side dedupe',
  'Pin the sidecar version per namespace during the rollout',
  'Store large payloads outside the task row',
  'Retry only on 502, 503 and 504 with jittered backoff',
  'Ship behind a feature flag and enable per tenant',
  'Generate the client from the OpenAPI schema instead of hand-writing it',
  'Run the migration in batches of 10k rows',
] as const

export function taskTitle(rng: Rng): string {
  return `${rng.pick(VERBS)} ${rng.pick(OBJECTS)} in ${rng.pick(COMPONENTS)}`
}

export function sentence(rng: Rng, minWords = 6, maxWords = 16): string {
  const count = rng.int(minWords, maxWords)
  const words: string[] = []
  for (let i = 0; i < count; i++) words.push(rng.pick(WORDS))
  const text = words.join(' ')
  return text.charAt(0).toUpperCase() + text.slice(1) + '.'
}

export function paragraph(rng: Rng, minSentences = 2, maxSentences = 5): string {
  const count = rng.int(minSentences, maxSentences)
  const sentences: string[] = []
  for (let i = 0; i < count; i++) sentences.push(sentence(rng))
  return sentences.join(' ')
}

export function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
}

export function round(value: number, digits: number): number {
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}
