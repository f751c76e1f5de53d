// Types of electron-runtime.mjs (for the tests that import it).
export declare const REPO_ROOT: string
export declare function unavailableMessage(reason: string): string
export declare function resolveElectronBinary(opts?: {
  env?: NodeJS.ProcessEnv
  timeoutMs?: number
}): Promise<{ ok: true; path: string } | { ok: false; reason: string }>
export declare function electronVersion(): string
export declare function startElectron(opts?: {
  env?: NodeJS.ProcessEnv
  args?: string[]
  log?: (line: string) => void
}): Promise<number>
