// The Backups screen's rows and texts, from backup.list (shared/contract/types.ts BackupInfo).
import type { BackupInfo } from '../../../shared/contract/types'
import { formatBytes, formatCount, formatDuration } from '../format/numbers'
import { formatAbsolute, formatRelative } from '../format/time'
import type { StatusView } from './selectors'

export interface BackupRowView {
  id: string
  createdRelative: string
  createdAbsolute: string
  reasonText: string
  filesText: string
  sizeText: string
  verified: StatusView
  /** When it was verified, for the hover text. */
  verifiedTitle: string
  problems: string[]
  path: string
}

/** "manual", "before p1.fk-indexes (Add all missing foreign key indexes)", "before restore". */
export function reasonText(
  reason: string,
  stepTitle: (id: string) => string | null = () => null,
): string {
  const r = reason.trim()
  if (r === '' || r === 'manual') return 'manual'
  const step = /^(?:auto|before):(.+)$/.exec(r)?.[1]
  if (step) {
    const title = stepTitle(step)
    return title ? `before ${step} (${title})` : `before ${step}`
  }
  if (/^pre-restore(?::|$)/.test(r)) {
    const of = r.split(':')[1]
    return of ? `before restoring ${of}` : 'before restore'
  }
  return r
}

export function verifiedView(b: Pick<BackupInfo, 'verified'>): StatusView {
  if (b.verified === true) return { icon: '✔', word: 'verified', tone: 'ok' }
  if (b.verified === false) return { icon: '✖', word: 'failed', tone: 'bad' }
  return { icon: '○', word: 'not checked', tone: 'idle' }
}

function createdAtMs(b: BackupInfo): number {
  const t = Date.parse(b.createdAt)
  return Number.isNaN(t) ? 0 : t
}

/** Newest first; the hover text has the exact time. */
export function backupRows(
  list: readonly BackupInfo[],
  now: number,
  stepTitle?: (id: string) => string | null,
): BackupRowView[] {
  return [...list]
    .sort((a, b) => createdAtMs(b) - createdAtMs(a) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .map((b) => {
      const verifiedAt = formatAbsolute(b.verifiedAt)
      return {
        id: b.id,
        createdRelative: formatRelative(b.createdAt, now) ?? b.createdAt,
        createdAbsolute: formatAbsolute(b.createdAt) ?? b.createdAt,
        reasonText: reasonText(b.reason, stepTitle),
        filesText: formatCount(b.files, 'file'),
        sizeText: formatBytes(b.bytes),
        verified: verifiedView(b),
        verifiedTitle:
          b.verified === null
            ? 'Not verified since it was listed; “Verify all” re-reads every file and checks its SHA-256.'
            : verifiedAt
              ? `Checked ${verifiedAt}`
              : 'Checked',
        problems: b.problems,
        path: b.path,
      }
    })
}

/** What a restore changes, said once before it happens (UI.md: destructive actions). */
export function restoreConfirmText(b: Pick<BackupInfo, 'id' | 'files'>): string {
  return (
    `Replaces the files of .claude/ with the ${formatCount(b.files, 'file')} of backup ${b.id}; ` +
    'the current state is backed up first; files not in the backup are kept.'
  )
}

/** The line under the list while nothing is selected: "3 backups · 2 verified · 1 failed". */
export function backupsSummary(list: readonly BackupInfo[]): string {
  if (list.length === 0) return 'No backups yet'
  const ok = list.filter((b) => b.verified === true).length
  const bad = list.filter((b) => b.verified === false).length
  const parts = [formatCount(list.length, 'backup')]
  if (ok > 0) parts.push(`${ok} verified`)
  if (bad > 0) parts.push(`${bad} failed verification`)
  return parts.join(' · ')
}

export interface RestoreFact {
  key: string
  label: string
  text: string
}

/** The few facts of a restore's evidence worth reading first; the rest stays one click away. */
export function restoreHighlights(evidence: Record<string, unknown> | null): RestoreFact[] {
  if (!evidence) return []
  const num = (k: string) => (typeof evidence[k] === 'number' ? (evidence[k] as number) : null)
  const out: RestoreFact[] = []
  const recovery = num('recoveryMs')
  if (recovery !== null) {
    const under = evidence.recoveryUnder5Min
    const note = under === true ? ' (under 5 min)' : under === false ? ' (over 5 min)' : ''
    out.push({
      key: 'recovery',
      label: 'Recovery time',
      text: `${formatDuration(recovery)}${note}`,
    })
  }
  const files = num('files')
  const bytes = num('bytes')
  if (files !== null)
    out.push({
      key: 'files',
      label: 'Restored',
      text: `${formatCount(files, 'file')}${bytes === null ? '' : ` · ${formatBytes(bytes)}`}`,
    })
  const kept = num('keptFiles')
  if (kept !== null)
    out.push({ key: 'kept', label: 'Kept (not in the backup)', text: formatCount(kept, 'file') })
  if (typeof evidence.preRestoreBackupId === 'string')
    out.push({ key: 'pre', label: 'Backed up first as', text: evidence.preRestoreBackupId })
  return out
}
