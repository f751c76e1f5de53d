// Which snapshots count as "large JSON": content over this many bytes moves to a file. The job's
// parameter wins, then the environment, then the workspace's setting in .ferry/journal.db.
import { existsSync } from 'node:fs'
import Database from 'better-sqlite3'
import { FerryError } from '../../../shared/contract/envelope'
import { COLUMN_ENV } from './db'

/** The plan's figure for "large": 64 KiB. */
export const DEFAULT_SNAPSHOT_THRESHOLD_BYTES = 64 * 1024
export const THRESHOLD_ENV = 'FERRY_SNAPSHOT_THRESHOLD_BYTES'
/** Key in the journal's settings table. */
export const THRESHOLD_SETTING = 'snapshotStore.thresholdBytes'

export type ThresholdSource = 'param' | 'env' | 'setting' | 'default'

function parse(text: string, from: string): number {
  const n = Number(text.trim())
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n)) {
    throw new FerryError(
      'SNAPSHOT_BAD_THRESHOLD',
      `The snapshot size threshold from ${from} is "${text}", not a whole number of bytes`,
      `Set it to a number of bytes such as ${DEFAULT_SNAPSHOT_THRESHOLD_BYTES}.`,
    )
  }
  return n
}

function fromJournal(journalDb: string, key = THRESHOLD_SETTING): string | undefined {
  if (!existsSync(journalDb)) return undefined
  let db: Database.Database | undefined
  try {
    db = new Database(journalDb, { readonly: true, fileMustExist: true })
    db.pragma('busy_timeout = 5000')
    const v = db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(key)
    return typeof v === 'string' ? v : undefined
  } catch {
    // A journal without a settings table (or being created right now) just has no setting.
    return undefined
  } finally {
    db?.close()
  }
}

export function resolveThreshold(
  param: number | undefined,
  env: NodeJS.ProcessEnv,
  journalDb: string,
): { thresholdBytes: number; thresholdSource: ThresholdSource } {
  if (param !== undefined)
    return { thresholdBytes: parse(String(param), 'the job parameter'), thresholdSource: 'param' }
  const e = env[THRESHOLD_ENV]
  if (e !== undefined && e.trim() !== '')
    return { thresholdBytes: parse(e, THRESHOLD_ENV), thresholdSource: 'env' }
  const s = fromJournal(journalDb)
  if (s !== undefined)
    return {
      thresholdBytes: parse(s, `the setting ${THRESHOLD_SETTING}`),
      thresholdSource: 'setting',
    }
  return { thresholdBytes: DEFAULT_SNAPSHOT_THRESHOLD_BYTES, thresholdSource: 'default' }
}

/** Key in the journal's settings table naming the column to move (see COLUMN_ENV). */
export const COLUMN_SETTING = 'snapshotStore.column'

/** The column the user named for a memory_snapshots without `content`: environment, then setting. */
export function resolveColumn(env: NodeJS.ProcessEnv, journalDb: string): string | undefined {
  const e = env[COLUMN_ENV]
  if (e !== undefined && e !== '') return e
  return fromJournal(journalDb, COLUMN_SETTING)
}
