// The plan's Phase 3 steps on the engine: p3.postgres-prod (prod-checks.ts) and p3.migrate, which
// migrates .claude/memory.db (built by p2.validate) into the schema agent_memory and validates it.
// The step's evidence is a summary for the checklist; the engine's full result goes to
// .ferry/p3-migrate.json. Re-running resumes from the engine's ledger on the target.
import { existsSync, mkdirSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import path from 'node:path'
import { FerryError } from '../../../shared/contract/envelope'
import { writeFileAtomic } from '../fs/atomic'
import { memoryDbPath } from '../import/memory-db'
import { faultPoint } from '../jobs/faults'
import type { JobContext } from '../jobs/job'
import type { WorkspacePaths } from '../workspace/resolve'
import { migrateSqlite, type MigrateResult } from './migrate'
import type { SchemaOptions } from './schema-options'
import { reportMigrateProgress } from './load-tracker'
import { deltaStepIfLoaded } from './delta-step'
import { keyDisplay } from '../../../shared/contract/row-key'

/** The PostgreSQL schema the agents' memory lands in (fixed, so the agents' code can name it). */
export const AGENT_MEMORY_SCHEMA = 'agent_memory'
/** The full engine result of the last p3.migrate run, relative to the workspace. */
export const MIGRATE_REPORT = path.join('.ferry', 'p3-migrate.json')
const MAX_REFUSED = 50
const MAX_REJECT_SAMPLE = 20

export async function migrateStep(
  paths: WorkspacePaths,
  url: string,
  ctx: JobContext,
  options?: SchemaOptions,
): Promise<Record<string, unknown>> {
  const file = memoryDbPath(paths)
  if (!existsSync(file)) {
    throw new FerryError(
      'NO_MEMORY_DB',
      `There is no ${path.relative(paths.root, file)} to migrate yet`,
      'Run "Validate data integrity" (p2.validate) first',
    )
  }
  // Run again after a completed load: copy what the agents changed since (delta sync).
  const delta = await deltaStepIfLoaded(paths, file, url, AGENT_MEMORY_SCHEMA, ctx)
  if (delta) return delta
  const result = await migrateSqlite({
    file,
    url,
    schema: AGENT_MEMORY_SCHEMA,
    workers: Math.max(1, Math.min(4, availableParallelism())),
    validate: true,
    // Used when p3.schema has not run; otherwise the plan it stored (with its choices) is followed.
    identifiers: options?.identifiers,
    types: options?.types,
    onViolation: options?.onViolation,
    choices: options?.choices,
    maps: options?.maps,
    signal: ctx.signal,
    log: (level, message) => ctx.log(level, message),
    onProgress: (p) => reportMigrateProgress(ctx.progress, AGENT_MEMORY_SCHEMA, p),
  })
  await faultPoint('p3.migrate:before-report', ctx.signal)
  mkdirSync(paths.ferryDir, { recursive: true })
  writeFileAtomic(path.join(paths.root, MIGRATE_REPORT), JSON.stringify(result, null, 2) + '\n')

  const evidence = summarise(result, path.relative(paths.root, file))
  const v = result.validation
  if (!v || !v.equal) throw validationFailed(result)
  if (evidence.warnings > 0) {
    ctx.log(
      'warn',
      `${evidence.rejects.total} value(s) rejected, listed in ${evidence.rejects.table} (rows not loaded; see ${MIGRATE_REPORT})`,
    )
  }
  return evidence
}

export function summarise(r: MigrateResult, source: string) {
  const byTable = new Map((r.validation?.tables ?? []).map((t) => [t.table, t]))
  const tables = r.tables.map((t) => {
    const v = byTable.get(t.table)
    return {
      table: t.table,
      target: t.target,
      sourceRows: t.sourceRows,
      loadedRows: t.loadedRows,
      rejectedRows: t.rejectedRows,
      targetRows: v?.targetRows ?? null,
      equal: v?.equal ?? null,
      resumedBatches: t.resumedBatches,
      ms: t.ms,
    }
  })
  const refused = r.columns.flatMap((c) =>
    c.rejectedCandidates.map((x) => ({
      table: c.table,
      column: c.column,
      keptType: c.type,
      refusedType: x.type,
      reason: x.reason,
      count: x.count,
      sampleRows: x.sampleRows,
    })),
  )
  const rejectTable = `${AGENT_MEMORY_SCHEMA}.ferry_rejects`
  return {
    source,
    schema: AGENT_MEMORY_SCHEMA,
    target: r.target.url,
    server: r.target.server,
    resumed: r.resumed,
    report: MIGRATE_REPORT,
    tables,
    totals: {
      tables: tables.length,
      sourceRows: sum(tables.map((t) => t.sourceRows)),
      loadedRows: sum(tables.map((t) => t.loadedRows)),
      rejectedRows: sum(tables.map((t) => t.rejectedRows)),
    },
    validation: r.validation
      ? {
          equal: r.validation.equal,
          tablesEqual: r.validation.tables.filter((t) => t.equal).length,
          differentTables: r.validation.differentTables,
          ms: r.validation.ms,
        }
      : null,
    rejects: {
      total: r.rejects.total,
      table: rejectTable,
      sample: r.rejects.rows.slice(0, MAX_REJECT_SAMPLE),
    },
    refusedTypes: { total: refused.length, columns: refused.slice(0, MAX_REFUSED) },
    preflight: r.preflight
      ? {
          onViolation: r.preflight.onViolation,
          checked: r.preflight.checked,
          violations: r.preflight.constraints.filter((c) => c.violations > 0),
        }
      : null,
    constraintsNotValid: r.constraints
      .filter((c) => c.status === 'not-valid' || c.status === 'failed' || c.status === 'skipped')
      .map((c) => ({
        table: c.table,
        kind: c.kind,
        name: c.name,
        status: c.status,
        detail: c.detail,
      })),
    warnings: r.rejects.total,
    timings: r.timings,
    rowsPerSec: r.rowsPerSec,
  }
}

function validationFailed(r: MigrateResult): FerryError {
  const v = r.validation
  if (!v)
    return new FerryError(
      'VALIDATION_MISSING',
      'The migration ran without its validation',
      'Run the step again; it resumes and validates.',
    )
  const lines = v.tables
    .filter((t) => !t.equal)
    .map((t) => {
      const rows = t.differences?.length
        ? `; differing rows: ${t.differences
            .slice(0, 10)
            .map((d) => `${keyDisplay(d.key)} (${d.kind})`)
            .join(', ')}`
        : t.bisectNote
          ? `; ${t.bisectNote}`
          : ''
      return `${t.table}: expected ${t.expectedRows} rows, ${t.targetRows} in PostgreSQL, checksums ${t.sourceChecksum} vs ${t.targetChecksum}${rows}`
    })
  if (v.sourceChanged)
    return new FerryError(
      'VALIDATION_FAILED',
      `Validation found differences in ${v.differentTables.length} table(s) of schema "${AGENT_MEMORY_SCHEMA}", and memory.db was written to by another program during the run, so they may be rows written after they were copied: ${lines.join(' | ')}. Full report: ${MIGRATE_REPORT}`,
      'Run the step again: after a completed load it copies what changed since (a delta sync) and re-reads every row to validate. For a final equal validation, stop the programs writing to memory.db first.',
    )
  return new FerryError(
    'VALIDATION_FAILED',
    `Validation found differences in ${v.differentTables.length} table(s) of schema "${AGENT_MEMORY_SCHEMA}": ${lines.join(' | ')}. Full report: ${MIGRATE_REPORT}`,
    'Run the step again: it resumes from the ledger and re-verifies. If the difference persists, compare with "ferry validate-sqlite .claude/memory.db --schema agent_memory --target …" and report it.',
  )
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0)
