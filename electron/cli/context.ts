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

export async function openCli(workspace: string | undefined, remember = false): Promise<Cli> {
  // `ferry serve` (remember) keeps the chosen target in .ferry/target.json (never its password);
  // passwords come from FERRY_PG_PASSWORD / PGPASSWORD / .pgpass, or stay in memory (the default store).
  const backend = await createBackend({ appDataDir: appDataDir(), version: version(), workspace, rememberWorkspace: remember, persistTarget: remember })
  return {
    backend,
    call: async (method, input) => unwrap(await backend.dispatch(method, input)),
  }
}
