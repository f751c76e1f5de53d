// A folder on a listed file's path swapped for a link out of the workspace (RELIABILITY rule 9):
// the backup's open must see where the descriptor really leads and refuse, even when the identity
// it checks against was itself taken through the swapped folder (as a re-list after a change is).
// The same for a SQLite database, which the online backup API opens by path.
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  existsSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import Database from 'better-sqlite3'
import { copyListedFile } from '../../electron/core/backup/files'
import { backupSqlite } from '../../electron/core/backup/sqlite-copy'

const dir = mkdtempSync(join(tmpdir(), 'ferry-backup-escape-'))
const ws = join(dir, 'ws')
const outside = join(dir, 'outside')
mkdirSync(join(ws, '.claude', 'context'), { recursive: true })
mkdirSync(outside)
writeFileSync(join(outside, 'victim.md'), 'CANARY-7f3a outside the workspace')
symlinkSync(outside, join(ws, '.claude', 'context', 'sub'))
mkdirSync(join(ws, '.claude', 'real'))
writeFileSync(join(ws, '.claude', 'real', 'notes.md'), 'inside')

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('backup copy of a file whose folder leads out of the workspace', () => {
  it('refuses with PATH_ESCAPED and writes none of the outside bytes', async () => {
    const src = join(ws, '.claude', 'context', 'sub', 'victim.md')
    const dest = join(dir, 'copy.md')
    // The identity as a re-list through the swapped folder would take it: it matches what opens.
    await expect(copyListedFile(src, lstatSync(src), dest, { root: ws })).rejects.toMatchObject({
      code: 'PATH_ESCAPED',
    })
    expect(existsSync(dest) ? readFileSync(dest, 'utf8') : '').not.toContain('CANARY-7f3a')
  })

  it('copies a file inside the workspace as before', async () => {
    const src = join(ws, '.claude', 'real', 'notes.md')
    const r = await copyListedFile(src, lstatSync(src), join(dir, 'notes.md'), { root: ws })
    expect(r.size).toBe(6)
    expect(readFileSync(join(dir, 'notes.md'), 'utf8')).toBe('inside')
  })
})

describe('backup of a SQLite database whose folder leads out of the workspace', () => {
  const outsideDb = join(outside, 'victim.db')
  const insideDb = join(ws, '.claude', 'real', 'state.db')
  for (const [file, value] of [
    [outsideDb, 'CANARY-SQLITE-91c2'],
    [insideDb, 'inside row'],
  ] as const) {
    const db = new Database(file)
    db.pragma('journal_mode = WAL')
    db.exec('CREATE TABLE t (v TEXT)')
    db.prepare('INSERT INTO t VALUES (?)').run(value)
    db.close()
  }

  it('refuses with PATH_ESCAPED before SQLite reads a page, and writes no copy', async () => {
    const src = join(ws, '.claude', 'context', 'sub', 'victim.db')
    const dest = join(dir, 'victim-copy.db')
    await expect(backupSqlite(src, dest, '.claude/context/sub/victim.db', { root: ws })).rejects.toMatchObject({
      code: 'PATH_ESCAPED',
    })
    expect(existsSync(dest)).toBe(false)
  })

  it('backs up a database inside the workspace as before (the descriptor check passes)', async () => {
    const dest = join(dir, 'state-copy.db')
    await backupSqlite(insideDb, dest, '.claude/real/state.db', { root: ws })
    const copy = new Database(dest, { readonly: true })
    expect(copy.prepare('SELECT v FROM t').pluck().all()).toEqual(['inside row'])
    copy.close()
  })
})
