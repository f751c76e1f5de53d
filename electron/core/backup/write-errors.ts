// The backup's own writes failing for lack of space (ENOSPC, EDQUOT, or SQLite's SQLITE_FULL with
// the destination found full): one code and one way out, whichever file it hit.
import { FerryError } from '../../../shared/contract/envelope'

/** BACKUP_DISK_FULL; `subject` names what could not be written ("<file> could not be backed up"). */
export function backupDiskFull(subject: string, code: string): FerryError {
  return new FerryError(
    'BACKUP_DISK_FULL',
    `${subject}: the disk holding .ferry/backups is full (no space left on device, ${code})`,
    'Free space on that disk, then run the backup again. The workspace was not changed, and the unfinished backup was removed.',
  )
}
