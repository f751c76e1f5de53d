// `ferry migrate-sqlite` and `ferry validate-sqlite` (DESIGN.md §4): any SQLite file → a
// PostgreSQL schema, and the comparison of the two. The work runs in a worker process (a kill -9
// of it is a resumable event); the source file is only ever opened read-only.
import { existsSync, statSync } from 'node:fs'
import path from 'node:path'
import type { Command } from 'commander'
import { InvalidArgumentError } from 'commander'
import { FerryError } from '../../shared/contract/envelope'
import { nodeWorkerLauncher } from '../core/jobs/launcher'
import { runJob } from '../core/jobs/run-job'
import type { MigrateResult } from '../core/pgmigrate/migrate'
import type { DeltaResult } from '../core/pgmigrate/delta'
import { describeDelta } from '../core/pgmigrate/delta-summary'
import { describeMigration, describeValidateRun } from '../core/pgmigrate/summary'
import type { ValidateRunResult } from '../core/pgmigrate/validate-run'
import { validatePostgresUrl } from '../core/postgres/target'
import { VIOLATION_CHOICES } from '../core/pgmigrate/schema-options'
import { checkOverrideType, parseTypeSpec } from '../core/pgmigrate/type-override'
import type { ViolationChoice } from '../core/pgmigrate/types'
import { computeProgress } from '../core/runner'
import { EXIT, ProgressReporter, printJson } from './output'

interface Opts {
  target?: string
  schema?: string
  workers: number
  validate: boolean
  batchRows?: number
  threads?: 'auto' | 'on' | 'off'
  splitRows?: number
  json?: boolean
  onViolation?: ViolationChoice
  identifiers?: 'preserve' | 'lower'
  type?: Record<string, string>
  constraint?: Record<string, ViolationChoice>
  map?: Record<string, Record<string, string>>
  delta?: boolean
  dryRun?: boolean
  deltaDeletes?: boolean
}

function oneOf<T extends string>(flag: string, allowed: readonly T[]) {
  return (v: string): T => {
    if (!(allowed as readonly string[]).includes(v))
      throw new InvalidArgumentError(`${flag} must be one of: ${allowed.join(', ')}`)
    return v as T
  }
}

/** --type table.column=pgtype, repeatable: the format and the type are checked here, the column in the run. */
function typeSpec(v: string, prev: Record<string, string> = {}): Record<string, string> {
  try {
    const { table, column, type } = parseTypeSpec(v)
    checkOverrideType(type, `${table}.${column}`)
    return { ...prev, [`${table}.${column}`]: type }
  } catch (err) {
    throw new InvalidArgumentError(
      `${(err as Error).message}${(err as FerryError).hint ? ` — ${(err as FerryError).hint}` : ''}`,
    )
  }
}

/** --constraint name=stop|skip-constraint|not-valid, repeatable. */
function choiceSpec(
  v: string,
  prev: Record<string, ViolationChoice> = {},
): Record<string, ViolationChoice> {
  const eq = v.lastIndexOf('=')
  const choice = v.slice(eq + 1)
  if (eq <= 0 || !(VIOLATION_CHOICES as readonly string[]).includes(choice))
    throw new InvalidArgumentError(`--constraint must be name=${VIOLATION_CHOICES.join('|')}`)
  return { ...prev, [v.slice(0, eq)]: choice as ViolationChoice }
}

/** --map constraint:value=allowed, repeatable: the pre-flight's map choice (preflight.ts). */
function mapSpec(
  v: string,
  prev: Record<string, Record<string, string>> = {},
): Record<string, Record<string, string>> {
  const colon = v.indexOf(':')
  const eq = v.indexOf('=', colon + 1)
  if (colon <= 0 || eq <= colon + 1)
    throw new InvalidArgumentError(
      '--map must be constraint:value=allowed, e.g. valid_agent_status:zombie=crashed',
    )
  const name = v.slice(0, colon)
  return { ...prev, [name]: { ...prev[name], [v.slice(colon + 1, eq)]: v.slice(eq + 1) } }
}

