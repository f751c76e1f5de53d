// The console's query history, per workspace, in .ferry/sql-history.json (Ferry's own folder —
// never the user's database). Newest first, the last 200 statements.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { HistoryEntry } from '../../../shared/contract/inspect'
import { writeFileAtomic } from '../fs/atomic'

const MAX_ENTRIES = 200

export function historyFile(ferryDir: string): string {
  return join(ferryDir, 'sql-history.json')
}

export function readHistory(ferryDir: string): HistoryEntry[] {
  try {
    const parsed = z
      .array(HistoryEntry)
      .safeParse(JSON.parse(readFileSync(historyFile(ferryDir), 'utf8')))
    return parsed.success ? parsed.data : []
  } catch {
    return []
  }
}

export function appendHistory(ferryDir: string, entry: HistoryEntry): void {
  const all = [entry, ...readHistory(ferryDir)].slice(0, MAX_ENTRIES)
  writeFileAtomic(historyFile(ferryDir), JSON.stringify(all, null, 1))
}
