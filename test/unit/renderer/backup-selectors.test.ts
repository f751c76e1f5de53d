import { describe, expect, it } from 'vitest'
import type { BackupInfo } from '../../../shared/contract/types'
import {
  backupRows,
  backupsSummary,
  reasonText,
  restoreConfirmText,
  restoreHighlights,
} from '../../../renderer/src/store/backup-selectors'

export function backup(patch: Partial<BackupInfo> = {}): BackupInfo {
  return {
    id: '20250601T120000Z-aaaaaa',
    createdAt: '2025-06-01T12:00:00.000Z',
    reason: 'manual',
    files: 111,
    bytes: 3_847_330,
    verified: null,
    verifiedAt: null,
    problems: [],
    path: '.ferry/backups/20250601T120000Z-aaaaaa',
    ...patch,
  }
}

const NOW = Date.parse('2025-06-01T12:05:00Z')

describe('backups list', () => {
  it('lists newest first with relative and absolute times, counts and sizes', () => {
    const rows = backupRows(
      [
        backup({ id: 'old', createdAt: '2025-06-01T11:00:00Z' }),
        backup({ id: 'new', createdAt: '2025-06-01T12:04:48Z', files: 1 }),
      ],
      NOW,
    )
    expect(rows.map((r) => r.id)).toEqual(['new', 'old'])
    expect(rows[0]).toMatchObject({
      createdRelative: '12 s ago',
      filesText: '1 file',
      sizeText: '3.7 MB',
    })
    expect(rows[0]!.createdAbsolute).toMatch(/2025/)
    expect(rows[1]!.createdRelative).toBe('1 h ago')
  })

  it('names why each backup was taken', () => {
    const title = (id: string) =>
      id === 'p1.fk-indexes' ? 'Add all missing foreign key indexes' : null
    expect(reasonText('manual')).toBe('manual')
    expect(reasonText('auto:p1.fk-indexes', title)).toBe(
      'before p1.fk-indexes (Add all missing foreign key indexes)',
    )
    expect(reasonText('auto:p9.unknown', title)).toBe('before p9.unknown')
    expect(reasonText('pre-restore')).toBe('before restore')
    expect(reasonText('something else')).toBe('something else')
  })

  it('shows verification as shape, colour and word, with the problems', () => {
    const [ok, bad, unknown] = backupRows(
      [
        backup({
          id: 'a',
          createdAt: '2025-06-01T12:03:00Z',
          verified: true,
          verifiedAt: '2025-06-01T12:04:00Z',
        }),
        backup({
          id: 'b',
          createdAt: '2025-06-01T12:02:00Z',
          verified: false,
          problems: ['.claude/state.db: SHA-256 differs'],
        }),
        backup({ id: 'c', createdAt: '2025-06-01T12:01:00Z' }),
      ],
      NOW,
    )
    expect(ok!.verified).toEqual({ icon: '✔', word: 'verified', tone: 'ok' })
    expect(ok!.verifiedTitle).toMatch(/^Checked /)
    expect(bad!.verified).toEqual({ icon: '✖', word: 'failed', tone: 'bad' })
    expect(bad!.problems).toEqual(['.claude/state.db: SHA-256 differs'])
    expect(unknown!.verified).toEqual({ icon: '○', word: 'not checked', tone: 'idle' })
  })

  it('says exactly what a restore changes before it happens', () => {
    expect(restoreConfirmText(backup({ id: 'b-1', files: 111 }))).toBe(
      'Replaces the files of .claude/ with the 111 files of backup b-1; the current state is backed up first; files not in the backup are kept.',
    )
  })

  it('summarises the list', () => {
    expect(backupsSummary([])).toBe('No backups yet')
    expect(
      backupsSummary([backup({ verified: true }), backup({ verified: false }), backup()]),
    ).toBe('3 backups · 1 verified · 1 failed verification')
  })
})

describe('restore outcome', () => {
  it('puts recovery time, what was restored and the backup taken first up front', () => {
    expect(
      restoreHighlights({
        recoveryMs: 1_290,
        recoveryUnder5Min: true,
        files: 111,
        bytes: 3_847_330,
        keptFiles: 2,
        preRestoreBackupId: 'b-2',
        message: 'Restored 111 files',
      }),
    ).toEqual([
      { key: 'recovery', label: 'Recovery time', text: '1.3 s (under 5 min)' },
      { key: 'files', label: 'Restored', text: '111 files · 3.7 MB' },
      { key: 'kept', label: 'Kept (not in the backup)', text: '2 files' },
      { key: 'pre', label: 'Backed up first as', text: 'b-2' },
    ])
    expect(restoreHighlights(null)).toEqual([])
  })
})
