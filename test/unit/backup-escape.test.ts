// A folder on a listed file's path swapped for a link out of the workspace (RELIABILITY rule 9):
// the backup's open must see where the descriptor really leads and refuse, even when the identity
// it checks against was itself taken through the swapped folder (as a re-list after a change is).
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
import { copyListedFile } from '../../electron/core/backup/files'

const dir = mkdtempSync(join(tmpdir(), 'ferry-backup-escape-'))
const ws = join(dir, 'ws')
const outside = join(dir, 'outside')
mkdirSync(join(ws, '.claude', 'context'), { recursive: true })
mkdirSync(outside)
writeFileSync(join(outside, 'victim.md'), 'CANARY-7f3a outside the workspace')
symlinkSync(outside, join(ws, '.claude', 'context', 'sub'))
mkdirSync(join(ws, '.claude', 'real'))
writeFileSync(join(ws, '.claude', 'real', 'notes.md'), 'inside')

describe('backup copy of a file whose folder leads out of the workspace', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

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
