import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const REPO = fileURLToPath(new URL('../../', import.meta.url))
export const SHARED = join(REPO, '..', 'shared')
export const CHINOOK = join(SHARED, 'datasets', 'chinook.sqlite')
export const FERRY_BIN = join(REPO, 'bin', 'ferry.mjs')

/** A fresh temp folder, removed by the returned cleanup. */
export function tempDir(prefix = 'ferry-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}
