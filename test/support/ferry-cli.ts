// `ferry` as a user types it, for CLI tests: a real process, its exit code, stdout and stderr.
// XDG_CONFIG_HOME is the test's own, and no fault point is armed unless a call arms one.
import { spawnSync } from 'node:child_process'
import { FERRY_BIN } from './paths'

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

export type Ferry = (args: string[], extraEnv?: Record<string, string>) => CliResult

export function ferryCli(configHome: string, timeoutMs = 180_000): Ferry {
  const env = { ...process.env, XDG_CONFIG_HOME: configHome, FERRY_FAULT_POINT: '', FERRY_FAULT_ACTION: '' }
  return (args, extraEnv = {}) => {
    const r = spawnSync(process.execPath, [FERRY_BIN, ...args], {
      env: { ...env, ...extraEnv },
      encoding: 'utf8',
      timeout: timeoutMs,
    })
    return { code: r.status, stdout: r.stdout, stderr: r.stderr }
  }
}
