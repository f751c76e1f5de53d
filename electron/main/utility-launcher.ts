// Long work runs in an Electron utility process rather than a Node child process, so the
// packaged app can ship with the RunAsNode fuse off (child_process.fork needs it on).
import { utilityProcess } from 'electron'
import type { WorkerLauncher, WorkerMessage } from '../core/jobs/launcher'

/** A WorkerLauncher that forks the bundled worker script (dist-electron/worker.cjs). */
export function utilityWorkerLauncher(entry: string): WorkerLauncher {
  return () => {
    const child = utilityProcess.fork(entry, [], { serviceName: 'Ferry worker', stdio: 'inherit' })
    let exited = false
    return {
      get pid() {
        return child.pid
      },
      send: (m) => {
        if (!exited) child.postMessage(m)
      },
      onMessage: (l) => child.on('message', (m) => l(m as WorkerMessage)),
      // utilityProcess reports only an exit code; a kill shows up as a non-zero code.
      onExit: (l) =>
        child.once('exit', (code) => {
          exited = true
          l(code, null)
        }),
      kill: () => {
        if (!exited) child.kill()
      },
    }
  }
}
