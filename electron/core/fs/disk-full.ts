// A write that fails because the disk is full (ENOSPC, or a user quota: EDQUOT) must say so, name
// the file, and say what to do — not surface as a bare "ENOSPC" or an internal error. SQLite
// reports a full disk and a file-size limit alike (a short write is SQLITE_FULL), and removes the
// partial copy, so there the room left for the whole copy tells the two apart.
import { statfsSync } from 'node:fs'
import { dirname } from 'node:path'

export const isDiskFullCode = (code: unknown): boolean => code === 'ENOSPC' || code === 'EDQUOT'

/** Free bytes (for this user) on the file system that holds `file` (or its folder); null: unknown. */
export function freeBytesAt(file: string): number | null {
  for (const p of [file, dirname(file)]) {
    try {
      const s = statfsSync(p)
      return s.bavail * s.bsize
    } catch {
      // not there (any more): try its folder
    }
  }
  return null
}

/** The file system that holds `file` has less than `bytes` free (checked after a failed write). */
export function noRoomFor(file: string, bytes: number): boolean {
  const free = freeBytesAt(file)
  return free !== null && free < bytes
}
