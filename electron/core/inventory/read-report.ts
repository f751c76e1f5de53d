// inventory.get: the last inventory written to .ferry/inventory.json (by `ferry inventory` or
// p2.migration-scripts), or null before there is one.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { FerryError } from '../../../shared/contract/envelope'
import type { WorkspacePaths } from '../workspace/resolve'

export function readInventory(paths: WorkspacePaths): Record<string, unknown> | null {
  let text: string
  try {
    text = readFileSync(join(paths.ferryDir, 'inventory.json'), 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
  try {
    return JSON.parse(text) as Record<string, unknown>
  } catch {
    throw new FerryError(
      'INVENTORY_DAMAGED',
      '.ferry/inventory.json is not valid JSON',
      'Take the inventory again (ferry inventory, or run p2.migration-scripts).',
    )
  }
}
