// `ferry` — the same backend from a terminal (DESIGN.md §4).
import { Command, CommanderError, InvalidArgumentError } from 'commander'
import { FerryError } from '../../shared/contract/envelope'
import { EXIT, reportError } from './output'
import { version } from './context'
import { demoWorkspaceCommand, runCommand, serveCommand, statusCommand, undoCommand } from './commands'
import { registerBackupCommands } from './commands-backup'
import { registerMigrationCommands } from './commands-migrations'
import { registerIndexCommands } from './commands-indexes'
import { registerPhase2Commands } from './commands-phase2'
import { registerPgMigrateCommands } from './commands-pgmigrate'
import { registerBenchCommands } from './commands-bench'
import { registerRetentionCommands } from './commands-retention'

function int(name: string, min: number, max: number) {
  return (v: string): number => {
    if (!/^\d+$/.test(v)) throw new InvalidArgumentError(`${name} must be a whole number`)
    const n = Number(v)
    if (n < min || n > max) throw new InvalidArgumentError(`${name} must be between ${min} and ${max}`)
    return n
  }
}

/** Commands of DESIGN.md §4 whose engines arrive with later issues: say so plainly. */
const LATER: Record<string, string> = {}

export async function main(argv: string[]): Promise<number> {
  let code: number = EXIT.ok
  const program = new Command('ferry')
    .description('Ferry carries an agent workspace from files to SQLite to PostgreSQL, step by step, with evidence.')
    .version(version())
    .exitOverride()
    .showHelpAfterError('(run "ferry --help" for the commands)')

  program
    .command('demo-workspace <dir>')
    .description('create a realistic sample workspace (deterministic for a seed)')
    .option('--events <n>', 'rows in the events table (and lines in the logs)', int('--events', 0, 5_000_000), 10_000)
    .option('--seed <n>', 'random seed', int('--seed', 0, 2 ** 31 - 1), 42)
    .option('--json', 'print one JSON object on stdout')
    .action(async (dir: string, o) => {
      code = await demoWorkspaceCommand(dir, o)
    })

  program
    .command('status')
    .description('the checklist with statuses and evidence')
    .option('-w, --workspace <dir>', 'the workspace folder (holds .claude/)', '.')
    .option('--json', 'print one JSON object on stdout')
    .action(async (o) => {
      code = await statusCommand(o)
    })

  program
    .command('run <step>')
    .description('run a step (e.g. pre.document-schema), a phase (pre, p1 … p4) or all')
    .option('-w, --workspace <dir>', 'the workspace folder (holds .claude/)', '.')
    .option('--target <postgres-url>', 'PostgreSQL target URL, or "embedded"; remembered in .ferry/target.json without its password (default: the remembered one, else the embedded server)')
    .option('--yes', 'answer confirmations with yes')
    .option('--json', 'print one JSON object on stdout')
    .action(async (step: string, o) => {
      code = await runCommand(step, o)
    })

  program
    .command('serve')
    .description('the UI in a browser, on 127.0.0.1 with a per-launch token')
    .option('-w, --workspace <dir>', 'open this workspace (default: the current folder if it is one)')
    .option('--port <n>', 'port (default: a free one)', int('--port', 0, 65535), 0)
    .action(async (o) => {
      code = await serveCommand(o)
    })

  program
    .command('undo <step>')
    .description('reverse a step where it can be reversed')
    .option('-w, --workspace <dir>', 'the workspace folder (holds .claude/)', '.')
    .option('--yes', 'answer confirmations with yes')
    .option('--json', 'print one JSON object on stdout')
    .action(async (step: string, o) => {
      code = await undoCommand(step, o)
    })

  const setCode = (c: number): void => {
    code = c
  }
  registerBackupCommands(program, setCode)
  registerMigrationCommands(program, setCode)
  registerIndexCommands(program, setCode)
  registerPhase2Commands(program, setCode)
  registerPgMigrateCommands(program, setCode)
  registerBenchCommands(program, setCode)
  registerRetentionCommands(program, setCode)

  for (const [name, issue] of Object.entries(LATER)) {
    program
      .command(name, { hidden: true })
      .allowUnknownOption()
      .allowExcessArguments()
      .action(() => {
        throw new FerryError('NOT_BUILT', `"ferry ${name}" is not built yet in this version`, `It arrives with ${issue}.`)
      })
  }

  try {
    await program.parseAsync(argv, { from: 'user' })
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage
    }
    return reportError(err, argv.includes('--json'))
  }
  return code
}
