// Before anything is written to the target, the source must read as a whole database
// (RELIABILITY rule 1 and "corrupt state.db: stop before writing anything"). Profiling reads the
// table rows, but not index pages or free-list structure; a damaged page found half-way through
// the load would leave a half-made schema behind. PRAGMA quick_check reads every page once; where
// the schema names a collation only its application defines, every table is read instead.
import { FerryError } from '../../../shared/contract/envelope'
import { checkIntegrity, type IntegrityResult } from '../sqlite/integrity'
import type { SqliteDb } from '../sqlite/open'

export function checkSourceIntegrity(db: SqliteDb, file: string): IntegrityResult {
  let result: IntegrityResult
  try {
    result = checkIntegrity(db, 'quick_check')
  } catch (err) {
    const code = String((err as { code?: unknown }).code ?? '')
    if (/^SQLITE_(BUSY|LOCKED)/.test(code)) {
      throw new FerryError(
        'SQLITE_LOCKED',
        `${file} is locked by another program (it held a write lock for more than 5 s)`,
        'An agent or another tool is writing to it. Let it finish or stop it, then run the same command again; nothing was written to the target.',
      )
    }
    result = {
      problems: [(err as Error).message],
      method: 'pragma',
      appCollations: [],
      unreadable: [],
    }
  }
  if (result.problems.length) {
    throw new FerryError(
      'SOURCE_CORRUPT',
      `${file} is damaged (${result.method === 'pragma' ? 'PRAGMA quick_check' : 'reading every table'}: ${result.problems.slice(0, 3).join('; ')}); nothing was written to the target`,
      'Restore it from a backup ("ferry backups", then "ferry restore <id>") or recover it with "sqlite3 <file> .recover" into a new file, then run again.',
    )
  }
  const blocked = result.unreadable[0]
  if (blocked) {
    throw new FerryError(
      'SOURCE_APP_COLLATION',
      `Table "${blocked.table}" of ${file} cannot be read: ${blocked.reason}, which only the application that made the database defines (the file itself is sound); nothing was written to the target`,
      `Ferry reads SQLite without the application's collations (${result.appCollations.join(', ')}). In a copy of the database opened where that collation exists (the application, or sqlite3 with it loaded), rebuild "${blocked.table}" without COLLATE on its key, then migrate the copy.`,
    )
  }
  return result
}