function count(name: string, min: number, max: number) {
  return (v: string): number => {
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max)
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`)
    return Number(v)
  }
}

function schemaName(v: string): string {
  if (!v || Buffer.byteLength(v) > 63 || v.includes('\0'))
    throw new InvalidArgumentError('--schema must be 1 to 63 bytes')
  if (v.startsWith('pg_'))
    throw new InvalidArgumentError(
      '--schema must not begin with "pg_" (PostgreSQL reserves those names)',
    )
  return v
}

/** The default schema: the file's name, lower-cased, with anything but a-z 0-9 _ replaced. */
export function defaultSchema(file: string): string {
  const stem = path
    .basename(file)
    .replace(/\.[^.]*$/, '')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '')
  const s = /^[a-z_]/.test(stem) ? stem : `db_${stem}`
  return s.slice(0, 63) || 'sqlite'
}

const TARGET_HELP =
  'PostgreSQL URL, postgres://user@host:5432/db (the password may come from PGPASSWORD or ~/.pgpass instead)'

export function registerPgMigrateCommands(program: Command, setCode: (code: number) => void): void {
  program
    .command('migrate-sqlite <file>')
    .description(
      'migrate any SQLite file into a PostgreSQL schema: typed from the data, resumable, validated',
    )
    .requiredOption('--target <postgres-url>', TARGET_HELP)
    .option('--schema <name>', 'target schema (created; default: the file name)', schemaName)
    .option(
      '--workers <n>',
      'tables (and parts of large tables) loaded in parallel',
      count('--workers', 1, 64),
      2,
    )
    .option('--batch-rows <n>', 'rows per committed batch', count('--batch-rows', 1, 1_000_000))
    .option(
      '--threads <mode>',
      'load on worker threads: auto (default: with 2+ workers and 50,000+ rows) | on | off',
      oneOf('--threads', ['auto', 'on', 'off'] as const),
    )
    .option(
      '--split-rows <n>',
      'tables with more rows are split into key ranges loaded side by side (default 200000; fixed at the first run)',
      count('--split-rows', 1, 1_000_000_000),
    )
    .option('--no-validate', 'skip the row count + checksum comparison after the load')
    .option(
      '--on-violation <choice>',
      'constraints some rows violate (pre-flight): stop | skip-constraint | not-valid (load every row, add the constraint NOT VALID; default)',
      oneOf('--on-violation', VIOLATION_CHOICES),
    )
    .option(
      '--constraint <name=choice>',
      'the same choice for one constraint (repeatable), e.g. valid_agent_status=skip-constraint',
      choiceSpec,
    )
    .option(
      '--map <constraint:value=allowed>',
      "map a CHECK list's violating value to an allowed one (repeatable); the constraint is then created valid and the report lists the mapped rows",
      mapSpec,
    )
    .option(
      '--identifiers <policy>',
      'preserve (default: names exactly as in SQLite, quoted) | lower (lower-cased; the report lists every change)',
      oneOf('--identifiers', ['preserve', 'lower'] as const),
    )
    .option(
      '--type <table.column=pgtype>',
      'choose a column type (repeatable): bigint, double precision, numeric, numeric(p,s), boolean, timestamptz, date, jsonb, bytea, text',
      typeSpec,
    )
    .option(
      '--delta',
      'after a completed load: copy only rows added or changed since the last run (delta sync)',
    )
    .option('--dry-run', 'with --delta: only report the lag per table (rows not yet copied)')
    .option(
      '--delta-deletes',
      'with --delta: also delete on the target the rows deleted in SQLite (default: report them)',
    )
    .option('--json', 'print one JSON object on stdout')
    .action(async (file: string, o: Opts) =>
      setCode(
        o.delta || o.dryRun || o.deltaDeletes
          ? await deltaCommand(file, o)
          : await migrateCommand(file, o),
      ),
    )

  program
    .command('validate-sqlite <file>')
    .description(
      'compare a SQLite file with the schema migrate-sqlite made from it (counts and checksums)',
    )
    .requiredOption('--target <postgres-url>', TARGET_HELP)
    .option(
      '--schema <name>',
      'the schema migrate-sqlite used (default: the file name)',
      schemaName,
    )
    .option('--workers <n>', 'tables compared in parallel', count('--workers', 1, 64), 2)
    .option('--json', 'print one JSON object on stdout')
    .action(async (file: string, o: Opts) => setCode(await validateCommand(file, o)))
}

function sourceFile(file: string): string {
  const abs = path.resolve(file)
  if (!existsSync(abs) || !statSync(abs).isFile()) {
    const folder = existsSync(abs) && statSync(abs).isDirectory()
    throw new FerryError(
      'SOURCE_NOT_FOUND',
      folder ? `${abs} is a folder, not a SQLite file` : `No SQLite file at ${abs}`,
      folder
        ? 'Pass the path of the database file in it (for a workspace: .claude/memory.db or .claude/state.db).'
        : 'Pass the path of a SQLite database file.',
    )
  }
  return abs
}

/** Runs a job in a worker with progress on stderr; Ctrl+C cancels it at the next batch. */
async function runWithProgress(
  label: string,
  job: string,
  params: unknown,
  json: boolean,
): Promise<unknown> {
  const reporter = new ProgressReporter(label, json && !process.stderr.isTTY)
  const controller = new AbortController()
  const onSigint = (): void => controller.abort()
  process.on('SIGINT', onSigint)
  let phase = ''
  let phaseStart = Date.now()
  try {
    return await runJob(nodeWorkerLauncher(), job, params, {
      signal: controller.signal,
      onProgress: (p) => {
        const name = `${p.unit}:${(p.message ?? '').split(' ')[0]}`
        if (name !== phase) [phase, phaseStart] = [name, Date.now()]
        reporter.update(
          computeProgress(p.done, p.total, p.unit, Date.now() - phaseStart, p.message),
        )
      },
      onLog: (level, message) => {
        if (!json || level === 'warn' || level === 'error')
          process.stderr.write(`${level === 'info' ? '' : `${level}: `}${message}\n`)
      },
    })
  } finally {
    process.off('SIGINT', onSigint)
    reporter.stop()
  }
}

async function migrateCommand(file: string, o: Opts): Promise<number> {
  const abs = sourceFile(file)
  validatePostgresUrl(o.target!)
  const schema = o.schema ?? defaultSchema(abs)
  const params = {
    file: abs,
    targetUrl: o.target!,
    schema,
    workers: o.workers,
    validate: o.validate,
    batchRows: o.batchRows,
    threads: o.threads,
    splitRows: o.splitRows,
    onViolation: o.onViolation,
    choices: o.constraint,
    maps: o.map,
    identifiers: o.identifiers,
    types: o.type,
  }
  const r = (await runWithProgress(
    'migrate-sqlite',
    'pgmigrate:migrate',
    params,
    o.json === true,
  )) as MigrateResult
  const ok = !r.validation || r.validation.equal
  if (o.json) printJson({ ok, ...r })
  else process.stdout.write(describeMigration(r) + '\n')
  if (!ok)
    process.stderr.write(
      r.validation!.sourceChanged
        ? `ferry: validation found differences in ${r.validation!.differentTables.join(', ')}: ${file} was written to during the run\n  → Copy the changes with the same command and --delta, then run "ferry validate-sqlite" with the same arguments.\n`
        : `ferry: validation found differences in ${r.validation!.differentTables.join(', ')}\n  → Run the same command again to resume; if it persists, compare with "ferry validate-sqlite … --json".\n`,
    )
  return ok ? EXIT.ok : EXIT.failed
}

async function deltaCommand(file: string, o: Opts): Promise<number> {
  if (!o.delta)
    throw new FerryError(
      'USAGE',
      '--dry-run and --delta-deletes apply to delta sync only',
      'Add --delta.',
    )
  const abs = sourceFile(file)
  validatePostgresUrl(o.target!)
  const schema = o.schema ?? defaultSchema(abs)
  const params = {
    file: abs,
    targetUrl: o.target!,
    schema,
    dryRun: o.dryRun === true,
    applyDeletes: o.deltaDeletes === true,
    batchRows: o.batchRows,
  }
  const r = (await runWithProgress(
    'delta',
    'pgmigrate:delta',
    params,
    o.json === true,
  )) as DeltaResult
  // --dry-run --json: the lag only (what the Migration screen shows per table).
  if (o.json) printJson(r.dryRun ? { ok: true, schema, lag: r.lag } : { ok: true, ...r })
  else process.stdout.write(describeDelta(r) + '\n')
  return EXIT.ok
}

async function validateCommand(file: string, o: Opts): Promise<number> {
  const abs = sourceFile(file)
  validatePostgresUrl(o.target!)
  const schema = o.schema ?? defaultSchema(abs)
  const r = (await runWithProgress(
    'validate-sqlite',
    'pgmigrate:validate',
    { file: abs, targetUrl: o.target!, schema, workers: o.workers },
    o.json === true,
  )) as ValidateRunResult
  const ok = r.validation.equal
  if (o.json) printJson({ ok, ...r })
  else process.stdout.write(describeValidateRun(r) + '\n')
  return ok ? EXIT.ok : EXIT.failed
}
