// openSqliteReadOnly on paths that are not a database file: SQLite alone says "disk I/O error"
// for a folder; Ferry names what is there.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openSqliteReadOnly } from '../../electron/core/sqlite/open'
import { tempDir } from '../support/paths'

const t = tempDir('ferry-open-')
afterAll(() => t.cleanup())

describe('opening a SQLite source read-only', () => {
  it('says a folder in the database’s place is a folder, with what to do', () => {
    const dir = join(t.dir, 'state.db')
    mkdirSync(dir)
    expect(() => openSqliteReadOnly(dir)).toThrow(
      expect.objectContaining({
        code: 'SQLITE_OPEN_FAILED',
        message: `Cannot open ${dir}: it is a folder, not a SQLite database file`,
        hint: expect.stringContaining('restore the file from a backup'),
      }),
    )
  })

  it('says a missing file is missing', () => {
    const missing = join(t.dir, 'nope', 'memory.db')
    expect(() => openSqliteReadOnly(missing)).toThrow(
      expect.objectContaining({ message: `Cannot open ${missing}: no such file` }),
    )
  })
})
