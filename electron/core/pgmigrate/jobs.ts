// Jobs of the PostgreSQL engine, run in the worker process: `pgmigrate:migrate` and
// `pgmigrate:validate`. Params crossed a process boundary: checked here. The URL (with its
// password) stays in the params; everything returned or logged carries it redacted.
import { z } from 'zod'
import type { JobFn } from '../jobs/job'
import { migrateSqlite } from './migrate'
import { validateSqliteRun } from './validate-run'
import { workspacePaths } from '../workspace/resolve'
import { prodChecksStep } from './prod-checks'
import { AGENT_MEMORY_SCHEMA, migrateStep } from './steps'
import { readSchemaOptions, ViolationChoiceSchema } from './schema-options'
import { schemaStep } from './schema-step'
import { poolingStep } from './pooling-step'
import { reportMigrateProgress } from './load-tracker'
import { deltaProgressMessage, deltaSync } from './delta'
import { resumeAfterLostConnection } from './retry'
import { targetDiskFull } from './target-errors'

const Common = z.object({
  file: z.string().min(1),
  targetUrl: z.string().min(1),
  schema: z.string().min(1).max(63),
  workers: z.number().int().min(1).max(64).default(2),
})
const MigrateParams = Common.extend({
  validate: z.boolean().default(true),
  identifiers: z.enum(['preserve', 'lower']).optional(),
  types: z.record(z.string(), z.string()).optional(),
  onViolation: ViolationChoiceSchema.optional(),
  choices: z.record(z.string(), ViolationChoiceSchema).optional(),
  maps: z.record(z.string(), z.record(z.string(), z.string())).optional(),
  batchRows: z.number().int().min(1).max(1_000_000).optional(),
  batchBytes: z.number().int().min(1024).optional(),
  threads: z.enum(['auto', 'on', 'off']).optional(),
  splitRows: z.number().int().min(1).optional(),
})

const DeltaParams = Common.extend({
  dryRun: z.boolean().default(false),
  applyDeletes: z.boolean().default(false),
  batchRows: z.number().int().min(1).max(1_000_000).optional(),
})

// The plan's p3 steps: StepParams from the runner, with the target it chose (needsTarget).
const StepTarget = z.object({
  root: z.string().min(1),
  targetUrl: z.string().min(1),
  /** The schema choices; absent: .ferry/p3-options.json, else the defaults. */
  options: z.unknown().optional(),
})

export const PGMIGRATE_JOBS: Record<string, JobFn> = {
  'step:p3.postgres-prod': (params, ctx) => prodChecksStep(StepTarget.parse(params).targetUrl, ctx),
  'step:p3.pooling': (params, ctx) => {
    const p = StepTarget.parse(params)
    return poolingStep(workspacePaths(p.root), p.targetUrl, ctx)
  },
  'step:p3.schema': (params, ctx) => {
    const p = StepTarget.parse(params)
    const paths = workspacePaths(p.root)
    return schemaStep(
      paths,
      p.targetUrl,
      AGENT_MEMORY_SCHEMA,
      readSchemaOptions(paths, p.options),
      ctx,
    )
  },
  'step:p3.migrate': (params, ctx) => {
    const p = StepTarget.parse(params)
    const paths = workspacePaths(p.root)
    return migrateStep(paths, p.targetUrl, ctx, readSchemaOptions(paths, p.options))
  },
  'pgmigrate:migrate': async (params, ctx) => {
    const p = MigrateParams.parse(params)
    // A server restart ends every session of the run, the lock holder's too: the run resumes
    // from the ledger (bounded); a full disk outside the batches is named as such.
    const migrate = () =>
      migrateSqlite({
        file: p.file,
        url: p.targetUrl,
        schema: p.schema,
        workers: p.workers,
        validate: p.validate,
        batchRows: p.batchRows,
        batchBytes: p.batchBytes,
        threads: p.threads,
        splitRows: p.splitRows,
        identifiers: p.identifiers,
        types: p.types,
        onViolation: p.onViolation,
        choices: p.choices,
        maps: p.maps,
        signal: ctx.signal,
        log: (level, message) => ctx.log(level, message),
        onProgress: (pr) => reportMigrateProgress(ctx.progress, p.schema, pr),
      })
    try {
      return await resumeAfterLostConnection(migrate, {
        url: p.targetUrl,
        signal: ctx.signal,
        log: (level, message) => ctx.log(level, message),
      })
    } catch (err) {
      throw targetDiskFull(err, `migrating into schema "${p.schema}"`) ?? err
    }
  },
  'pgmigrate:delta': async (params, ctx) => {
    const p = DeltaParams.parse(params)
    return deltaSync({
      file: p.file,
      url: p.targetUrl,
      schema: p.schema,
      dryRun: p.dryRun,
      applyDeletes: p.applyDeletes,
      batchRows: p.batchRows,
      signal: ctx.signal,
      log: (level, message) => ctx.log(level, message),
      onProgress: (pr) => ctx.progress(pr.done, pr.total, 'tables', deltaProgressMessage(pr)),
    })
  },
  'pgmigrate:validate': async (params, ctx) => {
    const p = Common.parse(params)
    return validateSqliteRun({
      file: p.file,
      url: p.targetUrl,
      schema: p.schema,
      workers: p.workers,
      signal: ctx.signal,
      onProgress: (pr) => ctx.progress(pr.done, pr.total, 'rows', `validating ${pr.table}`),
    })
  },
}
