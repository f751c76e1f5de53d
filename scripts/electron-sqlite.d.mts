// Types of electron-sqlite.mjs (for the tests that import it).
export interface RunResult {
  ok: boolean
  output: string
}
export type RunNode = (
  script: string,
  args: string[],
  opts: { cwd: string; timeoutMs: number; env?: NodeJS.ProcessEnv },
) => Promise<RunResult>
export declare const runNode: RunNode
export declare function electronSqliteAddon(opts: {
  electronVersion: string
  cacheRoot?: string
  run?: RunNode
  log?: (line: string) => void
}): Promise<{ ok: true; path: string; cached: boolean } | { ok: false; reason: string }>
