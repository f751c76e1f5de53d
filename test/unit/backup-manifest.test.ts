import { mkdirSync, existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  BACKUP_ID,
  backupDir,
  entryPath,
  newBackupId,
  restorePath,
} from '../../electron/core/backup/manifest'
import { claim, removeStale } from '../../electron/core/backup/stale'
import { RESTORE_TEMP } from '../../electron/core/backup/walk'
import { age, size } from '../../electron/cli/commands-backup'
import { workspacePaths } from '../../electron/core/workspace/resolve'
import { tempDir } from '../support/paths'

const t = tempDir('ferry-backup-unit-')
afterAll(() => t.cleanup())

describe('backup ids', () => {
  it('are UTC timestamps to the second plus 6 hex digits, and sort by time', () => {
    const a = newBackupId(new Date('2026-11-29T17:45:01.999Z'))
    const b = newBackupId(new Date('2026-11-29T17:45:02.000Z'))
    expect(a).toMatch(/^20261129T174501Z-[0-9a-f]{6}$/)
    expect(BACKUP_ID.test(a)).toBe(true)
    expect([b, a].sort()).toEqual([a, b])
  })

  it('never name a folder outside .ferry/backups', () => {
    const paths = workspacePaths('/ws')
    expect(backupDir(paths, '20261129T174501Z-a1b2c3')).toBe(
      '/ws/.ferry/backups/20261129T174501Z-a1b2c3',
    )
    for (const bad of [
      '../../etc',
      '20261129T174501Z-a1b2c3/../x',
      '.tmp-20261129T174501Z-a1b2c3',
      '',
    ]) {
      expect(() => backupDir(paths, bad)).toThrow(
        expect.objectContaining({ code: 'BACKUP_NOT_FOUND' }),
      )
    }
  })
})

describe('manifest paths', () => {
  it('map to files under .claude/ of the given root', () => {
    expect(entryPath('/r', '.claude/context/a.md')).toBe('/r/.claude/context/a.md')
  })

  it('refuse anything a tampered manifest could use to write elsewhere', () => {
    for (const bad of [
      '/etc/passwd',
      '.claude/../../x',
      '../.claude/x',
      '.claude//x',
      'context/a.md',
      '.claude/./x',
      '.claude\\..\\x',
      '.claude/a\0b',
    ]) {
      expect(() => entryPath('/r', bad), bad).toThrow(
        expect.objectContaining({ code: 'BACKUP_MANIFEST_INVALID' }),
      )
    }
  })

  it('keep a backslash as part of a name on Linux (how a name that is not UTF-8 is spelt)', () => {
    expect(entryPath('/r', '.claude/context/a\\xE9.md')).toBe('/r/.claude/context/a\\xE9.md')
  })

  it('restore a name that is not UTF-8 to its exact bytes, checked like any other path', () => {
    const hex = (s: string) => Buffer.from(s, 'latin1').toString('hex')
    expect(restorePath('/r/', { path: '.claude/x', pathHex: hex('.claude/caf\xe9') })).toEqual(
      Buffer.from('/r/.claude/caf\xe9', 'latin1'),
    )
    expect(restorePath('/r', { path: '.claude/a.md' })).toBe('/r/.claude/a.md')
    for (const bad of [
      '/etc/\xe9',
      '.claude/../\xe9',
      '\xe9/.claude/x',
      '.claude//\xe9',
      '.claude/\xe9\0',
    ]) {
      expect(() => restorePath('/r', { path: '.claude/x', pathHex: hex(bad) }), bad).toThrow(
        expect.objectContaining({ code: 'BACKUP_MANIFEST_INVALID' }),
      )
    }
  })

  it('recognise the temp files of an interrupted restore, and nothing else', () => {
    expect(RESTORE_TEMP.test('.state.db.ferry-restore-0123456789ab.tmp')).toBe(true)
    expect(RESTORE_TEMP.test('state.db.ferry-restore-0123456789ab.tmp')).toBe(false)
    expect(RESTORE_TEMP.test('.notes.md.tmp')).toBe(false)
  })
})

describe('scratch folders', () => {
  it('are removed when their owner process is gone, and kept while it lives', async () => {
    const parent = join(t.dir, 'stale')
    mkdirSync(join(parent, '.tmp-dead'), { recursive: true })
    writeFileSync(join(parent, '.tmp-dead', '.owner'), '2147483646')
    mkdirSync(join(parent, '.tmp-unclaimed'))
    mkdirSync(join(parent, '.tmp-live'))
    writeFileSync(join(parent, '.tmp-live', '.owner'), String(process.ppid))
    mkdirSync(join(parent, 'kept'))
    const removed = await removeStale(parent, '.tmp-')
    expect(removed.sort()).toEqual(['.tmp-dead', '.tmp-unclaimed'])
    expect(existsSync(join(parent, '.tmp-live'))).toBe(true)
    expect(existsSync(join(parent, 'kept'))).toBe(true)
    mkdirSync(join(parent, '.tmp-mine'))
    await claim(join(parent, '.tmp-mine'))
    await expect(claim(join(parent, '.tmp-mine'))).rejects.toThrow()
  })
})

describe('CLI formatting', () => {
  it('shows sizes and ages the way a person reads them', () => {
    expect(size(512)).toBe('512 B')
    expect(size(68_381_219)).toBe('65.2 MB')
    const now = new Date('2026-11-29T18:00:00Z')
    expect(age('2026-11-29T17:59:30Z', now)).toBe('30 s')
    expect(age('2026-11-29T17:45:00Z', now)).toBe('15 min')
    expect(age('2026-11-29T15:00:00Z', now)).toBe('3 h')
    expect(age('2026-11-25T18:00:00Z', now)).toBe('4 d')
  })
})
