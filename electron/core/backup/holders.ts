// Which other processes have a file open (Linux: /proc/<pid>/fd). A restore replaces a database
// and removes its -wal/-shm; doing that under a running agent would hand it a mix of two files,
// so the restore refuses while an agent holds them. Elsewhere this finds nothing, and the
// documentation asks the user to stop the agents first.
import { readdir, readFile, readlink, realpath } from 'node:fs/promises'

export interface Holder {
  pid: number
  command: string
  file: string
}

export async function processesHolding(files: string[]): Promise<Holder[]> {
  if (process.platform !== 'linux') return []
  const wanted = new Map<string, string>()
  for (const f of files) {
    const real = await realpath(f).catch(() => null)
    if (real) wanted.set(real, f)
  }
  if (wanted.size === 0) return []
  const pids = (await readdir('/proc').catch(() => [] as string[]))
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
  const holders: Holder[] = []
  for (const pid of pids) {
    if (pid === process.pid) continue
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[])
    for (const fd of fds) {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => null)
      const file = target === null ? undefined : wanted.get(target)
      if (file === undefined) continue
      const command = (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '?')).trim()
      holders.push({ pid, command, file })
      break
    }
  }
  return holders
}
