// Re-reads a backup and checks every file against its manifest: SHA-256 and size of each file,
// nothing missing, nothing extra (a -wal next to a copied database would change what it holds).
import type { Stats } from 'node:fs'
import { lstat, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '../fs/atomic'
import { mapConcurrent } from '../fs/concurrent'
import { hashFile } from './files'
import {
  VERIFICATION_FILE,
  contentEntries,
  entryPath,
  relPath,
  type Manifest,
  type Verification,
} from './manifest'

export interface VerifyResult {
  ok: boolean
  problems: string[]
  files: number
  bytes: number
}

const PARALLEL_READS = 8

export async function verifyBackup(
  dir: string,
  manifest: Manifest,
  signal?: AbortSignal,
  onBytes?: (n: number) => void,
): Promise<VerifyResult> {
  const problems: string[] = []
  let files = 0
  let bytes = 0
  const expected = new Set<string>()
  // Re-read several files at once (each read mostly waits on the disk); problems in order.
  const found = await mapConcurrent(
    contentEntries(manifest),
    async (e): Promise<string | null> => {
      let abs: string
      try {
        abs = entryPath(dir, e.path)
      } catch (err) {
        return (err as Error).message
      }
      expected.add(e.path)
      try {
        const r = await hashFile(abs, signal)
        files++
        bytes += r.size
        onBytes?.(r.size)
        if (r.sha256 !== e.sha256)
          return `${e.path}: SHA-256 mismatch, expected ${e.sha256}, actual ${r.sha256}`
        if (r.size !== e.size)
          return `${e.path}: size mismatch, expected ${e.size} bytes, actual ${r.size}`
        return null
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code
        if ((err as { code?: string }).code === 'CANCELLED') throw err
        return `${e.path}: ${code === 'ENOENT' ? 'missing from the backup' : `cannot be read (${code ?? (err as Error).message})`}`
      }
    },
    { limit: PARALLEL_READS, signal },
  )
  for (const p of found) if (p) problems.push(p)
  for (const extra of await extraFiles(dir, expected))
    problems.push(`${extra}: in the backup folder but not in its manifest`)
  return { ok: problems.length === 0, problems, files, bytes }
}

/** Files under `<dir>/.claude` that the manifest does not list (directories are fine). */
async function extraFiles(dir: string, expected: Set<string>): Promise<string[]> {
  const out: string[] = []
  const visit = async (abs: string): Promise<void> => {
    let names: string[]
    try {
      names = (await readdir(abs)).sort()
    } catch {
      return
    }
    for (const name of names) {
      const child = join(abs, name)
      let st: Stats
      try {
        st = await lstat(child)
      } catch {
        continue
      }
      if (st.isDirectory()) await visit(child)
      else if (!expected.has(relPath(dir, child))) out.push(relPath(dir, child))
    }
  }
  await visit(join(dir, '.claude'))
  return out
}

export async function writeVerification(
  dir: string,
  r: VerifyResult,
  at: Date,
): Promise<Verification> {
  const v: Verification = {
    verifiedAt: at.toISOString(),
    ok: r.ok,
    problems: r.problems,
    files: r.files,
    bytes: r.bytes,
  }
  writeFileAtomic(join(dir, VERIFICATION_FILE), JSON.stringify(v, null, 2), 0o600)
  return v
}
