// Shared plumbing of the CLI commands: building a backend for one invocation and calling the
// contract through its dispatcher, exactly as the UI does.
import { readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { unwrap } from '../../shared/contract/client'
import type { MethodInput, MethodName, MethodOutput } from '../../shared/contract/methods'
import { createBackend, type Backend } from '../core/backend'

export const REPO_ROOT = new URL('../../', import.meta.url).pathname

export function version(): string {
  try {
    return (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version
  } catch {
    return '0.0.0'
  }
}

export function appDataDir(): string {
  return join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'ferry')
}

export interface Cli {
  backend: Backend
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>
}

export async function openCli(workspace: string | undefined, remember = false, persistTarget = remember): Promise<Cli> {
  // `ferry serve` (remember) and the commands that use the target (persistTarget: run, undo, bench)
  // keep the chosen target in .ferry/target.json (never its password) and start from it, so the CLI
  // and the UI work on the same server; passwords come from FERRY_PG_PASSWORD / PGPASSWORD /
  // .pgpass, or stay in memory (the default store).
  const backend = await createBackend({ appDataDir: appDataDir(), version: version(), workspace, rememberWorkspace: remember, persistTarget })
  return {
    backend,
    call: async (method, input) => unwrap(await backend.dispatch(method, input)),
  }
}

/** `--target URL`, or `--target embedded` for the embedded server: the target the command uses (and remembers). */
export function targetConfig(target: string): { kind: 'embedded' } | { kind: 'url'; url: string } {
  return target.trim().toLowerCase() === 'embedded' ? { kind: 'embedded' } : { kind: 'url', url: target }
}
