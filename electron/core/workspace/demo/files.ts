// Files are described first (path + content) and written afterwards, so what the demo contains
// can be tested without touching the disk.
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { throwIfCancelled } from './cancel'

export interface FileEntry {
  /** Relative to the workspace root, with forward slashes. */
  path: string
  content: string
}

export async function writeEntries(
  root: string,
  entries: FileEntry[],
  signal: AbortSignal | undefined,
  onFile: () => void,
): Promise<void> {
  const made = new Set<string>()
  for (const entry of entries) {
    throwIfCancelled(signal)
    const target = join(root, ...entry.path.split('/'))
    const folder = dirname(target)
    if (!made.has(folder)) {
      await mkdir(folder, { recursive: true })
      made.add(folder)
    }
    await writeFile(target, entry.content, { flag: 'wx' })
    onFile()
  }
}
