// Before anything is written to the target, the source must read as a whole database
// (RELIABILITY rule 1 and "corrupt state.db: stop before writing anything"). Profiling reads the
// table rows, but not index pages or free-list structure; a damaged page found half-way through
// the load would leave a half-made schema behind. PRAGMA quick_check reads every page once.
import { FerryError } from '../../../shared/contract/envelope'
import type { SqliteDb } from '../sqlite/open'

export function checkSourceIntegrity(db: SqliteDb, file: string): void {
  let problems: string[]
  try {
    problems = (db.pragma('quick_check(20)') as { quick_check: string }[]).map((r) => r.quick_check)
  } catch (err) {
    const code = String((err as { code?: unknown }).code ?? '')
    if (/^SQLITE_(BUSY|LOCKED)/.test(code)) {
      throw new FerryError(
        'SQLITE_LOCKED',
        `${file} is locked by another program (it held a write lock for more than 5 s)`,
        'An agent or another tool is writing to it. Let it finish or stop it, then run the same command again; nothing was written to the target.',
      )
    }
    problems = [(err as Error).message]
  }
  if (problems.length === 1 && problems[0] === 'ok') return
  throw new FerryError(
    'SOURCE_CORRUPT',
    `${file} is damaged (PRAGMA quick_check: ${problems.slice(0, 3).join('; ')}); nothing was written to the target`,
    'Restore it from a backup ("ferry backups", then "ferry restore <id>") or recover it with "sqlite3 <file> .recover" into a new file, then run again.',
  )
}
