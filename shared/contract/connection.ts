// The production connection (p3.postgres-prod): a connection form's fields, where the password is
// kept, and the checks the "Check" button runs. The password crosses the contract only inbound
// (target.configure); nothing outbound ever carries it.
import { z } from 'zod'

/** libpq's sslmode values Ferry supports; `prefer` falls back to plaintext, the others never do. */
export const SslMode = z.enum(['disable', 'prefer', 'require', 'verify-ca', 'verify-full'])
export type SslMode = z.infer<typeof SslMode>

/** target.configure with the connection form instead of a URL. */
export const ServerTargetConfig = z.object({
  kind: z.literal('server'),
  host: z.string().min(1).max(255),
  port: z.number().int().min(1).max(65_535).default(5432),
  database: z.string().min(1).max(63),
  user: z.string().min(1).max(63),
  /** Omitted: keep the password already stored for this host/port/database/user (if any). */
  password: z.string().max(1024).optional(),
  sslmode: SslMode.default('prefer'),
})
export type ServerTargetConfig = z.infer<typeof ServerTargetConfig>

/** Where the connected target's password comes from, for the UI to say so. */
export const PasswordInfo = z.object({
  source: z.enum(['safe-storage', 'session', 'env', 'pgpass', 'none']),
  /** What the user should know, e.g. "kept in memory for this session only". */
  note: z.string(),
})
export type PasswordInfo = z.infer<typeof PasswordInfo>

/** The external server's fields as configured (never the password). */
export const ConnectionFields = z.object({
  host: z.string(),
  port: z.number().int(),
  database: z.string(),
  user: z.string(),
  sslmode: SslMode,
})
export type ConnectionFields = z.infer<typeof ConnectionFields>

export const ProdCheck = z.object({
  name: z.enum(['server-version', 'encoding', 'create-schema', 'connection-slots']),
  ok: z.boolean(),
  status: z.enum(['pass', 'warn', 'fail']),
  value: z.union([z.string(), z.number(), z.boolean()]).nullable(),
  detail: z.string(),
  hint: z.string().nullable(),
})
export type ProdCheck = z.infer<typeof ProdCheck>

/** target.check: the production checks against the configured target, each with its result. */
export const TargetCheckResult = z.object({
  target: z.string(),
  ok: z.boolean(),
  checks: z.array(ProdCheck),
  /** Set when the checks could not run at all (no connection). */
  error: z
    .object({ code: z.string(), message: z.string(), hint: z.string().optional(), detail: z.string().optional() })
    .nullable(),
})
export type TargetCheckResult = z.infer<typeof TargetCheckResult>
