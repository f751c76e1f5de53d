// Ferry's scratch folders (a backup being written, a restore drill, a sandbox being built) carry
// the pid of the process that owns them. A worker killed mid-way leaves its folder behind; the
// next run removes folders whose owner is gone, and never a folder a live process is using.
import { readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { pidAlive } from '../fs/pid'

const OWNER_FILE = '.owner'

export async function claim(dir: string): Promise<void> {
  await writeFile(join(dir, OWNER_FILE), String(process.pid), { flag: 'wx' })
}

export async function release(dir: string): Promise<void> {
  await rm(join(dir, OWNER_FILE), { force: true })
}

async function ownerAlive(dir: string): Promise<boolean> {
  try {
    const pid = Number((await readFile(join(dir, OWNER_FILE), 'utf8')).trim())
    return Number.isInteger(pid) && pid > 0 && pid !== process.pid ? pidAlive(pid) : false
  } catch {
    // No owner file: the process died between creating the folder and claiming it.
    return false
  }
}

/** Removes `<parent>/<prefix>*` folders left by dead processes; returns their names. */
export async function removeStale(parent: string, prefix: string): Promise<string[]> {
  let names: string[]
  try {
    names = await readdir(parent)
  } catch {
    return []
  }
  const removed: string[] = []
  for (const name of names.filter((n) => n.startsWith(prefix))) {
    const dir = join(parent, name)
    if (await ownerAlive(dir)) continue
    await rm(dir, { recursive: true, force: true })
    removed.push(name)
  }
  return removed
}
